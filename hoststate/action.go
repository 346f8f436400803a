package hoststate

import (
	"errors"
	"fmt"
	"strings"
)

// Action is a user action: what the control plane asks a host to do. The
// last action is the desired state; the provider is the truth for runtime
// state.
type Action uint8

// User actions. The zero value is [ActionNone], "no action yet".
const (
	// ActionNone is the zero value: no user action recorded.
	ActionNone Action = iota
	// ActionStart starts an off host, or provisions a deprovisioned one anew.
	ActionStart
	// ActionStop stops a host and keeps its data volume.
	ActionStop
	// ActionReboot restarts a running host.
	ActionReboot
	// ActionReprovision recreates the VM of an off host around its data volume.
	ActionReprovision
	// ActionDeprovision deletes the VM and its data volume.
	ActionDeprovision
	// ActionRetry retries the start of a host in error.
	ActionRetry

	numActions = iota
)

var actionNames = [numActions]string{
	ActionNone:        "none",
	ActionStart:       "start",
	ActionStop:        "stop",
	ActionReboot:      "reboot",
	ActionReprovision: "reprovision",
	ActionDeprovision: "deprovision",
	ActionRetry:       "retry",
}

// ErrUnknownAction is matched (with errors.Is) by the error that parsing an
// unrecognized action string returns.
var ErrUnknownAction = errors.New("hoststate: unknown action")

// Actions returns every user action (not [ActionNone]), in declaration order.
func Actions() []Action {
	out := make([]Action, 0, numActions-1)
	for a := ActionStart; a < numActions; a++ {
		out = append(out, a)
	}
	return out
}

// Goal is the settled status action a ends in once the provider confirms
// it: off for a stop, deprovisioned for a deprovision, running for the
// others. ActionNone and invalid actions have no goal: StatusUnknown.
func (a Action) Goal() Status {
	switch a {
	case ActionStop:
		return StatusOff
	case ActionDeprovision:
		return StatusDeprovisioned
	case ActionStart, ActionReboot, ActionReprovision, ActionRetry:
		return StatusRunning
	}
	return StatusUnknown
}

// Valid reports whether a is a user action (ActionNone is not).
func (a Action) Valid() bool { return a > ActionNone && a < numActions }

// String returns the action's lower-case name, or "Action(n)" when invalid.
func (a Action) String() string {
	if a < numActions {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// ParseAction parses an action name, ignoring case and surrounding space.
// "none" and unrecognized names return an error matching [ErrUnknownAction].
func ParseAction(s string) (Action, error) {
	t := strings.TrimSpace(s)
	for a := ActionStart; a < numActions; a++ {
		if strings.EqualFold(t, actionNames[a]) {
			return a, nil
		}
	}
	return ActionNone, fmt.Errorf("%w %q", ErrUnknownAction, Truncate(s, MaxQuoted))
}

// MarshalText implements encoding.TextMarshaler. ActionNone marshals as
// "none" so a zero Record round-trips.
func (a Action) MarshalText() ([]byte, error) {
	if a >= numActions {
		return nil, fmt.Errorf("%w: %d", ErrUnknownAction, uint8(a))
	}
	return []byte(actionNames[a]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; it accepts "none" and
// "" as ActionNone. On error a is unchanged.
func (a *Action) UnmarshalText(b []byte) error {
	t := strings.TrimSpace(string(b))
	if t == "" || strings.EqualFold(t, actionNames[ActionNone]) {
		*a = ActionNone
		return nil
	}
	v, err := ParseAction(t)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
