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
)

// Provider returns the in-process provider.Provider of kind backed by the
// cloud, or nil for an unknown kind. Every one also implements
// provider.Lister; Supports says what each kind can do. gcp and nebius actions return an Operation whose Wait
// blocks on the cloud's clock; the others return a nil Operation.
//
// Each method validates the host first (an error matching
// provider.ErrInvalidHost, no call counted), then counts one API call and
// draws its fault, then answers from the cloud.
func (c *Cloud) Provider(kind string) provider.Provider {
	c.mu.Lock()
	ks, err := c.kindLocked(kind)
	c.mu.Unlock()
	if err != nil {
		return nil
	}
	return &fakeProvider{c: c, spec: ks.spec}
}

// fakeProvider is the in-process adapter of one kind.
type fakeProvider struct {
	c    *Cloud
	spec *kindSpec
}

var (
	_ provider.Provider = (*fakeProvider)(nil)
	_ provider.Lister   = (*fakeProvider)(nil)
)

// Name returns the kind.
func (p *fakeProvider) Name() string { return p.spec.name }

// Capabilities returns the kind's capabilities, those of the real adapter.
func (p *fakeProvider) Capabilities() provider.Capabilities { return p.spec.caps }

// Supports reports whether the kind can do a.
func (p *fakeProvider) Supports(_ provider.Host, a hoststate.Action) error {
	if why, ok := p.spec.cannot[a]; ok {
		return provider.Unsupported(p.spec.name, a, why)
	}
	if !a.Valid() || a == hoststate.ActionNone {
		return provider.Unsupported(p.spec.name, a, "not an action")
	}
	return nil
}

// Validate checks h as the real adapter must before any request: gcp names
// follow RFC 1035; other ids are non-empty, at most 128 bytes, and free of
// '/', '?', '#', '%', '\\', whitespace, control characters and "..".
func (p *fakeProvider) Validate(h provider.Host) error { return p.spec.validate(h) }

// Scope returns the listing scope of h: "project/zone" for gcp, the
// region for the others.
func (p *fakeProvider) Scope(h provider.Host) string { return p.spec.scope(h) }

// call validates h, checks ctx and counts one call of method with its fault.
func (p *fakeProvider) call(ctx context.Context, h provider.Host, method string) error {
	if err := p.spec.validate(h); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fakes: %s %s: %w", p.spec.name, method, err)
	}
	return p.c.InjectFault(p.spec.name, method)
}

// Probe observes the host's VM and data volume in one reading. A missing
// VM is VMAbsent (a successful observation); kinds without a separate
// volume report VolumeAbsent; an offline selfhost connector gives an
// Unreachable observation with VMUnknown.
func (p *fakeProvider) Probe(ctx context.Context, h provider.Host) (hoststate.Observation, error) {
	if err := p.call(ctx, h, MethodProbe); err != nil {
		return hoststate.Observation{}, err
	}
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	ks := c.kinds[p.spec.name]
	now := c.clock.Now()
	x := ks.hosts[h.Instance]
	if x != nil && p.spec.name == SelfHost && (!x.online || ks.chance(ks.faults.OfflineRate)) {
		return hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown, Unreachable: true}, nil
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent, RawVM: p.spec.goneRaw}
	if !p.spec.hasVolume {
		obs.Volume = hoststate.VolumeNone
	}
	if x != nil {
		if a := c.answerVMLocked(ks, x, now); a.ok {
			obs.VM, obs.RawVM, obs.Address = p.spec.vmTable.Normalize(a.status), a.status, a.addr
		}
	}
	if p.spec.hasVolume {
		if v := ks.volumes[h.Volume]; v != nil {
			if status, ok := c.answerVolumeLocked(ks, v, now); ok {
				obs.Volume, obs.RawVolume = p.spec.volTable.Normalize(status), status
			}
		}
	}
	return obs, nil
}

// act performs one action through the raw API.
func (p *fakeProvider) act(ctx context.Context, h provider.Host, method string, a RawAction) (provider.Operation, error) {
	if err := p.call(ctx, h, method); err != nil {
		return nil, err
	}
	id, err := p.c.Act(ctx, p.spec.name, h.Instance, a)
	if err != nil {
		return nil, err
	}
	if !p.spec.caps.NativeWait {
		return nil, nil
	}
	return &operation{c: p.c, kind: p.spec.name, id: id}, nil
}

// Start starts the VM (hyperstack: creates a new one around the volume;
// lambda: launches a new instance).
func (p *fakeProvider) Start(ctx context.Context, h provider.Host) (provider.Operation, error) {
	return p.act(ctx, h, MethodStart, RawStart)
}

// Stop stops the VM (hyperstack: deletes it and keeps the volume). Lambda
// cannot stop: the error matches provider.ErrUnsupported and no call is
// made.
func (p *fakeProvider) Stop(ctx context.Context, h provider.Host) (provider.Operation, error) {
	if err := p.Supports(h, hoststate.ActionStop); err != nil {
		if verr := p.spec.validate(h); verr != nil {
			return nil, verr
		}
		return nil, err
	}
	return p.act(ctx, h, MethodStop, RawStop)
}

// Deprovision deletes the VM and its data volume (lambda: terminates the
// instance).
func (p *fakeProvider) Deprovision(ctx context.Context, h provider.Host) (provider.Operation, error) {
	return p.act(ctx, h, MethodDeprovision, RawDelete)
}

// ListPage returns one page of the scope's listing: the VMs and data
// volumes of up to the cloud's page size of hosts, in instance order. Pass
// the previous page's Next to continue. The PartialListRate fault silently
// drops entries; an offline selfhost connector lists its VM Unreachable,
// as VMUnknown with an empty raw status, never as missing.
func (p *fakeProvider) ListPage(ctx context.Context, scope, pageToken string) (provider.ListPage, error) {
	if err := ctx.Err(); err != nil {
		return provider.ListPage{}, fmt.Errorf("fakes: %s %s: %w", p.spec.name, MethodListPage, err)
	}
	if err := p.c.InjectFault(p.spec.name, MethodListPage); err != nil {
		return provider.ListPage{}, err
	}
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	ks := c.kinds[p.spec.name]
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
	if p.spec.hasVolume {
		page.Volumes = make([]provider.ListedVolume, 0, end-start)
	}
	for _, x := range hosts[start:end] {
		if p.spec.name == SelfHost && (!x.online || ks.chance(ks.faults.OfflineRate)) {
			if !ks.chance(drop) {
				page.VMs = append(page.VMs, provider.ListedVM{Instance: x.ref.Instance, VM: hoststate.VMUnknown, Unreachable: true})
			}
			continue
		}
		if a := c.answerVMLocked(ks, x, now); a.ok && !ks.chance(drop) {
			page.VMs = append(page.VMs, provider.ListedVM{
				Instance: x.ref.Instance, VM: p.spec.vmTable.Normalize(a.status), Raw: a.status, Address: a.addr,
			})
		}
		if p.spec.hasVolume {
			if status, ok := c.answerVolumeLocked(ks, x, now); ok && !ks.chance(drop) {
				page.Volumes = append(page.Volumes, provider.ListedVolume{
					Volume: x.ref.Volume, State: p.spec.volTable.Normalize(status), Raw: status,
				})
			}
		}
	}
	return page, nil
}

// Reboot restarts the running VM (gcp reset, hyperstack hard reboot,
// lambda restart, a connector's restart); nebius cannot, and refuses
// without a call.
func (p *fakeProvider) Reboot(ctx context.Context, h provider.Host) (provider.Operation, error) {
	if err := p.Supports(h, hoststate.ActionReboot); err != nil {
		if verr := p.spec.validate(h); verr != nil {
			return nil, verr
		}
		return nil, err
	}
	return p.act(ctx, h, MethodReboot, RawReboot)
}
