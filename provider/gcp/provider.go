package gcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	gax "github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"
	"google.golang.org/api/option/internaloption"
	httptransport "google.golang.org/api/transport/http"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Provider is the Compute Engine adapter. It implements provider.Provider,
// provider.Lister and is safe
// for concurrent use.
type Provider struct {
	cfg       Config
	calls     *calls
	instances *compute.InstancesClient
	disks     *compute.DisksClient
}

// Interface checks.
var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Lister   = (*Provider)(nil)
)

// New builds the adapter with Compute Engine REST clients. opts are the
// usual client options: none for Application Default Credentials, or e.g.
// option.WithEndpoint(url) and option.WithoutAuthentication() for an
// emulator (which also needs cfg.AllowInsecureHTTP for an http:// URL). The
// caller owns the Provider and must Close it.
func New(ctx context.Context, cfg Config, opts ...option.ClientOption) (*Provider, error) {
	cfg = cfg.withDefaults()
	if err := checkLabels("Config.Labels", cfg.Labels); err != nil {
		return nil, err
	}
	// Build the authenticated HTTP client the SDK would build, so its
	// transport can be wrapped; the defaults mirror the compute clients'.
	base := []option.ClientOption{
		internaloption.WithDefaultEndpoint("https://compute.googleapis.com"),
		internaloption.WithDefaultEndpointTemplate("https://compute.UNIVERSE_DOMAIN"),
		internaloption.WithDefaultMTLSEndpoint("https://compute.mtls.googleapis.com"),
		internaloption.WithDefaultUniverseDomain("googleapis.com"),
		internaloption.WithDefaultAudience("https://compute.googleapis.com/"),
		internaloption.WithDefaultScopes(compute.DefaultAuthScopes()...),
		internaloption.EnableNewAuthLibrary(),
	}
	hc, endpoint, err := httptransport.NewClient(ctx, append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("%s: build HTTP client: %w", Name, err)
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%s: endpoint %s is not an absolute URL", Name, quote(endpoint))
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && cfg.AllowInsecureHTTP) {
		return nil, fmt.Errorf("%s: endpoint %s must be https (set Config.AllowInsecureHTTP for a local emulator)", Name, quote(u.Redacted()))
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	calls := &calls{}
	guarded := &http.Client{
		Transport:     guardTransport{base: rt, maxBody: cfg.MaxBodyBytes, timeout: cfg.RequestTimeout, calls: calls},
		CheckRedirect: hc.CheckRedirect,
		Jar:           hc.Jar,
	}
	clientOpts := append(append([]option.ClientOption{}, opts...), option.WithHTTPClient(guarded))
	inst, err := compute.NewInstancesRESTClient(ctx, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("%s: instances client: %w", Name, err)
	}
	disks, err := compute.NewDisksRESTClient(ctx, clientOpts...)
	if err != nil {
		_ = inst.Close()
		return nil, fmt.Errorf("%s: disks client: %w", Name, err)
	}
	return &Provider{cfg: cfg, calls: calls, instances: inst, disks: disks}, nil
}

// Close releases the SDK clients.
func (p *Provider) Close() error {
	return errors.Join(p.instances.Close(), p.disks.Close())
}

// Name implements provider.Provider.
func (p *Provider) Name() string { return Name }

// Capabilities implements provider.Provider (see [Facts]).
func (p *Provider) Capabilities() provider.Capabilities { return capabilities() }

// Supports implements provider.Provider (see [Facts]): Compute Engine can
// do every action.
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error { return supports(host, a) }

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Probe implements provider.Provider: one instance Get and one disk Get.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
	call := "get instance " + path(host, host.Instance)
	inst, err := p.instances.Get(ctx, &computepb.GetInstanceRequest{
		Project: host.Project, Zone: host.Zone, Instance: host.Instance,
	}, noRetry())
	err = p.classify(call, err)
	switch absent, err := absence(call, err, "instances", host.Instance); {
	case err == nil && (inst.GetName() != host.Instance || inst.Status == nil):
		return hoststate.Observation{}, &callError{call, provider.ErrBadResponse, "the answer does not describe the instance", errIncomplete}
	case err == nil:
		obs.RawVM = inst.GetStatus()
		obs.VM = InstanceStates.Normalize(obs.RawVM)
		obs.Address = natIP(inst)
		obs.VMID = vmID(inst)
	case !absent:
		return hoststate.Observation{}, err
	}
	call = "get disk " + path(host, host.Volume)
	disk, err := p.disks.Get(ctx, &computepb.GetDiskRequest{
		Project: host.Project, Zone: host.Zone, Disk: host.Volume,
	}, noRetry())
	err = p.classify(call, err)
	switch absent, err := absence(call, err, "disks", host.Volume); {
	case err == nil && (disk.GetName() != host.Volume || disk.Status == nil):
		return hoststate.Observation{}, &callError{call, provider.ErrBadResponse, "the answer does not describe the disk", errIncomplete}
	case err == nil:
		obs.RawVolume = disk.GetStatus()
		obs.Volume = DiskStates.Normalize(obs.RawVolume)
	case !absent:
		return hoststate.Observation{}, err
	}
	p.cfg.Logger.DebugContext(ctx, "gcp probe", slog.String("instance", path(host, host.Instance)),
		slog.String("vm", obs.RawVM), slog.String("disk", obs.RawVolume))
	return obs, nil
}

// Start implements provider.Provider.
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return p.act(ctx, host, "start "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Start(ctx, &computepb.StartInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance,
		}, noRetry())
	})
}

// Stop implements provider.Provider. The instance becomes TERMINATED and
// keeps its disks.
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return p.act(ctx, host, "stop "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Stop(ctx, &computepb.StopInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance,
		}, noRetry())
	})
}

// Reboot implements provider.Provider with a reset (a hard restart, the only
// restart Compute Engine offers).
func (p *Provider) Reboot(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return p.act(ctx, host, "reset "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Reset(ctx, &computepb.ResetInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance,
		}, noRetry())
	})
}

// Deprovision implements provider.Provider: it deletes the instance
// and, once the returned Operation's Wait sees the instance gone, the data
// disk (Compute Engine refuses to delete an attached disk). Call Wait: the
// disk is deleted inside it. When the instance is already gone only the
// disk is deleted, and a disk already gone is skipped; when both are gone
// the error matches provider.ErrNotFound.
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	deleteDisk := func(ctx context.Context) (provider.Operation, error) {
		call := "delete disk " + path(host, host.Volume)
		op, err := p.act(ctx, host, call, func() (*compute.Operation, error) {
			return p.disks.Delete(ctx, &computepb.DeleteDiskRequest{
				Project: host.Project, Zone: host.Zone, Disk: host.Volume,
			}, noRetry())
		})
		switch absent, err := absence(call, err, "disks", host.Volume); {
		case absent:
			return nil, nil
		case err != nil:
			return nil, err
		}
		return op, nil
	}
	call := "delete instance " + path(host, host.Instance)
	op, err := p.act(ctx, host, call, func() (*compute.Operation, error) {
		return p.instances.Delete(ctx, &computepb.DeleteInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance,
		}, noRetry())
	})
	absent, err := absence(call, err, "instances", host.Instance)
	switch {
	case absent:
		op, err := deleteDisk(ctx)
		if op == nil && err == nil {
			return nil, fmt.Errorf("%s: deprovision %s: instance and disk already gone: %w",
				Name, path(host, host.Instance), provider.ErrNotFound)
		}
		return op, err
	case err != nil:
		return nil, err
	}
	return provider.Then(op, deleteDisk), nil
}

// act validates host, sends one mutating call and wraps its operation.
func (p *Provider) act(ctx context.Context, host provider.Host, what string, call func() (*compute.Operation, error)) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	op, err := call()
	if err != nil {
		return nil, p.classify(what, err)
	}
	p.cfg.Logger.DebugContext(ctx, "gcp action", slog.String("call", what), slog.String("operation", op.Name()))
	return &operation{p: p, call: what, op: op}, nil
}

// classify applies the error contract with the adapter's clock.
func (p *Provider) classify(call string, err error) error {
	if err == nil {
		return nil
	}
	return classify(call, err, p.cfg.Clock.Now())
}

// noRetry turns off the SDK's retries: a call is one attempt, and the
// reconciler backs off on the classified error.
func noRetry() gax.CallOption {
	return gax.WithRetry(func() gax.Retryer { return nil })
}

// path names a zonal resource for messages.
func path(host provider.Host, name string) string {
	return host.Project + "/" + host.Zone + "/" + name
}

// vmID is the instance's immutable numeric id, "" when the answer has
// none.
func vmID(inst *computepb.Instance) string {
	if inst.Id == nil {
		return ""
	}
	return strconv.FormatUint(inst.GetId(), 10)
}

// natIP returns the instance's first external address.
func natIP(inst *computepb.Instance) string {
	for _, ni := range inst.GetNetworkInterfaces() {
		for _, ac := range ni.GetAccessConfigs() {
			if ip := ac.GetNatIP(); ip != "" {
				return ip
			}
		}
	}
	return ""
}
