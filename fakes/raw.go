package fakes

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// RawVM is a VM as a provider API shows it: the raw, provider-specific
// status and the fields an emulator renders into the provider's JSON.
type RawVM struct {
	// Kind is the provider kind ([GCP], ...).
	Kind string
	// Instance, Project, Zone, Region, Volume and Labels are the host's
	// reference as AddHost got it.
	Instance, Project, Zone, Region string
	// Status is the provider's own status string, e.g. "TERMINATED".
	Status string
	// Address is the public address, "" while the VM has none.
	Address string
	Volume  string
	// Labels are the VM's own labels: provider.OwnershipLabels of the host
	// for the VM AddHost made and every VM an action created, the labels
	// the creator gave for others ([Cloud.CreateVM], [Cloud.ReplaceVM]).
	Labels map[string]string
	// ID is the provider's immutable id of the VM: new for every VM,
	// whatever its name ("" for self-hosts, whose connectors have none).
	ID string
	// LocalSSD: the VM has Local SSDs ([Cloud.SetLocalSSD]).
	LocalSSD bool
	// CreatedAt is when the current VM was created (a hyperstack start or
	// lambda launch creates a new one).
	CreatedAt time.Time
}

// RawVolume is a data volume as a provider API shows it.
type RawVolume struct {
	// Kind, Volume, Project, Zone, Region and Labels are as for [RawVM]:
	// the kind and the host's reference as AddHost got it.
	Kind, Volume, Project, Zone, Region string
	Labels                              map[string]string
	// Instance is the host the volume belongs to (its VM's name), whether
	// or not that VM exists: what an emulator passes to [Cloud.Act].
	Instance string
	// Status is the provider's own status string, e.g. "reserved".
	Status string
	// AttachedTo is the instance holding the volume, "" when detached;
	// AttachedVMID is that VM's id.
	AttachedTo, AttachedVMID string
}

// RawVM returns the VM of kind named instance as an API answer shows it
// now, eventual-consistency lag included; false means the API answers 404.
// Reading may trigger the PreemptRate fault. Unlike an API call it is not
// counted: call [Cloud.InjectFault] for that.
func (c *Cloud) RawVM(kind, instance string) (RawVM, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return RawVM{}, false
	}
	h := ks.hosts[instance]
	if h == nil {
		return RawVM{}, false
	}
	return c.rawVMLocked(ks, h, c.clock.Now())
}

// RawVMByID returns the VM of kind whose provider id is id, as RawVM
// does; false when no VM has that id now (an old VM's id after it was
// recreated answers 404, as the providers do).
func (c *Cloud) RawVMByID(kind, id string) (RawVM, bool) {
	if id == "" {
		return RawVM{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return RawVM{}, false
	}
	now := c.clock.Now()
	for _, h := range ks.all.get() {
		h.advance(now)
		if h.vm.id == id || (h.vm.ghostID == id && !h.vm.exists) {
			if vm, ok := c.rawVMLocked(ks, h, now); ok && vm.ID == id {
				return vm, true
			}
		}
	}
	return RawVM{}, false
}

// RawVolume returns the data volume of kind named volume as an API answer
// shows it now; false means 404 (and always for kinds without volumes).
// Reading may trigger the VolumeLossRate fault.
func (c *Cloud) RawVolume(kind, volume string) (RawVolume, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil || !ks.spec.hasVolume() {
		return RawVolume{}, false
	}
	h := ks.volumes[volume]
	if h == nil {
		return RawVolume{}, false
	}
	return c.rawVolumeLocked(ks, h, c.clock.Now())
}

// RawVMs returns the visible VMs of kind in scope, sorted by Instance.
// scope is a listing scope as the kind's adapter's Lister.Scope returns it;
// "" lists every host, and a string that is no listing scope lists the
// hosts whose Project it is (a Compute Engine project's every zone).
func (c *Cloud) RawVMs(kind, scope string) []RawVM {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return nil
	}
	now := c.clock.Now()
	var out []RawVM
	for _, h := range ks.scopeHosts(scope) {
		if vm, ok := c.rawVMLocked(ks, h, now); ok {
			out = append(out, vm)
		}
	}
	return out
}

// RawVolumes returns the visible data volumes of kind in scope (as for
// RawVMs), sorted by Volume.
func (c *Cloud) RawVolumes(kind, scope string) []RawVolume {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil || !ks.spec.hasVolume() {
		return nil
	}
	now := c.clock.Now()
	var out []RawVolume
	for _, h := range ks.scopeHosts(scope) {
		if v, ok := c.rawVolumeLocked(ks, h, now); ok {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b RawVolume) int { return strings.Compare(a.Volume, b.Volume) })
	return out
}

// scopeHosts returns the hosts of a scope, sorted by instance.
func (ks *kindState) scopeHosts(scope string) []*host {
	if scope == "" {
		return ks.all.get()
	}
	if l := ks.scopes[scope]; l != nil {
		return l.get()
	}
	var out []*host
	for _, h := range ks.all.get() {
		if h.ref.Project == scope {
			out = append(out, h)
		}
	}
	return out
}

// vmAnswer is what an API answer shows of a VM now.
type vmAnswer struct {
	status, addr, id string
	labels           map[string]string
	ok               bool
}

// answerVMLocked advances h, draws the preemption fault and returns what an
// answer shows of its VM.
func (c *Cloud) answerVMLocked(ks *kindState, h *host, now time.Time) vmAnswer {
	h.advance(now)
	if ks.spec.preemptible && h.vm.exists && ks.faults.PreemptRate > 0 {
		if s := ks.spec.vmState(h.vm.status); s == hoststate.VMRunning || s == hoststate.VMStarting {
			if ks.hostChance(h.ref.Instance, ks.faults.PreemptRate) {
				c.eventLocked(ks, h, rawPreempt, now)
			}
		}
	}
	status, current, ok := h.vm.visible(now, ks.faults)
	a := vmAnswer{status: status, ok: ok, id: h.vm.ghostID}
	if current {
		a.addr, a.id, a.labels = vmAddress(ks, h, now), h.vm.id, h.vm.labels
	}
	return a
}

// vmAddress is the public address the VM shows now: only while running,
// and not before its address delay has passed.
func vmAddress(ks *kindState, h *host, now time.Time) string {
	if !h.vm.exists || now.Before(h.vm.addrAt) || ks.spec.vmState(h.vm.status) != hoststate.VMRunning {
		return ""
	}
	return h.vm.addr
}

// answerVolumeLocked advances h, draws the volume-loss fault and returns
// what an answer shows of its volume.
func (c *Cloud) answerVolumeLocked(ks *kindState, h *host, now time.Time) (string, bool) {
	h.advance(now)
	if h.vol.exists && ks.hostChance(h.ref.Instance, ks.faults.VolumeLossRate) {
		h.vol.remove(now)
	}
	status, _, ok := h.vol.visible(now, ks.faults)
	return status, ok
}

func (c *Cloud) rawVMLocked(ks *kindState, h *host, now time.Time) (RawVM, bool) {
	a := c.answerVMLocked(ks, h, now)
	if !a.ok {
		return RawVM{}, false
	}
	return RawVM{
		Kind: ks.spec.name(), Instance: h.ref.Instance, Project: h.ref.Project, Zone: h.ref.Zone,
		Region: h.ref.Region, Status: a.status, Address: a.addr, Volume: h.ref.Volume,
		Labels: maps.Clone(a.labels), ID: a.id, LocalSSD: h.localSSD, CreatedAt: h.vm.bornAt,
	}, true
}

func (c *Cloud) rawVolumeLocked(ks *kindState, h *host, now time.Time) (RawVolume, bool) {
	if !ks.spec.hasVolume() {
		return RawVolume{}, false
	}
	status, ok := c.answerVolumeLocked(ks, h, now)
	if !ok {
		return RawVolume{}, false
	}
	v := RawVolume{
		Kind: ks.spec.name(), Volume: h.ref.Volume, Project: h.ref.Project, Zone: h.ref.Zone,
		Region: h.ref.Region, Labels: maps.Clone(h.ref.Labels), Instance: h.ref.Instance, Status: status,
	}
	if ks.spec.attached(h.vm.exists, status) && !h.detached {
		v.AttachedTo, v.AttachedVMID = h.ref.Instance, h.vm.id
	}
	return v, true
}

// opState is one operation: when it is done and how it ends.
type opState struct {
	kind string
	done time.Time
	err  error
}

// Act performs action a on the VM of kind named instance, as the
// provider's API would, and returns the id of the operation tracking it
// (every kind gets one; emulators of APIs without operations ignore it).
// Errors are the provider package's: provider.ErrNotFound for an unknown
// or missing target, provider.ErrConflict when the current state forbids
// the action (a hyperstack start while the old VM exists), and
// provider.ErrUnsupported for what the kind cannot do (a lambda stop, a
// nebius reboot). A refused action changes nothing.
//
// Act is the semantics only: it neither counts a call nor draws a call
// fault — call [Cloud.InjectFault] first for that. It does draw the
// OperationFailRate fault: a failing operation is accepted, changes
// nothing, and finishes with an error matching provider.ErrOperationFailed.
func (c *Cloud) Act(ctx context.Context, kind, instance string, a RawAction) (opID string, err error) {
	return c.act(ctx, kind, instance, a, nil)
}

// CreateVM is Act(RawCreate) creating a VM that carries labels (nil:
// provider.OwnershipLabels of the host), as an emulator's create call
// passes the labels its request set.
func (c *Cloud) CreateVM(ctx context.Context, kind, instance string, labels map[string]string) (opID string, err error) {
	if labels == nil {
		labels = map[string]string{}
	}
	return c.act(ctx, kind, instance, RawCreate, labels)
}

// act is Act; labels are those of a VM the action creates (nil: the
// host's ownership labels).
func (c *Cloud) act(ctx context.Context, kind, instance string, a RawAction, labels map[string]string) (opID string, err error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("fakes: %s %s %q: %w", kind, a, truncate(instance), err)
	}
	if !a.public() {
		return "", fmt.Errorf("%w: %s", ErrUnknownAction, a)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return "", err
	}
	wrap := func(err error) error {
		return fmt.Errorf("fakes: %s %s %q: %w", kind, a, truncate(instance), err)
	}
	h := ks.hosts[instance]
	if h == nil {
		return "", wrap(fmt.Errorf("%w: no such instance", provider.ErrNotFound))
	}
	now := c.clock.Now()
	h.advance(now)
	if ks.spec.hasConnector() && !h.online {
		return "", wrap(fmt.Errorf("%w: the connector is offline", provider.ErrUnavailable))
	}
	p, err := c.planLocked(ks, h, a, now)
	if err != nil {
		return "", wrap(err)
	}
	c.nextOp++
	opID = fmt.Sprintf("operation-%d", c.nextOp)
	op := &opState{kind: kind, done: p.done}
	if ks.spec.facts.Capabilities.NativeWait && ks.hostChance(instance, ks.faults.OperationFailRate) {
		op.err = fmt.Errorf("fakes: %s %s %s %q: injected failure: %w", kind, opID, a, truncate(instance), provider.ErrOperationFailed)
	} else {
		c.applyLocked(ks, h, p, now, labels)
	}
	c.ops[opID] = op
	return opID, nil
}

// Operation reports on an operation that Act returned: whether it is done
// now and, if so, the error it finished with. ok is false for an id that
// kind never returned.
func (c *Cloud) Operation(kind, opID string) (done bool, opErr error, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	op := c.ops[opID]
	if op == nil || op.kind != kind {
		return false, nil, false
	}
	if c.clock.Now().Before(op.done) {
		return false, nil, true
	}
	return true, op.err, true
}

// operationDone returns when the operation is done; ok as for Operation.
func (c *Cloud) operationDone(kind, opID string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	op := c.ops[opID]
	if op == nil || op.kind != kind {
		return time.Time{}, false
	}
	return op.done, true
}

// planLocked asks the kind's planner what action a does to h now.
func (c *Cloud) planLocked(ks *kindState, h *host, a RawAction, now time.Time) (plan, error) {
	in := planInput{now: now, d: ks.durations, vmState: hoststate.VMAbsent}
	if h.vm.exists {
		in.vm = h.vm.status
		in.vmState = ks.spec.vmState(h.vm.status)
	}
	if ks.spec.hasVolume() && h.vol.exists {
		in.vol, in.volExists = h.vol.status, true
	}
	in.settled = h.vm.settled(now)
	if v := h.vol.settled(now); v.After(in.settled) {
		in.settled = v
	}
	return ks.spec.plan(in, a)
}

// applyLocked schedules an accepted plan, allocating the addresses and
// ids of VMs it starts or creates now, in the order actions arrive. A VM
// it creates carries labels (nil: the host's ownership labels) and holds
// the data volume again.
func (c *Cloud) applyLocked(ks *kindState, h *host, p plan, now time.Time, labels map[string]string) {
	for i := range p.vm {
		if p.vm[i].newAddr {
			p.vm[i].addr = c.allocAddrLocked()
			p.vm[i].addrAt = p.vm[i].at.Add(ks.durations.Address)
		}
		if p.vm[i].fresh {
			p.vm[i].vmid = c.newVMIDLocked(ks, h.ref.Instance, false)
			p.vm[i].labels = maps.Clone(labels)
			if labels == nil {
				p.vm[i].labels = provider.OwnershipLabels(h.ref)
			}
			h.detached = false
		}
	}
	h.vm.schedule(p.vm, now)
	h.vol.schedule(p.vol, now)
}
