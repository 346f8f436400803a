package hoststate

import (
	"errors"
	"fmt"
	"strings"
)

// Status is the control plane's status of a host: what a UI shows and what
// user actions are checked against. The zero value is [StatusUnknown], so a
// zero [Record] is valid and means "never observed".
type Status uint8

// The statuses of the normalized state diagram, plus deprovisioning for
// deletes. off and deprovisioned differ only by the data volume: off keeps
// it, deprovisioned has lost it too.
const (
	// StatusUnknown: we cannot tell (never observed, or a self-host
	// connector is offline). A UI shows it with the last-seen time.
	StatusUnknown Status = iota
	// StatusOff: the VM is absent or stopped and the data volume exists.
	StatusOff
	// StatusDeprovisioned: the VM and the data volume are both gone.
	StatusDeprovisioned
	// StatusStarting: a start is in flight, or the VM runs but has no
	// public address yet.
	StatusStarting
	// StatusRunning: the provider reports the VM running. Liveness of the
	// host daemon ("active") is separate: see [View].
	StatusRunning
	// StatusStopping: a stop is in flight, or the provider reports the VM
	// stopping or being deleted. Never shown as off while the provider stops.
	StatusStopping
	// StatusRestarting: a reboot is in flight.
	StatusRestarting
	// StatusReprovisioning: the VM is being recreated around the existing
	// data volume (an edit that needs a new VM).
	StatusReprovisioning
	// StatusDeprovisioning: a delete of the VM and its data volume is in
	// flight.
	StatusDeprovisioning
	// StatusError: the provider reports the VM in error, or an action failed.
	StatusError

	numStatuses = iota
)

var statusNames = [numStatuses]string{
	StatusUnknown:        "unknown",
	StatusOff:            "off",
	StatusDeprovisioned:  "deprovisioned",
	StatusStarting:       "starting",
	StatusRunning:        "running",
	StatusStopping:       "stopping",
	StatusRestarting:     "restarting",
	StatusReprovisioning: "reprovisioning",
	StatusDeprovisioning: "deprovisioning",
	StatusError:          "error",
}

// ErrUnknownStatus is matched (with errors.Is) by the error that parsing an
// unrecognized status string returns.
var ErrUnknownStatus = errors.New("hoststate: unknown status")

// Statuses returns every valid status, in declaration order.
func Statuses() []Status {
	out := make([]Status, numStatuses)
	for i := range out {
		out[i] = Status(i)
	}
	return out
}

// Valid reports whether s is one of the declared statuses.
func (s Status) Valid() bool { return s < numStatuses }

// String returns the status's canonical lower-case name, or
// "Status(n)" for an invalid value.
func (s Status) String() string {
	if s.Valid() {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Transitional reports whether s waits for the provider to finish something:
// starting, stopping, restarting, reprovisioning or deprovisioning.
func (s Status) Transitional() bool {
	switch s {
	case StatusStarting, StatusStopping, StatusRestarting, StatusReprovisioning, StatusDeprovisioning:
		return true
	}
	return false
}

// ParseStatus parses a status name, ignoring case and surrounding space. An
// unrecognized name returns an error matching [ErrUnknownStatus]; it never
// defaults to some status silently.
func ParseStatus(s string) (Status, error) {
	t := strings.TrimSpace(s)
	for i, name := range statusNames {
		if strings.EqualFold(t, name) {
			return Status(i), nil
		}
	}
	return StatusUnknown, fmt.Errorf("%w %q", ErrUnknownStatus, Truncate(s, MaxQuoted))
}

// MarshalText implements encoding.TextMarshaler; an invalid status is an error.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownStatus, uint8(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. On error s is unchanged.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
