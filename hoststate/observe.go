package hoststate

import (
	"math"
	"time"
)

// Observe is the reconcile decision: given one probe's observation and the
// current time, it moves the stored record r on in place and reports what
// changed. It reads nothing but its arguments and allocates nothing; the
// caller persists r (copy the record first to keep the one before, e.g. to
// skip a write with [OnlyObservedAtDiffers]).
//
// The rules, in order (docs/ARCHITECTURE.md, "Reconcile rules"):
//
//  1. A failed probe (o.Err set) never changes the status; it only counts
//     the failure.
//  2. A successful probe records the raw provider status, the normalized
//     states and the time.
//  3. An outcome the transition table expects from the current status
//     (starting + running, restarting + running, reprovisioning +
//     starting) is accepted at once — except off, deprovisioned and error,
//     which always need Confirmations consecutive observations: a missing
//     VM can be eventual consistency, and an error should not flicker.
//  4. Any other observation that contradicts the record is drift and needs
//     Confirmations consecutive agreeing observations; a different
//     observation restarts the count.
//  5. Within Grace of a user action, contradicting observations are
//     recorded but neither change the status nor count. Expected outcomes
//     count, so a confirmed stop is not delayed by the window.
//  6. VM absent: data volume present → off; absent → deprovisioned;
//     unknown or transitional → no change. Off and deprovisioned clear the
//     public address.
//  7. VM stopping or deleting → stopping: never off while the provider
//     still stops.
//  8. VM running without a public address while starting stays starting
//     until an address appears or NoAddressTimeout passes, then running
//     (the view flags "no address"), never error.
//  9. VM error → error (after confirmation). An unrecognized raw status
//     changes nothing and is flagged.
//  10. (Heartbeats: see [Record.Heartbeat].)
//  11. An unreachable VM (self-host connector offline beyond its TTL) →
//     unknown at once (the TTL is the confirmation), never off; a
//     deprovisioned host stays deprovisioned.
//
// One refinement over docs/ARCHITECTURE.md: while an action is in flight (until its
// Deadline, or ActionTimeout after it), intermediate provider states of
// that action hold the transitional status instead of counting as drift —
// a Hyperstack VM still deleting during a stop, an old VM still stopped
// during a reprovision. Past the deadline the action is orphaned and those
// observations are ordinary drift, so nothing wedges.
//
// Every record it returns carries its NextCheck: when the host next needs
// a look (see [Record.NextCheck]).
func (r *Record) Observe(o Observation, now time.Time, p Policy) Change {
	p.fill()
	ch := r.observe(&o, now, &p)
	r.scheduleCheck(now, &p)
	return ch
}

// observe is Observe in place, on a filled policy.
func (r *Record) observe(o *Observation, now time.Time, p *Policy) Change {
	r.sanitize(now, p)
	from := r.Status
	if !from.Valid() {
		// A corrupt stored status is unknown: the observation decides.
		from = StatusUnknown
		r.Status = StatusUnknown
	}
	if o.Err != nil {
		if r.ProbeFailures < math.MaxInt32 {
			r.ProbeFailures++
		}
		r.ProbeError = Truncate(o.Err.Error(), MaxStored)
		return Change{From: from, To: from, Reason: ReasonProbeFailed}
	}

	r.Observed, r.ObservedVolume = o.VM, o.Volume
	if !r.Observed.Valid() {
		r.Observed = VMUnknown
	}
	if !r.ObservedVolume.Valid() {
		r.ObservedVolume = VolumeUnknown
	}
	r.ProviderStatus, r.ProviderVolumeStatus = bounded(o.RawVM, MaxQuoted), bounded(o.RawVolume, MaxQuoted)
	r.Unreachable = o.Unreachable
	r.ObservedAt = now
	r.ProbeFailures, r.ProbeError = 0, ""
	// The address follows the VM: a running VM's answer replaces it (an
	// answer without one clears it); a starting VM's adds one once known.
	if len(o.Address) <= MaxAddress && !o.Unreachable {
		switch {
		case o.VM == VMRunning:
			r.Address = o.Address
		case o.VM == VMStarting && o.Address != "":
			r.Address = o.Address
		}
	}
	// A VM with another immutable id was recreated: its first-boot setup
	// runs again.
	if o.VMID != "" && len(o.VMID) <= MaxQuoted {
		if r.VMID != "" && r.VMID != o.VMID {
			r.BootstrapDone = false
		}
		r.VMID = o.VMID
	}

	if o.Unreachable {
		if from == StatusUnknown || from == StatusDeprovisioned {
			r.resetPending()
			return Change{From: from, To: from, Reason: ReasonAgrees}
		}
		r.moveTo(StatusUnknown, now)
		return Change{From: from, To: StatusUnknown, Reason: ReasonConnectorOffline, Target: StatusUnknown}
	}

	target, ok := Implied(r.Observed, r.ObservedVolume)
	if !ok {
		reason := ReasonUnrecognized
		if r.Observed == VMAbsent {
			reason = ReasonVolumeUnsettled
		}
		r.resetPending()
		return Change{From: from, To: from, Reason: reason}
	}

	// A deprovision that deleted the VM but not its data volume is not an
	// off host: it is unfinished, the volume still billed. Once the action
	// is orphaned it becomes error (confirmed), so the UI offers deprovision
	// again, which deletes only the volume. It stays error while the
	// provider still shows the VM gone and the volume there.
	unfinished := target == StatusOff && r.Observed == VMAbsent &&
		(from == StatusDeprovisioning || (from == StatusError && r.Reason == ReasonDeprovisionUnfinished))
	if unfinished {
		target = StatusError
	}

	// Rule 8: a running VM with no address is still starting, for a while.
	if target == StatusRunning && o.Address == "" && (from == StatusStarting || from == StatusReprovisioning) {
		if now.Sub(r.Since) < p.NoAddressTimeout {
			if from == StatusStarting {
				r.resetPending()
				return Change{From: from, To: from, Reason: ReasonAwaitingAddress, Target: StatusRunning}
			}
			target = StatusStarting
		} else {
			r.moveTo(StatusRunning, now)
			return Change{From: from, To: StatusRunning, Reason: ReasonNoAddressTimeout, Target: StatusRunning}
		}
	}

	if target == from {
		r.resetPending()
		r.ProviderDisagrees = false
		return Change{From: from, To: from, Reason: ReasonAgrees, Target: target}
	}
	if intermediate(from, r.Observed, r.ObservedVolume) && r.inFlight() && !r.actionExpired(now, p) {
		r.resetPending()
		return Change{From: from, To: from, Reason: ReasonInProgress, Target: target}
	}

	expected := reported(from, target)
	if !expected && r.inGrace(now, p) {
		// Recorded, not counted — and it breaks any run in progress: the
		// confirmations of a flip must be consecutive, so stopped, running,
		// stopped is one confirmation of off, not two.
		r.resetPending()
		return Change{From: from, To: from, Reason: ReasonGrace, Target: target}
	}
	if !expected && r.inConsistencyWindow(now, p) {
		r.resetPending()
		return Change{From: from, To: from, Reason: ReasonStaleRead, Target: target}
	}
	// A second signal: a host whose daemon is visibly alive is not off,
	// gone or broken because the provider says so. A user's own stop or
	// delete is expected, never vetoed.
	if !expected && (target == StatusOff || target == StatusDeprovisioned || target == StatusError) && r.heartbeatFresh(now, p) {
		r.resetPending()
		r.ProviderDisagrees = true
		return Change{From: from, To: from, Reason: ReasonHostAlive, Target: target}
	}
	if expected && target != StatusOff && target != StatusDeprovisioned && target != StatusError {
		r.moveTo(target, now)
		return Change{From: from, To: target, Reason: ReasonReported, Target: target}
	}

	if r.Pending == target && r.PendingCount > 0 {
		r.PendingCount++
	} else {
		r.Pending, r.PendingCount, r.PendingSince = target, 1, now
	}
	count := r.PendingCount
	// A drift's run must also span the provider's consistency window:
	// within it of the VM's change, a read may be the old state, so
	// agreeing reads inside the window alone prove nothing. (An expected
	// outcome is the new state, which no stale read returns.)
	if count < p.Confirmations || (!expected && now.Sub(r.PendingSince) < p.ConsistencyWindow) {
		if count >= p.Confirmations {
			r.PendingCount = p.Confirmations - 1
		}
		return Change{From: from, To: from, Reason: ReasonConfirming, Target: target, Count: count}
	}
	reason := ReasonDrift
	if expected {
		reason = ReasonReported
	}
	r.moveTo(target, now)
	if target == StatusError {
		r.Reason = Truncate(o.RawVM, MaxQuoted)
		if r.Observed == VMStopped && r.ObservedVolume == VolumeAbsent {
			r.Reason = ReasonDataVolumeMissing
		}
		if unfinished {
			r.Reason = ReasonDeprovisionUnfinished
		}
	}
	return Change{From: from, To: target, Reason: reason, Target: target, Count: count}
}

// intermediate reports whether a VM (and volume) state is a normal step of
// the action behind transitional status s, so it holds s while the action
// is in flight.
func intermediate(s Status, vm VMState, vol VolumeState) bool {
	switch s {
	case StatusStarting:
		// Not yet booted: still stopped, or (Hyperstack, Lambda) not yet created.
		return vm == VMStopped || vm == VMAbsent
	case StatusRestarting:
		return vm == VMStopping || vm == VMStarting || vm == VMStopped
	case StatusReprovisioning:
		// The old VM goes down and away before the new one is created.
		return vm == VMStopping || vm == VMStopped || (vm == VMAbsent && vol != VolumeAbsent && vol != VolumeNone)
	case StatusDeprovisioning:
		// The VM goes first, then the volume.
		return vm == VMStopping || vm == VMStopped || (vm == VMAbsent && vol != VolumeAbsent && vol != VolumeNone)
	case StatusStopping:
		// Hyperstack: the VM is gone but the volume is still reserved.
		return vm == VMAbsent && vol == VolumeTransitional
	}
	return false
}

// Implied is the one rule from a VM state and the data volume's state to
// the status they imply on their own: running, starting, stopping, off
// (stopped, or absent with the volume present), deprovisioned (VM and
// volume absent, or a provider without separate volumes) or error
// (including a stopped VM whose data volume is gone). ok is false when it
// implies nothing: an unrecognized VM state, or a missing VM whose volume
// is unknown or transitional (reconcile rule 6 holds those).
func Implied(vm VMState, vol VolumeState) (s Status, ok bool) {
	switch vm {
	case VMRunning:
		return StatusRunning, true
	case VMStarting:
		return StatusStarting, true
	case VMStopping:
		return StatusStopping, true
	case VMStopped:
		if vol == VolumeAbsent {
			// Off promises a data volume to start again with; this one
			// is gone, so it is an error for a human or a deprovision.
			return StatusError, true
		}
		return StatusOff, true
	case VMError:
		return StatusError, true
	case VMAbsent:
		switch vol {
		case VolumePresent:
			return StatusOff, true
		case VolumeAbsent, VolumeNone:
			return StatusDeprovisioned, true
		}
	}
	return StatusUnknown, false
}

// ReasonDataVolumeMissing is the Record.Reason of a host in error because
// its VM is stopped but its data volume is gone.
const ReasonDataVolumeMissing = "data volume missing"

// ReasonDeprovisionUnfinished is the Record.Reason of a host in error
// because its deprovision deleted the VM but not the data volume (the
// process died between the two, or the volume delete never went through):
// a deprovision again finishes it.
const ReasonDeprovisionUnfinished = "deprovision unfinished: data volume left"

// moveTo sets a new status: it restarts confirmation, clears what belongs
// to the old status, and ends the in-flight action once the status settles.
func (r *Record) moveTo(s Status, now time.Time) {
	r.Status, r.Since = s, now
	r.Reason = ""
	r.resetPending()
	if !s.Transitional() {
		r.Deadline = time.Time{}
	}
	switch s {
	case StatusOff:
		r.Address = ""
	case StatusDeprovisioned:
		r.Address = ""
		r.BootstrapDone = false
	}
}

// resetPending forgets any confirmation in progress.
func (r *Record) resetPending() {
	r.Pending, r.PendingCount, r.PendingSince = StatusUnknown, 0, time.Time{}
}
