package waiter

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Defaults of [Options]; each applies when its field is zero.
const (
	// DefaultTimeout bounds a wait with no Timeout.
	DefaultTimeout = 15 * time.Minute
	// DefaultMinInterval is the shortest pause between probes: the floor of
	// every jittered pause and the spacing of confirmation probes. 3.5 s
	// keeps the mean detection lag below fixed 5-second polling (see
	// examples/waitcompare) while a provider's rate limit (Lambda: about
	// one request a second) leaves room for several concurrent waits.
	DefaultMinInterval = 3500 * time.Millisecond
	// DefaultMaxInterval is the longest pause between probes.
	DefaultMaxInterval = 20 * time.Second
	// DefaultMultiplier is the growth of the backoff ceiling per probe.
	DefaultMultiplier = 1.5
)

// Options describe one wait. Only Target is required; the zero value of
// every other field picks its default.
type Options struct {
	// Target is what the wait waits for, e.g. VMIn(hoststate.VMRunning),
	// or Condition{VM: {VMAbsent}, Volume: {VolumePresent}} for a
	// Hyperstack stop (VM deleted, data volume detached).
	Target Condition
	// FailFast ends the wait at once with a *FailFastError when an
	// observation meets it (and Target does not): waiting for running and
	// seeing error. Zero: never fail fast.
	FailFast Condition
	// Confirmations is how many consecutive observations must meet Target.
	// Default 1, or 2 when Target.VM lists VMAbsent (a missing VM can be
	// eventual consistency). Confirmation probes are ConfirmInterval
	// apart; failed probes neither count nor break the run.
	Confirmations int
	// ConfirmInterval is the pause before each confirming probe; default
	// MinInterval. Actions stretch it so a provider's confirmations span
	// its consistency window (kernel.Config.ConsistencyWindow).
	ConfirmInterval time.Duration
	// NotFoundGrace is a window after the wait starts in which an absent
	// VM counts for nothing — neither target nor fail-fast — because a VM
	// created a moment ago may not be visible yet (eventual consistency).
	NotFoundGrace time.Duration
	// Timeout bounds the wait on its clock; default [DefaultTimeout]. The
	// last probe happens at the deadline.
	Timeout time.Duration
	// MinInterval and MaxInterval bound the pause between probes; defaults
	// [DefaultMinInterval] and [DefaultMaxInterval].
	MinInterval, MaxInterval time.Duration
	// Multiplier grows the backoff ceiling after each probe that is not
	// at the target (default [DefaultMultiplier], at least 1). Each pause
	// is drawn uniformly between MinInterval and the ceiling (full jitter
	// above the floor), then clipped to the deadline.
	Multiplier float64
	// ExpectedDuration, when positive, is how long the transition
	// typically takes at this provider (its documented or measured
	// median), counted from the start of the wait. The waiter then makes
	// no probe until [QuietFraction] of it has passed (like Terraform's
	// Delay), and from there draws each pause between MinInterval and a
	// tenth of the distance to the expected end (at most MaxInterval):
	// probes go where the transition can end, not where it cannot, and
	// thin out geometrically if it overruns. A transition that ends
	// sooner is seen when the quiet period ends; one whose durations vary
	// by much more than ±20% around ExpectedDuration gains little. Ignored
	// with Operation or Reports, which already say when to look.
	ExpectedDuration time.Duration
	// Operation, when set, is the provider's native operation for the
	// action: the wait first blocks on its Wait (bounded by the deadline),
	// then verifies Target with probes — done is necessary, not
	// sufficient. An operation that finishes with an error matching
	// provider.ErrOperationFailed ends the wait with that error.
	Operation provider.Operation
	// Reports, when set, delivers pushed observations (a self-host
	// connector's reports): each is decided like a probe result, and
	// probes become a safety net every MaxInterval. A closed channel
	// falls back to polling.
	Reports <-chan hoststate.Observation
	// Rand draws the jitter. Set a seeded generator for deterministic
	// tests; nil uses math/rand/v2's auto-seeded source. A Rand is not
	// safe for concurrent use: give each concurrent wait its own.
	Rand *rand.Rand

	// resend, set by an action's wait, sends the action again when
	// Operation's Wait fails with a transient error and returns the new
	// operation (see waitHost).
	resend func(ctx context.Context) (provider.Operation, error)
}

// withDefaults validates o and fills in its defaults. requireTarget is
// false for internal waits whose decision is not a Condition.
func (o Options) withDefaults(requireTarget bool) (Options, error) {
	if requireTarget && o.Target.IsZero() {
		return o, fmt.Errorf("%w: no target", ErrInvalidOptions)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"Timeout", o.Timeout}, {"MinInterval", o.MinInterval}, {"MaxInterval", o.MaxInterval},
		{"NotFoundGrace", o.NotFoundGrace}, {"ExpectedDuration", o.ExpectedDuration},
	} {
		if d.v < 0 {
			return o, fmt.Errorf("%w: negative %s %s", ErrInvalidOptions, d.name, d.v)
		}
	}
	if o.Confirmations < 0 {
		return o, fmt.Errorf("%w: negative Confirmations %d", ErrInvalidOptions, o.Confirmations)
	}
	if math.IsNaN(o.Multiplier) || math.IsInf(o.Multiplier, 0) || (o.Multiplier != 0 && o.Multiplier < 1) {
		return o, fmt.Errorf("%w: Multiplier %v is not a number >= 1", ErrInvalidOptions, o.Multiplier)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MinInterval == 0 {
		o.MinInterval = DefaultMinInterval
	}
	if o.MaxInterval == 0 {
		o.MaxInterval = max(DefaultMaxInterval, o.MinInterval)
	}
	if o.MaxInterval < o.MinInterval {
		return o, fmt.Errorf("%w: MaxInterval %s below MinInterval %s", ErrInvalidOptions, o.MaxInterval, o.MinInterval)
	}
	if o.Multiplier == 0 {
		o.Multiplier = DefaultMultiplier
	}
	if o.Confirmations == 0 {
		o.Confirmations = 1
		if o.Target.admitsAbsent() {
			o.Confirmations = 2
		}
	}
	if o.ConfirmInterval < 0 {
		return o, fmt.Errorf("%w: negative ConfirmInterval %s", ErrInvalidOptions, o.ConfirmInterval)
	}
	o.ConfirmInterval = max(o.ConfirmInterval, o.MinInterval)
	return o, nil
}

// standardDecider decides observations by Options' Target, FailFast,
// Confirmations and NotFoundGrace.
type standardDecider struct {
	o     Options
	start time.Time
	// run counts consecutive observations meeting Target.
	run int
}

func (d *standardDecider) decide(ob hoststate.Observation, now time.Time) verdict {
	if ob.VM == hoststate.VMAbsent && now.Sub(d.start) < d.o.NotFoundGrace {
		d.run = 0
		return pending
	}
	if d.o.Target.Met(ob) {
		d.run++
		if d.run >= d.o.Confirmations {
			return reached
		}
		return confirming
	}
	d.run = 0
	if d.o.FailFast.Met(ob) {
		return failed
	}
	return pending
}
