package fakes

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Truth is what the cloud really holds for a host now: no lag, no faults,
// no connector outage. Property tests compare what a reconciler concluded
// with it.
type Truth struct {
	// VM and Volume are the normalized states (through the kind's
	// provider tables). Kinds without a separate volume report
	// VolumeNone: they have none to lose.
	VM     hoststate.VMState
	Volume hoststate.VolumeState
	// RawVM and RawVolume are the provider's strings ("" when missing; a
	// missing selfhost VM is "not_found").
	RawVM, RawVolume string
	// VMExists and VolumeExists report whether the resources exist at all
	// (a lingering "terminated" lambda instance exists but is VMAbsent).
	VMExists, VolumeExists bool
	// Address is the public address the VM shows now.
	Address string
	// VMID is the provider's immutable id of the VM ("" when there is
	// none, or the kind has no ids).
	VMID string
	// VolumeAttached reports whether the data volume is attached to the VM
	// (false without either, and for kinds without a separate volume).
	VolumeAttached bool
	// ConnectorOnline reports a selfhost connector's reachability (true
	// for other kinds).
	ConnectorOnline bool
}

// Observation returns the observation a perfect probe of this truth makes.
// A running VM that does not hold its data volume (see
// [Cloud.DetachVolume]) has the volume transitional, not present: the host
// does not have its data yet.
func (t Truth) Observation() hoststate.Observation {
	return hoststate.Observation{VM: t.VM, Volume: provider.HeldVolume(t.VM, t.Volume, t.VolumeAttached),
		Address: t.Address, RawVM: t.RawVM, RawVolume: t.RawVolume, VMID: t.VMID}
}

// Status is the control-plane status the truth implies once it has
// settled (hoststate.Implied): ok is false while the VM is starting or
// stopping, or the volume is unsettled. A host whose connector is offline
// is unknown.
func (t Truth) Status() (s hoststate.Status, ok bool) {
	if !t.ConnectorOnline {
		return hoststate.StatusUnknown, true
	}
	s, ok = hoststate.Implied(t.VM, t.Volume)
	if s == hoststate.StatusStarting || s == hoststate.StatusStopping {
		return s, false
	}
	return s, ok
}

// Truth returns the ground truth of the host of kind named by h.Instance.
// A host AddHost never added, or an unknown kind, has nothing: VM and
// volume absent.
func (c *Cloud) Truth(kind string, h provider.Host) Truth {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := Truth{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent, ConnectorOnline: true}
	now := c.clock.Now()
	ks, x, err := c.hostLocked(kind, h.Instance, now)
	if err != nil {
		return t
	}
	t.RawVM = ks.spec.goneRaw
	if x.vm.exists {
		t.VMExists, t.RawVM = true, x.vm.status
		t.VM = ks.spec.vmState(x.vm.status)
		t.Address = vmAddress(ks, x, now)
		t.VMID = x.vm.id
	}
	switch {
	case !ks.spec.hasVolume():
		t.Volume = hoststate.VolumeNone
	case x.vol.exists:
		t.VolumeExists, t.RawVolume = true, x.vol.status
		t.Volume = ks.spec.volumeState(x.vol.status)
		t.VolumeAttached = x.vm.exists && !x.detached && ks.spec.attached(true, x.vol.status)
	}
	t.ConnectorOnline = x.online
	return t
}

// CallCounts counts API calls by method name: the in-process providers
// count "Probe", "ListPage", "Start", "Stop", "Reboot" and "Deprovision";
// emulators count whatever names they pass to [Cloud.InjectFault].
type CallCounts map[string]int

// Total returns the number of calls of every method.
func (cc CallCounts) Total() int {
	n := 0
	for _, v := range cc {
		n += v
	}
	return n
}

// Calls returns a copy of the call counts of kind, or the sum over every
// kind for [All]; nil for an unknown kind. Calls rejected before reaching
// the provider (an invalid host, an unsupported action, a cancelled
// context) are not counted; calls that failed by an injected fault are.
func (c *Cloud) Calls(kind string) CallCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := CallCounts{}
	if err := c.eachKindLocked(kind, func(ks *kindState) {
		for m, n := range ks.calls {
			out[m] += n
		}
	}); err != nil {
		return nil
	}
	return out
}

// ResetCalls sets every call count of every kind to zero, so a test can
// measure the cost of one phase.
func (c *Cloud) ResetCalls() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ks := range c.kinds {
		clear(ks.calls)
	}
}
