package fakes

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// External events: changes to the ground truth that do not come from the
// control plane — the drift a reconciler must catch. They are never
// counted as API calls and draw no faults. Each names the host by
// h.Instance (the rest of h is ignored) and returns an error matching
// [ErrUnknownHost] for a host AddHost never added; an event the kind
// cannot have returns the provider package's error (ErrUnsupported,
// ErrConflict, ErrNotFound) and changes nothing.

// maxRawStatus bounds the raw statuses an event may set.
const maxRawStatus = 256

// ConsoleStart starts the host's VM as someone using the provider's console
// would, with the same semantics as RawStart.
func (c *Cloud) ConsoleStart(kind string, h provider.Host) error {
	return c.event(kind, h.Instance, RawStart)
}

// ConsoleStop stops the host's VM from the provider's console (a lambda
// console cannot stop).
func (c *Cloud) ConsoleStop(kind string, h provider.Host) error {
	return c.event(kind, h.Instance, RawStop)
}

// ConsoleDelete deletes the host's VM from the provider's console and keeps
// its data volume, as consoles do by default: a gcp or nebius host turns
// off, a lambda or selfhost one deprovisioned.
func (c *Cloud) ConsoleDelete(kind string, h provider.Host) error {
	return c.event(kind, h.Instance, RawDeleteVM)
}

// Preempt reclaims the host's running VM as spot capacity: a gcp instance
// becomes TERMINATED (stopped, still there), a nebius one STOPPED, a lambda
// one "preempted" (gone). Hyperstack and selfhost have no spot capacity.
func (c *Cloud) Preempt(kind string, h provider.Host) error {
	return c.event(kind, h.Instance, rawPreempt)
}

// DeleteVolume deletes the host's data volume at once, attached or not, as
// an external deletion would.
func (c *Cloud) DeleteVolume(kind string, h provider.Host) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	ks, x, err := c.hostLocked(kind, h.Instance, now)
	if err != nil {
		return err
	}
	switch {
	case !ks.spec.hasVolume():
		return fmt.Errorf("fakes: delete volume: %w: %s has no separate data volume", provider.ErrUnsupported, kind)
	case !x.vol.exists:
		return fmt.Errorf("fakes: delete volume: %w: %s volume %q", provider.ErrNotFound, kind, truncate(x.ref.Volume))
	}
	x.vol.remove(now)
	return nil
}

// SetVMStatus makes the provider report raw for the host's VM from now on,
// cancelling any transition in flight: a VM the provider put in an error
// or maintenance state ("REPAIRING", "unhealthy", "ERROR"), or any string
// at all, to exercise fail-closed normalization. For selfhost, "not_found"
// removes the VM. raw must be non-empty and at most 256 bytes.
func (c *Cloud) SetVMStatus(kind string, h provider.Host, raw string) error {
	if raw == "" || len(raw) > maxRawStatus {
		return fmt.Errorf("%w: %d bytes", ErrInvalidStatus, len(raw))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	ks, x, err := c.hostLocked(kind, h.Instance, now)
	if err != nil {
		return err
	}
	if ks.spec.goneRaw != "" && strings.EqualFold(strings.TrimSpace(raw), ks.spec.goneRaw) {
		x.vm.remove(now)
		return nil
	}
	existed := x.vm.exists
	x.vm.set(raw, now)
	if !existed {
		// A VM that appears is a new one.
		x.vm.id, x.vm.labels = c.newVMIDLocked(ks, x.ref.Instance, false), provider.OwnershipLabels(x.ref)
	}
	if x.vm.addr == "" && ks.spec.vmState(raw) == hoststate.VMRunning {
		x.vm.addr, x.vm.addrAt = c.allocAddrLocked(), now
	}
	return nil
}

// SetVolumeStatus makes the provider report raw for the host's data volume
// from now on, cancelling any transition in flight: a volume in an error
// or maintenance state, or any string at all, to exercise fail-closed
// normalization. The volume must exist (provider.ErrNotFound otherwise),
// and the kind must have one (provider.ErrUnsupported). raw must be
// non-empty and at most 256 bytes.
func (c *Cloud) SetVolumeStatus(kind string, h provider.Host, raw string) error {
	if raw == "" || len(raw) > maxRawStatus {
		return fmt.Errorf("%w: %d bytes", ErrInvalidStatus, len(raw))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	ks, x, err := c.hostLocked(kind, h.Instance, now)
	if err != nil {
		return err
	}
	switch {
	case !ks.spec.hasVolume():
		return fmt.Errorf("fakes: set volume status: %w: %s has no separate data volume", provider.ErrUnsupported, kind)
	case !x.vol.exists:
		return fmt.Errorf("fakes: set volume status: %w: %s volume %q", provider.ErrNotFound, kind, truncate(x.ref.Volume))
	}
	x.vol.set(raw, now)
	return nil
}

// SetConnectorState is a self-host connector pushing a report: from now on
// the VM manager's state is raw ("running", "stopped", "off", "not_found",
// or anything else). It is SetVMStatus for [SelfHost].
func (c *Cloud) SetConnectorState(h provider.Host, raw string) error {
	return c.SetVMStatus(SelfHost, h, raw)
}

// SetConnectorOnline connects or disconnects the self-host connector of h.
// While it is offline, probes report the VM unreachable, listings report
// it unknown, and actions fail with provider.ErrUnavailable; the VM itself
// keeps its state.
func (c *Cloud) SetConnectorOnline(h provider.Host, online bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, x, err := c.hostLocked(SelfHost, h.Instance, c.clock.Now())
	if err != nil {
		return err
	}
	x.online = online
	return nil
}

func (c *Cloud) event(kind, instance string, a RawAction) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	ks, x, err := c.hostLocked(kind, instance, now)
	if err != nil {
		return err
	}
	return c.eventLocked(ks, x, a, now)
}

// eventLocked plans and applies an external event on h.
func (c *Cloud) eventLocked(ks *kindState, h *host, a RawAction, now time.Time) error {
	p, err := c.planLocked(ks, h, a, now)
	if err != nil {
		return fmt.Errorf("fakes: %s %s %q: %w", ks.spec.name(), a, truncate(h.ref.Instance), err)
	}
	c.applyLocked(ks, h, p, now, nil)
	return nil
}

// ReplaceVM is someone else deleting the host's VM and making their own
// under the same name at once: a running VM with a new id and labels
// (nil: none), which does not hold the host's data volume. The library
// must never act on it (provider.ErrNotOurs where the provider has
// labels). For a kind without labels or ids (self-host) it is a plain
// restart.
func (c *Cloud) ReplaceVM(kind string, h provider.Host, labels map[string]string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	ks, x, err := c.hostLocked(kind, h.Instance, now)
	if err != nil {
		return err
	}
	running, _ := ks.spec.initial(true)
	x.vm.apply(step{at: now, status: running, fresh: true, vmid: c.newVMIDLocked(ks, x.ref.Instance, false), labels: maps.Clone(labels)})
	x.vm.steps = nil
	x.vm.addr, x.vm.addrAt = c.allocAddrLocked(), now
	if ks.spec.hasVolume() {
		x.detached = true
	}
	return nil
}

// DetachVolume detaches the host's data volume from its VM behind the
// control plane's back: both keep existing, but the VM no longer holds the
// volume (GCP disk users, Nebius read_write_attachment and Hyperstack
// attachments no longer name it) until a VM is created or started around
// it again.
func (c *Cloud) DetachVolume(kind string, h provider.Host) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, x, err := c.hostLocked(kind, h.Instance, c.clock.Now())
	if err != nil {
		return err
	}
	if !ks.spec.hasVolume() {
		return fmt.Errorf("fakes: detach volume: %w: %s has no separate data volume", provider.ErrUnsupported, kind)
	}
	x.detached = true
	return nil
}

// SetLocalSSD gives the host's VM Local SSDs (or takes them away): a
// Compute Engine stop of such an instance must say whether to discard
// them (discardLocalSsd), else Compute Engine refuses it.
func (c *Cloud) SetLocalSSD(kind string, h provider.Host, on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, x, err := c.hostLocked(kind, h.Instance, c.clock.Now())
	if err != nil {
		return err
	}
	x.localSSD = on
	return nil
}
