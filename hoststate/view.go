package hoststate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Liveness is the host daemon's liveness, shown beside a running status.
// "Active" is not a status: a running VM whose daemon died is "running /
// host offline".
type Liveness uint8

// Liveness values.
const (
	// LivenessNone: the host is not running, so liveness does not apply.
	LivenessNone Liveness = iota
	// LivenessActive: a heartbeat arrived within StaleAfter.
	LivenessActive
	// LivenessWaiting: running for less than StaleAfter, no heartbeat yet.
	LivenessWaiting
	// LivenessOffline: running, but no heartbeat within StaleAfter.
	LivenessOffline
)

// String returns "", "active", "waiting for host" or "host offline".
func (l Liveness) String() string {
	switch l {
	case LivenessActive:
		return "active"
	case LivenessWaiting:
		return "waiting for host"
	case LivenessOffline:
		return "host offline"
	}
	return ""
}

// Flags are the badges a UI shows beside a status.
type Flags uint16

// View flags.
const (
	// FlagStale: running but the daemon went quiet; offer "Reconcile now".
	FlagStale Flags = 1 << iota
	// FlagBootstrapPending: running, first-boot setup not finished.
	FlagBootstrapPending
	// FlagNoAddress: running without a public address.
	FlagNoAddress
	// FlagUnrecognized: the provider's raw status is not in its table.
	FlagUnrecognized
	// FlagUnknown: the status is unknown; show LastSeen with it.
	FlagUnknown
	// FlagConnectorOffline: the provider could not see the VM (self-host).
	FlagConnectorOffline
	// FlagProbeFailing: the last probe failed; the status may be old.
	FlagProbeFailing
	// FlagConfirming: observations are confirming a different status.
	FlagConfirming
	// FlagProviderDisagrees: the provider points to off, deprovisioned or
	// error, but the host's fresh heartbeat says it is alive.
	FlagProviderDisagrees
)

var flagNames = [...]string{
	"stale", "bootstrap pending", "no address", "unrecognized provider status",
	"unknown", "connector offline", "probe failing", "confirming",
	"provider disagrees",
}

// Has reports whether all of f2 are set in f.
func (f Flags) Has(f2 Flags) bool { return f&f2 == f2 }

// String lists the set flags, comma-separated.
func (f Flags) String() string {
	var b strings.Builder
	for i, name := range flagNames {
		if f&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(name)
		}
	}
	return b.String()
}

// HostView is what a UI shows for a host: the control-plane status, the
// provider-observed status, the daemon's liveness and badges. It marshals
// to JSON with every enum as its name and the flags as a list of names,
// so a browser needs no table of numbers.
type HostView struct {
	// ID is the host's id.
	ID string `json:"id"`
	// Status is the control-plane status.
	Status Status `json:"status"`
	// Reason explains the status in words (an error's message).
	Reason string `json:"reason,omitempty"`
	// Action is the user action in flight (ActionNone when none) and
	// Deadline when it must have finished.
	Action   Action    `json:"action,omitzero"`
	Deadline time.Time `json:"deadline,omitzero"`
	// Offered are the actions a UI may offer now: the transition table's
	// from this status that the provider supports. View cannot know the
	// provider and leaves it nil; a shell that does (kernel.Provider.Offered)
	// fills it.
	Offered []Action `json:"offered"`
	// Since is when Status began.
	Since time.Time `json:"since,omitzero"`
	// Observed is the provider-observed VM state, with the raw strings.
	Observed             VMState `json:"observed"`
	ProviderStatus       string  `json:"provider_status,omitempty"`
	ProviderVolumeStatus string  `json:"provider_volume_status,omitempty"`
	// ObservedAt is when the provider was last observed.
	ObservedAt time.Time `json:"observed_at,omitzero"`
	// Liveness is the daemon's liveness (running hosts only).
	Liveness Liveness `json:"liveness,omitzero"`
	// Label is the status with liveness, as Label returns it.
	Label string `json:"label"`
	// Flags are the badges.
	Flags Flags `json:"flags"`
	// LastSeen is the last heartbeat, for "unknown, last seen 5 min ago".
	LastSeen time.Time `json:"last_seen,omitzero"`
	// Address is the public address.
	Address string `json:"address,omitempty"`
}

// label returns the status with liveness, e.g. "running / host offline",
// from a table so that View allocates nothing.
func (v HostView) label() string {
	if v.Status.Valid() && v.Liveness <= LivenessOffline {
		return labels[v.Status][v.Liveness]
	}
	return joinLabel(v.Status, v.Liveness)
}

// labels holds every valid status's label with every liveness.
var labels = func() (t [numStatuses][LivenessOffline + 1]string) {
	for s := range Status(numStatuses) {
		for l := range LivenessOffline + 1 {
			t[s][l] = joinLabel(s, l)
		}
	}
	return t
}()

// joinLabel is the label of status s with liveness l.
func joinLabel(s Status, l Liveness) string {
	if l == LivenessNone {
		return s.String()
	}
	return s.String() + " / " + l.String()
}

// MarshalText implements encoding.TextMarshaler: the liveness's words.
func (l Liveness) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler: the words
// MarshalText writes ("" for none). Unknown words are an error and leave
// l unchanged.
func (l *Liveness) UnmarshalText(b []byte) error {
	for v := LivenessNone; v <= LivenessOffline; v++ {
		if string(b) == v.String() {
			*l = v
			return nil
		}
	}
	return fmt.Errorf("hoststate: unknown liveness %q", Truncate(string(b), MaxQuoted))
}

// UnmarshalJSON implements json.Unmarshaler: a list of flag names, as
// MarshalJSON writes it. An unknown name is an error and leaves f
// unchanged.
func (f *Flags) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("hoststate: flags: %w", err)
	}
	var out Flags
	for _, n := range names {
		i := slices.Index(flagNames[:], n)
		if i < 0 {
			return fmt.Errorf("hoststate: unknown flag %q", Truncate(n, MaxQuoted))
		}
		out |= 1 << i
	}
	*f = out
	return nil
}

// MarshalJSON implements json.Marshaler: the set flags' names, as a list
// (never null).
func (f Flags) MarshalJSON() ([]byte, error) {
	names := make([]string, 0, len(flagNames))
	for i, name := range flagNames {
		if f&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return json.Marshal(names)
}

// View returns what a UI shows for r at time now.
func View(r Record, now time.Time, p Policy) HostView {
	p = p.WithDefaults()
	v := HostView{
		ID:                   r.ID,
		Reason:               r.Reason,
		Status:               r.Status,
		Since:                r.Since,
		Observed:             r.Observed,
		ProviderStatus:       r.ProviderStatus,
		ProviderVolumeStatus: r.ProviderVolumeStatus,
		ObservedAt:           r.ObservedAt,
		LastSeen:             r.LastSeen,
		Address:              r.Address,
	}
	if r.Status == StatusRunning {
		switch {
		case r.Stale(now, p):
			v.Liveness = LivenessOffline
			v.Flags |= FlagStale
		case r.LastSeen.IsZero():
			v.Liveness = LivenessWaiting
		default:
			v.Liveness = LivenessActive
		}
		if !r.BootstrapDone {
			v.Flags |= FlagBootstrapPending
		}
		if r.Address == "" {
			v.Flags |= FlagNoAddress
		}
	}
	if r.Status == StatusUnknown || !r.Status.Valid() {
		v.Flags |= FlagUnknown
	}
	if r.Unreachable {
		v.Flags |= FlagConnectorOffline
	} else if r.Observed == VMUnknown && r.ProviderStatus != "" {
		v.Flags |= FlagUnrecognized
	}
	if r.ProbeFailures > 0 {
		v.Flags |= FlagProbeFailing
	}
	if r.PendingCount > 0 {
		v.Flags |= FlagConfirming
	}
	if r.ProviderDisagrees {
		v.Flags |= FlagProviderDisagrees
	}
	if r.InFlight() {
		v.Action = r.LastAction
		v.Deadline = r.Deadline
		if v.Deadline.IsZero() {
			v.Deadline = r.ActionAt.Add(p.ActionTimeout)
		}
	}
	v.Label = v.label()
	return v
}
