package waiter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/provider"
)

// verdict is what one observation means for a wait.
type verdict uint8

const (
	// pending: not there yet; probe again on the schedule.
	pending verdict = iota
	// confirming: at the target, but more consecutive observations are
	// needed; probe again after MinInterval.
	confirming
	// reached: the target holds; the wait succeeds.
	reached
	// failed: the observation cannot lead to the target; the wait ends.
	failed
)

// errDeadline is the engine's internal signal that the wait's deadline
// passed; callers turn it into a *TimeoutError.
var errDeadline = errors.New("waiter: deadline reached")

// pacer owns a wait's deadline. One timer stands for the deadline for the
// whole wait, so every blocking step (a pause, a native operation, pushed
// reports) selects on it and nothing outlives it; it also keeps the number
// of pending timers constant while the waiter idles, which lets a
// fake-clock test know when the waiter is blocked.
type pacer struct {
	clock           clock.Clock
	start, deadline time.Time
	timer           clock.Timer
	// expired records that the deadline timer fired (its one value is
	// consumed by whichever select saw it).
	expired bool
}

func newPacer(clock clock.Clock, deadline time.Time) *pacer {
	now := clock.Now()
	return &pacer{clock: clock, start: now, deadline: deadline, timer: clock.NewTimer(deadline.Sub(now))}
}

// close releases the deadline timer.
func (p *pacer) close() { p.timer.Stop() }

// past reports whether the deadline has passed at now.
func (p *pacer) past(now time.Time) bool { return p.expired || !now.Before(p.deadline) }

// sleep pauses for d, cut short by the deadline (errDeadline) or ctx.
func (p *pacer) sleep(ctx context.Context, d time.Duration) error {
	now := p.clock.Now()
	if p.past(now) {
		return errDeadline
	}
	t := p.clock.NewTimer(min(d, p.deadline.Sub(now)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-p.timer.C():
		p.expired = true
		return errDeadline
	case <-t.C():
		return nil
	}
}

// waitOp blocks on a native operation until it is done, the deadline
// passes (errDeadline) or ctx ends. The operation runs on its own
// goroutine, which is cancelled and joined before waitOp returns, so none
// outlives the wait; Operation.Wait must honour its context.
func (p *pacer) waitOp(ctx context.Context, op provider.Operation) error {
	if p.past(p.clock.Now()) {
		return errDeadline
	}
	opCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- op.Wait(opCtx) }()
	select {
	case err := <-done:
		return err
	case <-p.timer.C():
		p.expired = true
		cancel()
		<-done
		return errDeadline
	case <-ctx.Done():
		cancel()
		<-done
		return ctx.Err()
	}
}

// loop is the probing engine shared by every wait: probe at once, decide,
// pause on the schedule, repeat, until the decision is final, the
// deadline passes or ctx ends. T is what one probe returns.
type loop[T any] struct {
	p     *pacer
	sched *schedule
	// confirm is the pause before a confirmation probe; safety the pause
	// between probes while pushed reports arrive.
	confirm, safety time.Duration
	probe           func(context.Context) (T, error)
	decide          func(T, time.Time) verdict
	// retry reports whether a probe error is worth another attempt.
	retry   func(error) bool
	reports <-chan T
	// initial is the pause before the first probe (a quiet period).
	initial time.Duration
}

// outcome is what a loop saw.
type outcome[T any] struct {
	// last is the last successful result; observed reports there was one.
	last     T
	observed bool
	// lastErr is the last attempt's error, nil when it succeeded.
	lastErr error
}

// run drives the loop. It returns reached or failed with a nil error, or
// an error: errDeadline, ctx's error, or a probe error that is not worth
// retrying.
func (l *loop[T]) run(ctx context.Context) (outcome[T], verdict, error) {
	var out outcome[T]
	if l.initial > 0 {
		v, err := l.pause(ctx, l.initial, &out)
		if err != nil || v == reached || v == failed {
			return out, v, err
		}
	}
	for {
		v, delay, err := l.attempt(ctx, &out)
		if err != nil || v == reached || v == failed {
			return out, v, err
		}
		if l.p.past(l.p.clock.Now()) {
			return out, v, errDeadline
		}
		v, err = l.pause(ctx, delay, &out)
		if err != nil || v == reached || v == failed {
			return out, v, err
		}
	}
}

// attempt makes one probe and returns its verdict and the pause before
// the next one.
func (l *loop[T]) attempt(ctx context.Context, out *outcome[T]) (verdict, time.Duration, error) {
	res, err := l.probe(ctx)
	now := l.p.clock.Now()
	if err != nil {
		if ctx.Err() != nil {
			return pending, 0, ctx.Err()
		}
		if !l.retry(err) {
			return pending, 0, fmt.Errorf("waiter: probe: %w", err)
		}
		// A failed probe is not an observation: it never counts toward
		// the target and never breaks a run of confirmations.
		out.lastErr = err
		return pending, max(l.sched.next(now), provider.RetryAfter(err)), nil
	}
	out.last, out.observed, out.lastErr = res, true, nil
	v := l.decide(res, now)
	switch {
	case v == confirming:
		return v, l.confirm, nil
	case l.reports != nil:
		return v, l.safety, nil
	}
	return v, l.sched.next(now), nil
}

// pause waits d (clipped to the deadline) for the next probe, deciding
// any pushed reports that arrive meanwhile. A nil error with a pending
// verdict means "probe now".
func (l *loop[T]) pause(ctx context.Context, d time.Duration, out *outcome[T]) (verdict, error) {
	now := l.p.clock.Now()
	t := l.p.clock.NewTimer(min(d, l.p.deadline.Sub(now)))
	defer func() { t.Stop() }()
	for {
		select {
		case <-ctx.Done():
			return pending, ctx.Err()
		case <-l.p.timer.C():
			// The deadline: one last probe, then the loop times out.
			l.p.expired = true
			return pending, nil
		case <-t.C():
			return pending, nil
		case r, ok := <-l.reports:
			if !ok {
				// The subscription ended: poll on the schedule.
				l.reports = nil
				continue
			}
			now := l.p.clock.Now()
			out.last, out.observed, out.lastErr = r, true, nil
			v := l.decide(r, now)
			if v == reached || v == failed {
				return v, nil
			}
			if v == confirming {
				t.Stop()
				t = l.p.clock.NewTimer(min(l.confirm, l.p.deadline.Sub(now)))
			}
		}
	}
}
