package waiter

import (
	"errors"
	"fmt"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrTimeout: the wait reached its deadline before the target held.
	// The error is a *TimeoutError carrying the last observation.
	ErrTimeout = errors.New("waiter: timed out")
	// ErrFailFast: the host reached a state that cannot lead to the
	// target. The error is a *FailFastError carrying that observation.
	ErrFailFast = errors.New("waiter: host reached a fail-fast state")
	// ErrInvalidOptions: the options cannot describe a wait (no target, a
	// nil probe or clock, a negative duration, a bad address). Nothing was
	// probed.
	ErrInvalidOptions = errors.New("waiter: invalid options")
	// ErrNoProvider: the host's record names a provider the Actions were
	// not configured with. Nothing was written and nothing sent. It is the
	// reconciler's sentinel, so one errors.Is check serves both packages.
	ErrNoProvider = provider.ErrNoProvider
	// ErrSuperseded: while the action waited, the record moved on — a
	// newer action, or the reconciler settled it differently — so the
	// waiter wrote nothing over it.
	ErrSuperseded = errors.New("waiter: record changed by someone else")
	// ErrOutcome: the action's wait ended with the host settled in a
	// status other than the action's goal (a start whose VM went to
	// error). The status was written: the provider's state decided it.
	ErrOutcome = errors.New("waiter: action ended in another status")
	// ErrNotResolvable: a start reached running, but the host's DNS name
	// did not resolve to its address before the deadline. The running
	// status is written; the host is not ready to hand out.
	ErrNotResolvable = errors.New("waiter: host name does not resolve to its address")
	// ErrClosed: Begin after Actions.Close.
	ErrClosed = errors.New("waiter: actions closed")
)

// TimeoutError reports a wait that reached its deadline. It matches
// [ErrTimeout], and unwraps to the last attempt's error when the last
// attempt failed (so errors.Is(err, provider.ErrRateLimited) tells a wait
// starved by rate limits).
type TimeoutError struct {
	// Waited is how long the wait lasted, on its clock.
	Waited time.Duration
	// Observation is the last successful observation; valid when Observed.
	// (WaitResolvable observes no host: see LastErr.)
	Observation hoststate.Observation
	// Observed reports whether any probe succeeded.
	Observed bool
	// LastErr is the error of the last attempt, nil when it succeeded; for
	// WaitResolvable, what the resolver last answered.
	LastErr error
}

// Error implements error.
func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("waiter: timed out after %s", e.Waited)
	if e.Observed {
		msg += "; last seen " + describe(e.Observation)
	} else if e.LastErr == nil {
		msg += "; no successful observation"
	}
	if e.LastErr != nil {
		msg += "; last attempt: " + e.LastErr.Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Unwrap returns the last attempt's error, if any.
func (e *TimeoutError) Unwrap() error { return e.LastErr }

// FailFastError reports an observation matching Options.FailFast: the
// host will not reach the target without someone acting, so waiting longer
// only delays the bad news. It matches [ErrFailFast].
type FailFastError struct {
	// Observation is the observation that ended the wait.
	Observation hoststate.Observation
}

// Error implements error.
func (e *FailFastError) Error() string {
	return "waiter: host reached " + describe(e.Observation) + ", which cannot lead to the target"
}

// Is makes errors.Is(err, ErrFailFast) true.
func (e *FailFastError) Is(target error) bool { return target == ErrFailFast }

// OutcomeError reports an action whose host settled in a status other than
// the action's goal. It matches [ErrOutcome].
type OutcomeError struct {
	// Action is the action that waited.
	Action hoststate.Action
	// Want is the status the action aimed at; Got the status written.
	Want, Got hoststate.Status
	// Observation is the observation that settled it.
	Observation hoststate.Observation
}

// Error implements error.
func (e *OutcomeError) Error() string {
	return fmt.Sprintf("waiter: %s ended %s, not %s (provider: %s)", e.Action, e.Got, e.Want, describe(e.Observation))
}

// Is makes errors.Is(err, ErrOutcome) true.
func (e *OutcomeError) Is(target error) bool { return target == ErrOutcome }

// describe renders an observation for error messages: normalized states
// with the provider's raw strings, which carry no secrets.
func describe(o hoststate.Observation) string {
	s := fmt.Sprintf("vm %s", o.VM)
	if o.RawVM != "" {
		s += fmt.Sprintf(" (%q)", hoststate.Truncate(o.RawVM, hoststate.MaxQuoted))
	}
	s += fmt.Sprintf(", volume %s", o.Volume)
	if o.RawVolume != "" {
		s += fmt.Sprintf(" (%q)", hoststate.Truncate(o.RawVolume, hoststate.MaxQuoted))
	}
	if o.Unreachable {
		s += ", unreachable"
	}
	return s
}

// errHeldBack is an internal signal, never returned to callers: the
// waiter did not call the provider, to stay within the limits it shares
// with the reconciler (a backoff, an empty token bucket). It travels
// inside a *provider.RateLimitError carrying the wait, so the probing loop
// pauses exactly that long.
var errHeldBack = errors.New("waiter: call held back by the provider's shared limits")
