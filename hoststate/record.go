package hoststate

import (
	"math"
	"time"
)

// Ref is where a host lives at its provider: the references a provider needs
// to probe and act on it. Each provider validates the fields it uses.
type Ref struct {
	// Project is the provider project or account scope (GCP project,
	// Nebius parent id). Empty when the provider has none.
	Project string `json:"project,omitempty"`
	// Zone is the GCP zone; Region the region (Nebius, Hyperstack, Lambda).
	Zone   string `json:"zone,omitempty"`
	Region string `json:"region,omitempty"`
	// Instance is the provider's VM id or name.
	Instance string `json:"instance,omitempty"`
	// Volume is the data volume's id or name ("" when the provider has none).
	Volume string `json:"volume,omitempty"`
	// Labels are the provider labels that mark the host as ours; listings
	// filter on them.
	Labels map[string]string `json:"labels,omitempty"`
}

// Record is what a Store persists per host: the control plane's status and
// everything the reconcile decision needs. It is a plain value: its
// transitions ([Record.Apply], [Record.Observe], [Record.Fail],
// [Record.Heartbeat]) change it in place, so the hot path copies nothing;
// copy it first to keep the record before. The zero value is valid
// (status unknown, never observed). It marshals to JSON with statuses,
// actions and states as their names.
type Record struct {
	// ID is the control plane's host id.
	ID string `json:"id"`
	// Provider names the provider kind ("gcp", "hyperstack", ...).
	Provider string `json:"provider,omitempty"`
	// Ref locates the host at its provider.
	Ref Ref `json:"ref,omitzero"`

	// Status is the control-plane status.
	Status Status `json:"status"`
	// Since is when Status last changed.
	Since time.Time `json:"since,omitzero"`
	// Reason explains the status in words, e.g. the provider's error
	// message after a failed action. Empty when there is nothing to add.
	Reason string `json:"reason,omitempty"`

	// LastAction is the last user action: the desired state.
	LastAction Action `json:"last_action"`
	// ActionAt is when LastAction was applied; the grace window runs from it.
	ActionAt time.Time `json:"action_at,omitzero"`
	// Deadline is when the in-flight action must have finished; zero when
	// no waiter set one (then [Policy.ActionTimeout] after ActionAt applies).
	Deadline time.Time `json:"deadline,omitzero"`
	// ActionSeq numbers the user actions applied to this host; [Record.Apply]
	// increments it. A waiter identifies its action by this number, never
	// by ActionAt: a store that keeps microseconds must not make two raced
	// actions look like one.
	ActionSeq uint64 `json:"action_seq,omitempty"`
	// NextCheck is when the host next needs a look from the reconciler; a
	// store answers "due now" from it. Zero means due at once. [Record.Observe],
	// [Record.Apply], [Record.Fail] and [Record.Heartbeat] set it: at once (a time already
	// past) for transitional, error, unknown and confirming hosts and for
	// running hosts without an address or a heartbeat; LastSeen +
	// StaleAfter for a heartbeating running host; Recheck after the last
	// observation for off and deprovisioned hosts.
	NextCheck time.Time `json:"next_check,omitzero"`
	// VMID is the provider's immutable id of the host's current VM (GCP's
	// numeric id, the Hyperstack, Lambda or Nebius instance id), recorded
	// when the library creates or first confirms the VM. A VM with the
	// host's name but another id is not this host's VM.
	VMID string `json:"vm_id,omitempty"`

	// Observed and ObservedVolume are the last successful probe's normalized
	// states; ProviderStatus and ProviderVolumeStatus its raw strings.
	Observed             VMState     `json:"observed_vm"`
	ObservedVolume       VolumeState `json:"observed_volume"`
	ProviderStatus       string      `json:"provider_status,omitempty"`
	ProviderVolumeStatus string      `json:"provider_volume_status,omitempty"`
	// Unreachable records that the last probe could not see the VM (a
	// self-host connector offline).
	Unreachable bool `json:"unreachable,omitempty"`
	// ObservedAt is when the last successful probe happened.
	ObservedAt time.Time `json:"observed_at,omitzero"`

	// ProbeFailures counts consecutive failed probes; ProbeError is the last
	// failure's message. Both reset on a successful probe.
	ProbeFailures int    `json:"probe_failures,omitempty"`
	ProbeError    string `json:"probe_error,omitempty"`

	// Address is the host's public address; cleared when the VM is gone.
	Address string `json:"address,omitempty"`
	// LastSeen is the last accepted heartbeat from the host daemon.
	LastSeen time.Time `json:"last_seen,omitzero"`
	// BootstrapDone reports that the host finished its first-boot setup.
	BootstrapDone bool `json:"bootstrap_done,omitempty"`

	// ProviderDisagrees records that the provider points to off,
	// deprovisioned or error while the host daemon's fresh heartbeat says
	// it is alive; the flip is held. It clears when they agree again.
	ProviderDisagrees bool `json:"provider_disagrees,omitempty"`

	// Pending is the status that consecutive observations are confirming,
	// and PendingCount how many agreed so far.
	Pending      Status `json:"pending"`
	PendingCount int    `json:"pending_count,omitempty"`
	// PendingSince is when the run of confirmations began: a flip's run
	// must span the provider's consistency window.
	PendingSince time.Time `json:"pending_since,omitzero"`

	// Version is the compare-and-swap version a Store bumps on every write.
	Version uint64 `json:"version"`
}

// InFlight reports whether the last user action still waits for its
// provider: the status is a transitional one on that action's path (start:
// starting; reprovision: reprovisioning then starting; ...).
func (r Record) InFlight() bool { return r.inFlight() }

// inFlight is InFlight without copying the record, for the hot path.
func (r *Record) inFlight() bool {
	return !r.ActionAt.IsZero() && r.Status.Transitional() && onPath(r.LastAction, r.Status)
}

// Stale reports whether a running host's daemon has gone quiet: no heartbeat
// (or, if none yet, no status change) within p.StaleAfter of now.
func (r Record) Stale(now time.Time, p Policy) bool {
	p = p.WithDefaults()
	if r.Status != StatusRunning {
		return false
	}
	last := r.LastSeen
	if last.IsZero() {
		last = r.Since
	}
	return now.Sub(last) > p.StaleAfter
}

// inGrace reports whether now is within p.Grace of the last user action. A
// clock that runs behind ActionAt (skew) counts as within the window, so
// skew can hold a decision back but never skip the window (Observe clamps
// a future ActionAt, so the window stays bounded).
func (r *Record) inGrace(now time.Time, p *Policy) bool {
	return !r.ActionAt.IsZero() && now.Sub(r.ActionAt) < p.Grace
}

// inConsistencyWindow reports whether now is within the provider's
// consistency window of the last user action or of the last status change
// (an action's confirmed outcome, or confirmed drift): the provider may
// still serve the state from before it.
func (r *Record) inConsistencyWindow(now time.Time, p *Policy) bool {
	if p.ConsistencyWindow <= 0 {
		return false
	}
	return (!r.ActionAt.IsZero() && now.Sub(r.ActionAt) < p.ConsistencyWindow) ||
		(!r.Since.IsZero() && now.Sub(r.Since) < p.ConsistencyWindow)
}

// heartbeatFresh reports whether the host daemon was heard from after the
// last user action and within StaleAfter: the host is visibly alive.
func (r *Record) heartbeatFresh(now time.Time, p *Policy) bool {
	return !r.LastSeen.IsZero() && r.LastSeen.After(r.ActionAt) && now.Sub(r.LastSeen) <= p.StaleAfter
}

// sanitize clamps what a stored record may carry to what the decision
// can trust: a stored record is input too. Future times beyond the clock
// skew bound become now, an in-flight deadline lies at most MaxDeadline
// after its action, a confirmation run at or past Confirmations (which no
// valid record holds) starts afresh, so none flips at once, counters are
// non-negative, and text is bounded.
func (r *Record) sanitize(now time.Time, p *Policy) {
	// The times the decision reads; ObservedAt it only writes. Each is
	// written only when clamped: the common record is already sane.
	limit := instantOf(now).add(p.MaxClockSkew)
	if limit.before(r.Since) {
		r.Since = now
	}
	if limit.before(r.ActionAt) {
		r.ActionAt = now
	}
	if limit.before(r.LastSeen) {
		r.LastSeen = now
	}
	if limit.before(r.PendingSince) {
		r.PendingSince = now
	}
	if !r.Deadline.IsZero() && !r.ActionAt.IsZero() && r.Deadline.Sub(r.ActionAt) > MaxDeadline {
		r.Deadline = r.ActionAt.Add(MaxDeadline)
	}
	if r.PendingCount < 0 || r.PendingCount >= p.Confirmations {
		// A valid record never holds a full run (reaching it flips), so
		// this one is corrupt: start the run afresh.
		r.PendingCount = 0
	}
	if r.PendingCount == 0 && (r.Pending != StatusUnknown || !r.PendingSince.IsZero()) {
		r.Pending, r.PendingSince = StatusUnknown, time.Time{}
	}
	if r.ProbeFailures < 0 {
		r.ProbeFailures = 0
	}
	if len(r.Address) > MaxAddress {
		r.Address = ""
	}
	if len(r.ProviderStatus) > MaxQuoted {
		r.ProviderStatus = Truncate(r.ProviderStatus, MaxQuoted)
	}
	if len(r.ProviderVolumeStatus) > MaxQuoted {
		r.ProviderVolumeStatus = Truncate(r.ProviderVolumeStatus, MaxQuoted)
	}
	if len(r.Reason) > MaxStored {
		r.Reason = Truncate(r.Reason, MaxStored)
	}
	if len(r.ProbeError) > MaxStored {
		r.ProbeError = Truncate(r.ProbeError, MaxStored)
	}
}

// instant is a time as Unix seconds and nanoseconds, for comparing many
// times with one (time.Time.After is a call per comparison).
type instant struct {
	sec  int64
	nsec int
}

// instantOf returns t as an instant.
func instantOf(t time.Time) instant { return instant{t.Unix(), t.Nanosecond()} }

// add returns i moved on by d ≥ 0, saturating instead of overflowing
// (time.Time.Add is the costliest step of sanitizing a record).
func (i instant) add(d time.Duration) instant {
	i.nsec += int(d % time.Second)
	if i.nsec >= int(time.Second) {
		i.sec, i.nsec = i.sec+1, i.nsec-int(time.Second)
	}
	if s := int64(d / time.Second); i.sec <= math.MaxInt64-s {
		i.sec += s
	} else {
		i.sec = math.MaxInt64
	}
	return i
}

// before reports whether i lies before t: t.After(i).
func (i instant) before(t time.Time) bool {
	s := t.Unix()
	return s > i.sec || (s == i.sec && t.Nanosecond() > i.nsec)
}

// bounded is Truncate for the hot path: only a string over the bound pays
// for the rune walk.
func bounded(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return Truncate(s, max)
}

// actionExpired reports whether the in-flight action ran past its deadline
// (Deadline, or ActionAt + p.ActionTimeout when no waiter set one).
func (r *Record) actionExpired(now time.Time, p *Policy) bool {
	d := r.Deadline
	if d.IsZero() {
		if r.ActionAt.IsZero() {
			return true
		}
		d = r.ActionAt.Add(p.ActionTimeout)
	}
	return !now.Before(d)
}

// OnlyObservedAtDiffers reports whether b is a without any change but the
// time of the observation: the decision found nothing new, and a shell may
// skip writing b (keeping the stored ObservedAt at most a bounded time
// behind). It compares every field Observe may change.
func OnlyObservedAtDiffers(a, b Record) bool {
	return a.Status == b.Status && a.Since.Equal(b.Since) && a.Reason == b.Reason &&
		a.Deadline.Equal(b.Deadline) && a.NextCheck.Equal(b.NextCheck) && a.VMID == b.VMID &&
		a.Observed == b.Observed && a.ObservedVolume == b.ObservedVolume &&
		a.ProviderStatus == b.ProviderStatus && a.ProviderVolumeStatus == b.ProviderVolumeStatus &&
		a.Unreachable == b.Unreachable && a.ProbeFailures == b.ProbeFailures && a.ProbeError == b.ProbeError &&
		a.Address == b.Address && a.LastSeen.Equal(b.LastSeen) && a.BootstrapDone == b.BootstrapDone &&
		a.ProviderDisagrees == b.ProviderDisagrees && a.Pending == b.Pending && a.PendingCount == b.PendingCount &&
		a.PendingSince.Equal(b.PendingSince) && a.ActionAt.Equal(b.ActionAt) && a.ActionSeq == b.ActionSeq &&
		a.LastAction == b.LastAction && a.ID == b.ID && a.Version == b.Version
}
