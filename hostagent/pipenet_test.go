package hostagent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftless/driftless/hostagent"
)

// pipeNet is an in-memory network for HTTP inside a testing/synctest
// bubble: every dial is a net.Pipe whose other end the listener accepts,
// so a real http.Server and http.Client talk over it while the bubble
// still sees every goroutine blocked when nothing can happen.
type pipeNet struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeNet() *pipeNet {
	return &pipeNet{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept implements net.Listener.
func (n *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-n.conns:
		return c, nil
	case <-n.closed:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener.
func (n *pipeNet) Close() error {
	n.once.Do(func() { close(n.closed) })
	return nil
}

// Addr implements net.Listener.
func (n *pipeNet) Addr() net.Addr { return pipeAddr{} }

// dial is the client Transport's DialContext.
func (n *pipeNet) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	srv, cli := net.Pipe()
	select {
	case n.conns <- srv:
		return cli, nil
	case <-n.closed:
	case <-ctx.Done():
	}
	srv.Close()
	cli.Close()
	return nil, net.ErrClosed
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// serve runs h on an http.Server over a new pipe network until the test
// ends and returns a client that reaches it at any http or https URL.
func serve(t testing.TB, h http.Handler) *http.Client {
	n := newPipeNet()
	srv := &http.Server{Handler: h}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(n)
	}()
	// https:// URLs dial through DialTLSContext, whose connection the
	// Transport takes as past its handshake: the pipe carries plain HTTP,
	// so the agent's https-only rule holds without certificates.
	tr := &http.Transport{DialContext: n.dial, DialTLSContext: n.dial}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		_ = srv.Close()
		<-done
	})
	return &http.Client{Transport: tr}
}

// call is one request a fakeCP received.
type call struct {
	at       time.Time
	endpoint string // "heartbeat" or "bootstrap-done"
	auth     string
	body     map[string]any
}

// fakeCP is a scripted control plane: answer decides each reply. It
// records every request.
type fakeCP struct {
	mu     sync.Mutex
	calls  []call
	answer func(c call, n int) (status int, header http.Header, body string)
}

func (f *fakeCP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c := call{at: time.Now(), auth: r.Header.Get("Authorization")}
	c.endpoint = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	_ = json.Unmarshal(b, &c.body)
	f.mu.Lock()
	f.calls = append(f.calls, c)
	n := len(f.calls)
	f.mu.Unlock()
	status, header, body := f.answer(c, n)
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// got returns the requests so far to endpoint ("" for all).
func (f *fakeCP) got(endpoint string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if endpoint == "" || c.endpoint == endpoint {
			out = append(out, c)
		}
	}
	return out
}

// always answers every request with one reply.
func always(status int, body string) func(call, int) (int, http.Header, string) {
	return func(call, int) (int, http.Header, string) { return status, nil, body }
}

const (
	testToken  = "s3cr3t-token-0123456789abcdef"
	testHost   = "h-17"
	runningOK  = `{"status":"running","accepted":true,"interval_seconds":30,"bootstrap_done":true}`
	stoppingNo = `{"status":"stopping","accepted":false,"interval_seconds":120,"bootstrap_done":true}`
)

// logBuf is a slog destination a test reads back.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// agentConfig is a valid Config reaching client, logging into logs.
func agentConfig(client *http.Client, logs io.Writer) hostagent.Config {
	return hostagent.Config{
		ControlPlane: "https://cp.test", HostID: testHost, Token: testToken,
		Version: "1.4.2", Address: "203.0.113.7:443",
		HTTPClient: client, Seed: 1,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}
