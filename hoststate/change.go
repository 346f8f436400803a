package hoststate

import "fmt"

// Reason says why [Record.Observe] changed a status or held it back. Values are
// stable and cheap to compare, for logs, metrics and events.
type Reason uint8

// Reasons for a change, or for holding one back.
const (
	// ReasonAgrees: the observation agrees with the record; nothing to do.
	ReasonAgrees Reason = iota
	// ReasonProbeFailed: the probe failed; only error bookkeeping changed.
	ReasonProbeFailed
	// ReasonReported: an outcome the table expects (starting + running).
	ReasonReported
	// ReasonDrift: consecutive observations confirmed a contradiction.
	ReasonDrift
	// ReasonConnectorOffline: the provider cannot see the VM (self-host
	// connector silent beyond its TTL); the host is unknown.
	ReasonConnectorOffline
	// ReasonNoAddressTimeout: the VM ran without an address for
	// NoAddressTimeout; the host is running with a "no address" flag.
	ReasonNoAddressTimeout

	// ReasonInProgress: an intermediate provider state of the in-flight
	// action (a Hyperstack VM still deleting during a stop).
	ReasonInProgress
	// ReasonGrace: a contradicting observation inside the grace window.
	ReasonGrace
	// ReasonConfirming: a flip waits for more consecutive observations.
	ReasonConfirming
	// ReasonAwaitingAddress: the VM runs but has no public address yet.
	ReasonAwaitingAddress
	// ReasonUnrecognized: the provider's raw status is not in its table.
	ReasonUnrecognized
	// ReasonVolumeUnsettled: the VM is gone but the data volume's state is
	// unknown or transitional, so off and deprovisioned cannot be told apart.
	ReasonVolumeUnsettled
	// ReasonHostAlive: the provider points to off, deprovisioned or error
	// but the host daemon's heartbeat is fresh: the host is visibly alive,
	// so the drift is held and flagged ("provider disagrees").
	ReasonHostAlive
	// ReasonStaleRead: a contradicting observation within the provider's
	// consistency window of an action: likely the old state, read again.
	ReasonStaleRead

	numReasons = iota
)

var reasonNames = [numReasons]string{
	ReasonAgrees:           "agrees",
	ReasonProbeFailed:      "probe failed",
	ReasonReported:         "reported",
	ReasonDrift:            "drift confirmed",
	ReasonConnectorOffline: "connector offline",
	ReasonNoAddressTimeout: "no address timeout",
	ReasonInProgress:       "in progress",
	ReasonGrace:            "held by grace window",
	ReasonConfirming:       "held for confirmation",
	ReasonAwaitingAddress:  "awaiting address",
	ReasonUnrecognized:     "unrecognized provider status",
	ReasonVolumeUnsettled:  "volume unsettled",
	ReasonHostAlive:        "held: host heartbeat is fresh",
	ReasonStaleRead:        "held: within the provider's consistency window",
}

// String returns a short human-readable name.
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// Held reports whether the reason means a flip was held back: the
// observation pointed elsewhere but the status stayed.
func (r Reason) Held() bool { return r >= ReasonInProgress && r < numReasons }

// Change describes what [Record.Observe] decided, for logs, metrics and events.
type Change struct {
	// From and To are the status before and after; equal when nothing changed.
	From, To Status
	// Reason says why the status changed, or why it was held.
	Reason Reason
	// Target is the status the observation pointed to (equal to To unless
	// held); StatusUnknown when it pointed nowhere (probe failed,
	// unrecognized, volume unsettled).
	Target Status
	// Count is the number of consecutive confirmations of Target so far.
	Count int
}

// Changed reports whether the status changed.
func (c Change) Changed() bool { return c.From != c.To }
