package fakes

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Method names the in-process providers count in [CallCounts].
const (
	MethodProbe       = "Probe"
	MethodListPage    = "ListPage"
	MethodStart       = "Start"
	MethodStop        = "Stop"
	MethodReboot      = "Reboot"
	MethodDeprovision = "Deprovision"
	MethodReprovision = "Reprovision"
)

// Provider returns the in-process provider.Provider of kind backed by the
// cloud, or nil for an unknown kind. It answers like the kind's real
// adapter over its emulator, from the adapter's own facts
// (provider.Facts): the same Name, Capabilities, Validate, Supports and
// status tables, and, where the adapter lists, the same Lister.Scope
// (then it implements provider.Lister too; the self-host adapter does
// not list). Each is the adapter configured to do all its provider can:
// with launch specs, so Hyperstack recreates a stopped host's VM, Lambda
// launches a host referenced by name, and GCP, Nebius (a host referenced
// by name) and Hyperstack reprovision. VMs report their ids
// (Observation.VMID); a running VM whose volume the cloud detached
// (Cloud.DetachVolume) reports the volume transitional, as the adapters
// do.
//
// Each method validates the host first (an error matching
// provider.ErrInvalidHost, no call counted), then refuses an action the
// kind does not support (provider.ErrUnsupported, no call counted), then
// counts one API call and draws its fault, then answers from the cloud.
// Actions of kinds with native waits (gcp, nebius) return an Operation
// whose Wait blocks on the cloud's clock, and so does every deprovision of
// a host with a data volume: it deletes the VM first and the volume only
// once the VM is gone (and, at Hyperstack, the volume detached), as the
// adapters do, and the Operation ends when the volume is gone.
func (c *Cloud) Provider(kind string) provider.Provider {
	c.mu.Lock()
	ks, err := c.kindLocked(kind)
	c.mu.Unlock()
	if err != nil {
		return nil
	}
	p := &fakeProvider{c: c, spec: ks.spec}
	if ks.spec.facts.Scope == nil {
		return p
	}
	return &fakeLister{p}
}

// fakeProvider is the in-process adapter of one kind.
type fakeProvider struct {
	c    *Cloud
	spec *kindSpec
}

// fakeLister is the in-process adapter of a kind whose adapter lists.
type fakeLister struct{ *fakeProvider }

var (
	_ provider.Provider = (*fakeProvider)(nil)
	_ provider.Lister   = (*fakeLister)(nil)
)

// Name returns the kind.
func (p *fakeProvider) Name() string { return p.spec.name() }

// Capabilities returns the adapter's capabilities.
func (p *fakeProvider) Capabilities() provider.Capabilities { return p.spec.facts.Capabilities }

// Supports answers as the adapter does.
func (p *fakeProvider) Supports(h provider.Host, a hoststate.Action) error {
	return p.spec.facts.Supports(h, a)
}

// Validate checks h as the adapter does, before any request.
func (p *fakeProvider) Validate(h provider.Host) error { return p.spec.facts.Validate(h) }

// Scope returns the listing scope of h, as the adapter's Lister does.
func (p *fakeLister) Scope(h provider.Host) string { return p.spec.facts.Scope(h) }

// call validates h, checks ctx and counts one call of method with its fault.
func (p *fakeProvider) call(ctx context.Context, h provider.Host, method string) error {
	if err := p.Validate(h); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fakes: %s %s: %w", p.spec.name(), method, err)
	}
	return p.c.injectFaultFor(p.spec.name(), method, h.Instance)
}

// Probe observes the host's VM and data volume in one reading. A missing
// VM is VMAbsent (a successful observation); kinds without a separate
// volume report VolumeAbsent; an offline connector gives an Unreachable
// observation with VMUnknown.
func (p *fakeProvider) Probe(ctx context.Context, h provider.Host) (hoststate.Observation, error) {
	if err := p.call(ctx, h, MethodProbe); err != nil {
		return hoststate.Observation{}, err
	}
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	ks := c.kinds[p.spec.name()]
	now := c.clock.Now()
	x := ks.hosts[h.Instance]
	if x != nil && p.spec.hasConnector() && (!x.online || ks.hostChance(x.ref.Instance, ks.faults.OfflineRate)) {
		return hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown, Unreachable: true}, nil
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent, RawVM: p.spec.goneRaw}
	if !p.spec.hasVolume() {
		obs.Volume = hoststate.VolumeNone
	}
	if x != nil {
		if a := c.answerVMLocked(ks, x, now); a.ok {
			obs.VM, obs.RawVM, obs.Address, obs.VMID = p.spec.vmState(a.status), a.status, a.addr, a.id
		}
	}
	if p.spec.hasVolume() {
		if v := ks.volumes[h.Volume]; v != nil {
			if status, ok := c.answerVolumeLocked(ks, v, now); ok {
				held := v == x && x.vm.exists && !x.detached && p.spec.attached(true, status)
				obs.Volume, obs.RawVolume = provider.HeldVolume(obs.VM, p.spec.volumeState(status), held), status
			}
		}
	}
	return obs, nil
}

// act performs action a of method through the raw API, after the checks
// every action makes: a valid host, a supported action.
func (p *fakeProvider) act(ctx context.Context, h provider.Host, method string, action hoststate.Action, a RawAction) (provider.Operation, error) {
	if err := p.Validate(h); err != nil {
		return nil, err
	}
	if err := p.Supports(h, action); err != nil {
		return nil, err
	}
	if err := p.call(ctx, h, method); err != nil {
		return nil, err
	}
	id, err := p.c.Act(ctx, p.spec.name(), h.Instance, a)
	if err != nil {
		return nil, err
	}
	if !p.spec.facts.Capabilities.NativeWait && !(a == RawDelete && p.spec.hasVolume()) {
		return nil, nil
	}
	return &operation{c: p.c, kind: p.spec.name(), id: id}, nil
}

// Start starts the VM (hyperstack: creates a new one around the volume).
func (p *fakeProvider) Start(ctx context.Context, h provider.Host) (provider.Operation, error) {
	return p.act(ctx, h, MethodStart, hoststate.ActionStart, RawStart)
}

// Stop stops the VM (hyperstack: deletes it and keeps the volume).
func (p *fakeProvider) Stop(ctx context.Context, h provider.Host) (provider.Operation, error) {
	return p.act(ctx, h, MethodStop, hoststate.ActionStop, RawStop)
}

// Reboot restarts the running VM (gcp reset, hyperstack hard reboot,
// lambda restart).
func (p *fakeProvider) Reboot(ctx context.Context, h provider.Host) (provider.Operation, error) {
	return p.act(ctx, h, MethodReboot, hoststate.ActionReboot, RawReboot)
}

// Reprovision recreates the VM around the kept data volume: the old VM
// (where one is left: a hyperstack stop already deleted it) is deleted
// without the volume, then a new VM (a new id) is created with it, as the
// adapters do. The Operation ends when the new VM's creation is done.
func (p *fakeProvider) Reprovision(ctx context.Context, h provider.Host) (provider.Operation, error) {
	if err := p.Validate(h); err != nil {
		return nil, err
	}
	if err := p.Supports(h, hoststate.ActionReprovision); err != nil {
		return nil, err
	}
	if err := p.call(ctx, h, MethodReprovision); err != nil {
		return nil, err
	}
	kind := p.spec.name()
	create := func(ctx context.Context) (provider.Operation, error) {
		id, err := p.c.Act(ctx, kind, h.Instance, RawCreate)
		if err != nil {
			return nil, err
		}
		return &operation{c: p.c, kind: kind, id: id}, nil
	}
	if !p.c.Truth(kind, h).VMExists {
		return create(ctx)
	}
	id, err := p.c.Act(ctx, kind, h.Instance, RawDeleteVM)
	if err != nil {
		return nil, err
	}
	return provider.Then(&operation{c: p.c, kind: kind, id: id}, create), nil
}

// Deprovision deletes the VM and then its data volume (lambda: terminates
// the instance).
func (p *fakeProvider) Deprovision(ctx context.Context, h provider.Host) (provider.Operation, error) {
	return p.act(ctx, h, MethodDeprovision, hoststate.ActionDeprovision, RawDelete)
}

// ListPage returns one page of the scope's listing: the VMs and data
// volumes of up to the cloud's page size of hosts, in instance order. Pass
// the previous page's Next to continue. The PartialListRate fault silently
// drops entries.
func (p *fakeLister) ListPage(ctx context.Context, scope, pageToken string) (provider.ListPage, error) {
	if err := ctx.Err(); err != nil {
		return provider.ListPage{}, fmt.Errorf("fakes: %s %s: %w", p.spec.name(), MethodListPage, err)
	}
	if err := p.c.InjectFault(p.spec.name(), MethodListPage); err != nil {
		return provider.ListPage{}, err
	}
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	ks := c.kinds[p.spec.name()]
	now := c.clock.Now()
	var hosts []*host
	if l := ks.scopes[scope]; l != nil {
		hosts = l.get()
	}
	// The token is the last instance of the previous page and the next page
	// starts after it, so hosts added between calls are listed when they
	// sort after the token.
	start := 0
	if pageToken != "" {
		i, found := slices.BinarySearchFunc(hosts, pageToken, func(h *host, t string) int { return strings.Compare(h.ref.Instance, t) })
		if found {
			i++
		}
		start = i
	}
	end := min(start+c.pageSize, len(hosts))
	var page provider.ListPage
	if end < len(hosts) {
		page.Next = hosts[end-1].ref.Instance
	}
	drop := ks.faults.PartialListRate
	page.VMs = make([]provider.ListedVM, 0, end-start)
	if p.spec.hasVolume() {
		page.Volumes = make([]provider.ListedVolume, 0, end-start)
	}
	for _, x := range hosts[start:end] {
		if a := c.answerVMLocked(ks, x, now); a.ok && !ks.draws.chance(drop) {
			page.VMs = append(page.VMs, provider.ListedVM{
				Instance: x.ref.Instance, VM: p.spec.vmState(a.status), Raw: a.status, Address: a.addr, VMID: a.id,
			})
		}
		if p.spec.hasVolume() {
			if status, ok := c.answerVolumeLocked(ks, x, now); ok && !ks.draws.chance(drop) {
				page.Volumes = append(page.Volumes, provider.ListedVolume{
					Volume: x.ref.Volume, State: p.spec.volumeState(status), Raw: status,
				})
			}
		}
	}
	return page, nil
}
