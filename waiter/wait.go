package waiter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Probe observes one host: typically a closure over provider.Provider's
// Probe and the host's reference. A missing VM is an observation
// (VMAbsent), not an error; errors are failed calls.
type Probe func(ctx context.Context) (hoststate.Observation, error)

// Wait waits until probe observes opts.Target (Confirmations times in a
// row), and returns that observation.
//
// It runs on clock: pauses are clock timers, so a fake clock drives it in
// tests. The first probe happens at once (after opts.Operation, if set).
// Transient probe errors (provider.Transient: 429, 5xx, timeouts) are
// retried on the backoff schedule — at least the rate limit's RetryAfter
// — and never count as an observation; any other probe error ends the
// wait with that error wrapped.
//
// Errors: a *TimeoutError (ErrTimeout) with the last observation when the
// deadline passes; a *FailFastError (ErrFailFast) when an observation
// meets opts.FailFast; the operation's error (provider.ErrOperationFailed)
// when a native operation finished with one; ctx's error, wrapped, when
// ctx ends; ErrInvalidOptions for options that describe no wait.
func Wait(ctx context.Context, clock clock.Clock, probe Probe, opts Options) (hoststate.Observation, error) {
	if clock == nil || probe == nil {
		return hoststate.Observation{}, fmt.Errorf("%w: nil clock or probe", ErrInvalidOptions)
	}
	o, err := opts.withDefaults(true)
	if err != nil {
		return hoststate.Observation{}, err
	}
	start := clock.Now()
	p := newPacer(clock, start.Add(o.Timeout))
	defer p.close()
	d := &standardDecider{o: o, start: start}
	return waitHost(ctx, p, o, probe, d.decide)
}

// waitHost is Wait's body on a pacer the caller owns, with any decision
// function: the native operation first, then the probe loop.
func waitHost(ctx context.Context, p *pacer, o Options, probe Probe, decide func(hoststate.Observation, time.Time) verdict) (hoststate.Observation, error) {
	var opErr error
	native := o.Operation != nil
	for o.Operation != nil {
		err := p.waitOp(ctx, o.Operation)
		switch {
		case err == nil:
		case errors.Is(err, errDeadline):
			return hoststate.Observation{}, p.timeoutError(outcome[hoststate.Observation]{})
		case ctx.Err() != nil:
			return hoststate.Observation{}, fmt.Errorf("waiter: waiting for operation %s: %w", hoststate.Truncate(o.Operation.Name(), hoststate.MaxQuoted), context.Cause(ctx))
		case errors.Is(err, provider.ErrOperationFailed):
			return hoststate.Observation{}, fmt.Errorf("waiter: operation %s: %w", hoststate.Truncate(o.Operation.Name(), hoststate.MaxQuoted), err)
		case o.resend != nil && provider.Transient(err):
			// An Operation's Wait may carry the rest of a multi-step
			// action (a reprovision's create after its delete); cut
			// short, the rest would never happen. Send the action again,
			// as after a transient send error: the adapters resume from
			// where the provider is.
			next, rerr := o.resend(ctx)
			if rerr == nil && next != nil {
				o.Operation = next
				continue
			}
			opErr = err
			if rerr != nil {
				opErr = rerr
			}
		default:
			// The operation's fate is unknown (polling it failed): the
			// probes decide, as they would without an operation.
			opErr = err
		}
		break
	}
	if native || o.Reports != nil {
		// They say when to look; the expected duration would only delay.
		o.ExpectedDuration = 0
	}
	sched := newSchedule(o, p.clock.Now())
	l := &loop[hoststate.Observation]{
		p:       p,
		sched:   sched,
		initial: sched.quiet(p.clock.Now()),
		confirm: o.ConfirmInterval,
		safety:  o.MaxInterval,
		probe:   probe,
		decide:  decide,
		retry:   provider.Transient,
		reports: o.Reports,
	}
	out, v, err := l.run(ctx)
	if out.lastErr == nil && !out.observed {
		out.lastErr = opErr
	}
	switch {
	case err == nil && v == reached:
		return out.last, nil
	case err == nil:
		return out.last, &FailFastError{Observation: out.last}
	case errors.Is(err, errDeadline):
		return out.last, p.timeoutError(out)
	case ctx.Err() != nil:
		return out.last, fmt.Errorf("waiter: wait abandoned: %w", context.Cause(ctx))
	}
	return out.last, err
}

// timeoutError builds the *TimeoutError of a wait that reached its deadline.
func (p *pacer) timeoutError(out outcome[hoststate.Observation]) error {
	return &TimeoutError{
		Waited:      p.clock.Now().Sub(p.start),
		Observation: out.last,
		Observed:    out.observed,
		LastErr:     out.lastErr,
	}
}
