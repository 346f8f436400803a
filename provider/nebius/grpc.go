package nebius

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// DefaultEndpoint is where Nebius serves compute/v1: InstanceService,
// DiskService and the OperationService that reads their operations
// (operations are read where they were started, per nebius/api's
// endpoints.md).
const DefaultEndpoint = "compute.api.nebius.cloud:443"

// DefaultCallTimeout bounds one call when GRPCConfig.CallTimeout is 0: long
// enough for a slow control plane, short enough that a dead connection
// does not hold a reconcile pass.
const DefaultCallTimeout = 30 * time.Second

// GRPCConfig configures the compiled gRPC client. Token is required; the
// rest has usable zero values.
type GRPCConfig struct {
	// Endpoint is the API's host:port; "" means DefaultEndpoint. Only
	// Dial reads it.
	Endpoint string
	// Token gives the IAM access token, asked once per call.
	Token TokenSource
	// TLS configures the connection; nil means the system roots and TLS
	// 1.2 or later. Only Dial reads it.
	TLS *tls.Config
	// Insecure sends calls, IAM token included, in plaintext. It exists
	// for an emulator on this machine: Dial refuses it for any endpoint
	// but a loopback address or localhost.
	Insecure bool
	// CallTimeout bounds each call; 0 means DefaultCallTimeout.
	CallTimeout time.Duration
	// Logger receives a debug record of each call (method, code, time
	// taken; never the token); nil discards them.
	Logger *slog.Logger
}

// Client is the Nebius compute API over gRPC, without gosdk. Instances and
// Disks are the services New takes:
//
//	c, err := nebius.Dial(ctx, nebius.GRPCConfig{Token: tokens})
//	...
//	p, err := nebius.New(c.Instances(), c.Disks(), nebius.Config{})
//
// Its errors are typed: *StatusError for an error status (the gRPC status
// stays reachable, so the adapter classifies it as before), *RefusalError
// for a quota or capacity refusal, *BadResponseError for an answer that
// cannot be used. It is safe for concurrent use.
type Client struct {
	cfg       GRPCConfig
	conn      *grpc.ClientConn
	own       bool
	creds     tokenCredentials
	instances nebiuspb.InstanceServiceClient
	disks     nebiuspb.DiskServiceClient
	ops       nebiuspb.OperationServiceClient
}

// Dial returns a client of cfg.Endpoint over TLS (plaintext when
// cfg.Insecure, to loopback only). Like grpc.NewClient it does not connect
// yet: the first call does, and a failure to connect is that call's
// ErrUnavailable. Close the client when done.
func Dial(ctx context.Context, cfg GRPCConfig) (*Client, error) {
	endpoint := cmp.Or(cfg.Endpoint, DefaultEndpoint)
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil || host == "" {
		return nil, fmt.Errorf("%s: endpoint %s is not host:port", Name, strconv.Quote(endpoint))
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, fmt.Errorf("%s: endpoint %s has no port number", Name, strconv.Quote(endpoint))
	}
	var transport credentials.TransportCredentials
	switch {
	case cfg.Insecure && cfg.TLS != nil:
		return nil, fmt.Errorf("%s: GRPCConfig has both TLS and Insecure", Name)
	case cfg.Insecure:
		// A plaintext call carries the bearer token in the clear: only a
		// process on this machine may see it.
		if !loopback(host) {
			return nil, fmt.Errorf("%s: Insecure is for a loopback emulator, not %s", Name, strconv.Quote(host))
		}
		transport = insecure.NewCredentials()
	default:
		tc := &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.TLS != nil {
			tc = cfg.TLS.Clone()
		}
		transport = credentials.NewTLS(tc)
	}
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(transport), grpc.WithUserAgent("driftless"))
	if err != nil {
		return nil, fmt.Errorf("%s: dial %s: %w", Name, endpoint, err)
	}
	c, err := NewGRPC(conn, cfg)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	c.own = true
	c.cfg.Logger.DebugContext(ctx, "nebius grpc client", slog.String("endpoint", endpoint), slog.Bool("tls", !cfg.Insecure))
	return c, nil
}

// NewGRPC returns a client over conn, which the caller owns and closes:
// cfg's Endpoint and TLS are conn's business, and cfg.Insecure only stops
// the token from insisting on a secure transport (set it when conn is a
// plaintext connection to an emulator).
func NewGRPC(conn *grpc.ClientConn, cfg GRPCConfig) (*Client, error) {
	if conn == nil {
		return nil, fmt.Errorf("%s: NewGRPC needs a connection", Name)
	}
	if cfg.Token == nil {
		return nil, fmt.Errorf("%s: GRPCConfig.Token is required (the IAM token source)", Name)
	}
	if cfg.CallTimeout < 0 {
		return nil, fmt.Errorf("%s: negative GRPCConfig.CallTimeout %s", Name, cfg.CallTimeout)
	}
	cfg.CallTimeout = cmp.Or(cfg.CallTimeout, DefaultCallTimeout)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Client{
		cfg:       cfg,
		conn:      conn,
		creds:     tokenCredentials{src: cfg.Token, insecure: cfg.Insecure, last: &atomic.Pointer[string]{}},
		instances: nebiuspb.NewInstanceServiceClient(conn),
		disks:     nebiuspb.NewDiskServiceClient(conn),
		ops:       nebiuspb.NewOperationServiceClient(conn),
	}, nil
}

// Instances returns the InstanceService over gRPC.
func (c *Client) Instances() InstanceService { return grpcInstances{c} }

// Disks returns the DiskService over gRPC.
func (c *Client) Disks() DiskService { return grpcDisks{c} }

// Close closes the connection when Dial made it; a client of NewGRPC
// leaves the caller's connection open.
func (c *Client) Close() error {
	if !c.own {
		return nil
	}
	if err := c.conn.Close(); err != nil {
		return fmt.Errorf("%s: close: %w", Name, err)
	}
	return nil
}

// invoke makes one call of method: the per-call timeout, the token, a
// debug record, and the failure as this package's typed error.
func invoke[Req, Resp any](ctx context.Context, c *Client, method string, rpc func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req) (Resp, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	opts := []grpc.CallOption{grpc.PerRPCCredentials(c.creds)}
	codec := newAnswerCodec()
	if codec != nil {
		opts = append(opts, grpc.ForceCodecV2(codec))
	}
	start := time.Now()
	resp, err := rpc(ctx, req, opts...)
	c.cfg.Logger.DebugContext(ctx, "nebius grpc call",
		slog.String("method", method), slog.String("code", status.Code(err).String()), slog.Duration("took", time.Since(start)))
	var zero Resp
	switch {
	case err != nil && codec != nil && codec.garbled.Load():
		return zero, badResponse(method, "the answer does not decode: %s", cut(status.Convert(err).Message()))
	case err != nil:
		return zero, callFailure(method, c.creds.scrubbed(err))
	}
	return resp, nil
}

// loopback reports whether host is this machine: localhost or a loopback
// address.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.IsLoopback()
}
