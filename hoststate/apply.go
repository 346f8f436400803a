package hoststate

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidTransition is matched (with errors.Is) by the error [Record.Apply]
// returns for an action the table does not allow from the current status.
var ErrInvalidTransition = errors.New("hoststate: action not allowed from current status")

// TransitionError reports a user action the table does not allow now.
type TransitionError struct {
	// From is the record's status.
	From Status
	// Action is the refused action.
	Action Action
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("hoststate: cannot %s a host that is %s", e.Action, e.From)
}

// Is makes errors.Is(err, ErrInvalidTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// Allowed reports whether action a is allowed from status s.
func Allowed(s Status, a Action) bool {
	_, ok := next(s, a)
	return ok
}

// Apply applies user action a to r, in place, at time now: the status becomes the
// action's transitional status at once (the UI shows "stopping"
// immediately), the action becomes the desired state and the grace window
// starts. An action the table does not allow returns an error matching
// [ErrInvalidTransition] (or [ErrUnknownAction] for an invalid value) and
// leaves r unchanged. Apply increments ActionSeq and does not touch Deadline: a
// waiter sets it. The host is due for a look at once (NextCheck is now).
func (r *Record) Apply(a Action, now time.Time) error {
	if !a.Valid() {
		return fmt.Errorf("%w: %d", ErrUnknownAction, uint8(a))
	}
	dst, ok := next(r.Status, a)
	if !ok {
		return &TransitionError{From: r.Status, Action: a}
	}
	if a == ActionReprovision || r.Status == StatusDeprovisioned {
		// A new VM must bootstrap again.
		r.BootstrapDone = false
	}
	r.moveTo(dst, now)
	r.LastAction, r.ActionAt = a, now
	r.ActionSeq++
	r.Deadline = time.Time{}
	r.NextCheck = now // a transitional status: due every tick
	return nil
}
