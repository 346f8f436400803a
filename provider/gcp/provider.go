package gcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	gax "github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"
	"google.golang.org/api/option/internaloption"
	httptransport "google.golang.org/api/transport/http"
	"google.golang.org/protobuf/proto"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Provider is the Compute Engine adapter. It implements provider.Provider,
// provider.Lister and is safe
// for concurrent use.
type Provider struct {
	cfg       Config
	endpoint  *url.URL     // the API's base URL, for the listings
	http      *http.Client // guarded and authenticated, shared with the SDK clients
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
	guarded := &http.Client{
		Transport: guardTransport{base: rt, maxBody: cfg.MaxBodyBytes, timeout: cfg.RequestTimeout},
		// Compute Engine does not redirect; following one would send the
		// credentials the transport attaches to wherever it points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
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
	return &Provider{cfg: cfg, endpoint: u, http: guarded, instances: inst, disks: disks}, nil
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
// do every action; a reprovision needs the host's launch spec
// (Config.LaunchSpec).
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error {
	if err := supports(host, a); err != nil || a != hoststate.ActionReprovision {
		return err
	}
	if _, err := provider.Launch(Name, p.cfg.LaunchSpec, host, checkSpec); err != nil {
		return provider.Unsupported(Name, a, "a reprovision creates the instance from the host's launch spec: "+err.Error())
	}
	return nil
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Probe implements provider.Provider: one instance Get and one disk Get.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
	switch inst, absent, err := p.lookup(ctx, host); {
	case err != nil:
		return hoststate.Observation{}, err
	case !absent:
		obs.RawVM = inst.GetStatus()
		obs.VM = InstanceStates.Normalize(obs.RawVM)
		obs.Address = natIP(inst)
		obs.VMID = vmID(inst)
	}
	call := "get disk " + path(host, host.Volume)
	disk, err := p.disks.Get(ctx, &computepb.GetDiskRequest{
		Project: host.Project, Zone: host.Zone, Disk: host.Volume,
	}, noRetry())
	err = p.classify(call, err)
	switch absent, err := absence(call, err, "disks", host.Volume); {
	case err == nil && (disk.GetName() != host.Volume || disk.Status == nil):
		return hoststate.Observation{}, &callError{call, provider.ErrBadResponse, "the answer does not describe the disk", errIncomplete}
	case err == nil:
		obs.RawVolume = disk.GetStatus()
		obs.Volume = provider.HeldVolume(obs.VM, DiskStates.Normalize(obs.RawVolume), usedBy(disk, host))
	case !absent:
		return hoststate.Observation{}, err
	}
	p.cfg.Logger.DebugContext(ctx, "gcp probe", slog.String("instance", path(host, host.Instance)),
		slog.String("vm", obs.RawVM), slog.String("disk", obs.RawVolume))
	return obs, nil
}

// Start implements provider.Provider: a TERMINATED instance is started,
// a SUSPENDED one resumed (Compute Engine starts only the former and
// resumes only the latter), one still suspending is refused for now
// (provider.ErrRetryableConflict). The instance is read first: someone
// else's instance of the name is never touched (provider.ErrNotOurs).
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	inst, err := p.ours(ctx, host, "start")
	if err != nil {
		return nil, err
	}
	switch strings.ToUpper(inst.GetStatus()) {
	case "SUSPENDED":
		return p.act(ctx, host, "resume "+path(host, host.Instance), func() (*compute.Operation, error) {
			return p.instances.Resume(ctx, &computepb.ResumeInstanceRequest{
				Project: host.Project, Zone: host.Zone, Instance: host.Instance, RequestId: requestID(ctx, "resume"),
			}, noRetry())
		})
	case "SUSPENDING":
		return nil, fmt.Errorf("%s: start %s: the instance is still suspending: %w", Name, path(host, host.Instance), provider.ErrRetryableConflict)
	}
	return p.act(ctx, host, "start "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Start(ctx, &computepb.StartInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance, RequestId: requestID(ctx, "start"),
		}, noRetry())
	})
}

// Stop implements provider.Provider. The instance becomes TERMINATED and
// keeps its disks. An instance with Local SSDs is stopped with
// discardLocalSsd (Compute Engine refuses a stop that does not say what
// becomes of them; Local SSDs are scratch space, the host's data is on its
// data disk).
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	inst, err := p.ours(ctx, host, "stop")
	if err != nil {
		return nil, err
	}
	req := &computepb.StopInstanceRequest{Project: host.Project, Zone: host.Zone, Instance: host.Instance, RequestId: requestID(ctx, "stop")}
	if hasLocalSSD(inst) {
		req.DiscardLocalSsd = proto.Bool(true)
	}
	return p.act(ctx, host, "stop "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Stop(ctx, req, noRetry())
	})
}

// Reboot implements provider.Provider with a reset (a hard restart, the only
// restart Compute Engine offers).
func (p *Provider) Reboot(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if _, err := p.ours(ctx, host, "reset"); err != nil {
		return nil, err
	}
	return p.act(ctx, host, "reset "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Reset(ctx, &computepb.ResetInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance, RequestId: requestID(ctx, "reset"),
		}, noRetry())
	})
}

// Deprovision implements provider.Provider: it deletes the instance
// and, once the returned Operation's Wait sees the instance gone, the data
// disk (Compute Engine refuses to delete an attached disk). Call Wait: the
// disk is deleted inside it. When the instance is already gone — a
// deprovision interrupted between the two deletes included — only the
// disk is deleted, and a disk already gone is skipped; when both are gone
// the error matches provider.ErrNotFound. Someone else's instance of the
// name is never deleted (provider.ErrNotOurs).
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	inst, absent, err := p.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	if absent {
		op, err := p.deleteDisk(ctx, host)
		if op == nil && err == nil {
			return nil, fmt.Errorf("%s: deprovision %s: instance and disk already gone: %w",
				Name, path(host, host.Instance), provider.ErrNotFound)
		}
		return op, err
	}
	if err := p.checkOurs(host, inst); err != nil {
		return nil, err
	}
	op, err := p.deleteInstance(ctx, host)
	switch {
	case errors.Is(err, errGone):
		return p.deleteDisk(ctx, host)
	case err != nil:
		return nil, err
	}
	return provider.Then(op, func(ctx context.Context) (provider.Operation, error) { return p.deleteDisk(ctx, host) }), nil
}

// errGone marks a delete whose target is already gone.
var errGone = errors.New("gcp: already gone")

// deleteInstance deletes host's instance; errGone when it is gone.
func (p *Provider) deleteInstance(ctx context.Context, host provider.Host) (provider.Operation, error) {
	call := "delete instance " + path(host, host.Instance)
	op, err := p.act(ctx, host, call, func() (*compute.Operation, error) {
		return p.instances.Delete(ctx, &computepb.DeleteInstanceRequest{
			Project: host.Project, Zone: host.Zone, Instance: host.Instance, RequestId: requestID(ctx, "delete-instance"),
		}, noRetry())
	})
	switch absent, err := absence(call, err, "instances", host.Instance); {
	case absent:
		return nil, errGone
	case err != nil:
		return nil, err
	}
	return op, nil
}

// deleteDisk deletes host's data disk; (nil, nil) when it is gone.
func (p *Provider) deleteDisk(ctx context.Context, host provider.Host) (provider.Operation, error) {
	call := "delete disk " + path(host, host.Volume)
	op, err := p.act(ctx, host, call, func() (*compute.Operation, error) {
		return p.disks.Delete(ctx, &computepb.DeleteDiskRequest{
			Project: host.Project, Zone: host.Zone, Disk: host.Volume, RequestId: requestID(ctx, "delete-disk"),
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

// lookup reads host's instance; absent is Compute Engine's own not-found
// for it.
func (p *Provider) lookup(ctx context.Context, host provider.Host) (inst *computepb.Instance, absent bool, _ error) {
	call := "get instance " + path(host, host.Instance)
	inst, err := p.instances.Get(ctx, &computepb.GetInstanceRequest{
		Project: host.Project, Zone: host.Zone, Instance: host.Instance,
	}, noRetry())
	err = p.classify(call, err)
	switch absent, err := absence(call, err, "instances", host.Instance); {
	case absent:
		return nil, true, nil
	case err != nil:
		return nil, false, err
	}
	if inst.GetName() != host.Instance || inst.Status == nil {
		return nil, false, &callError{call, provider.ErrBadResponse, "the answer does not describe the instance", errIncomplete}
	}
	return inst, false, nil
}

// ours validates host and reads its instance for an action (verb): an
// error matching provider.ErrNotFound when it is gone, provider.ErrNotOurs
// when it is someone else's.
func (p *Provider) ours(ctx context.Context, host provider.Host, verb string) (*computepb.Instance, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	inst, absent, err := p.lookup(ctx, host)
	switch {
	case err != nil:
		return nil, err
	case absent:
		return nil, fmt.Errorf("%s: %s %s: no such instance: %w", Name, verb, path(host, host.Instance), provider.ErrNotFound)
	}
	return inst, p.checkOurs(host, inst)
}

// owner is host as ownership sees it: its labels and Config.Labels, which
// every resource of this control plane carries.
func (p *Provider) owner(host provider.Host) provider.Host {
	labels := maps.Clone(p.cfg.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, host.Labels)
	host.Labels = labels
	return host
}

// checkOurs returns a *provider.NotOursError unless inst carries host's
// ownership labels.
func (p *Provider) checkOurs(host provider.Host, inst *computepb.Instance) error {
	if ok, missing := provider.Owns(inst.GetLabels(), p.owner(host)); !ok {
		return &provider.NotOursError{Provider: Name, Instance: path(host, host.Instance), VMID: vmID(inst), Missing: missing}
	}
	return nil
}

// act sends one mutating call and wraps its operation, whose name must be
// one Compute Engine gives (it goes into the poll's path).
func (p *Provider) act(ctx context.Context, host provider.Host, what string, call func() (*compute.Operation, error)) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	op, err := call()
	if err != nil {
		return nil, p.classify(what, err)
	}
	if err := checkOpName(what, op.Name()); err != nil {
		return nil, err
	}
	p.cfg.Logger.DebugContext(ctx, "gcp action", slog.String("call", what), slog.String("operation", op.Name()))
	return &operation{p: p, call: what, op: op, name: op.Name()}, nil
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
