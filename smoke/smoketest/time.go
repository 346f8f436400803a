package smoketest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/smoke"
)

// ErrStuck is matched by the error Await returns when the step is neither
// done nor waiting on the clock for Stuck of wall time: something under
// test is blocked on something other than time (a deadlock).
var ErrStuck = errors.New("smoketest: neither done nor waiting on the clock")

// idleTimers is how many timers are pending while everything under test
// waits on the clock: a waiter's deadline and the one it waits on now
// (a pause, or its operation's poll).
const idleTimers = 2

// drivenTime is a smoke.Time on a manual clock that moves a Step at a
// time whenever everything under test waits on it.
type drivenTime struct {
	clock *clocktest.Clock
	step  time.Duration
	stuck time.Duration
	// events are things of the simulated world that happen at a time
	// (a rate-limit storm ending), run by the driver as the clock passes
	// them.
	events *events
}

var _ smoke.Time = drivenTime{}

// events is a list of timed events.
type events struct {
	mu   sync.Mutex
	list []event
}

type event struct {
	at time.Time
	do func()
}

// at schedules do for when the clock reaches t.
func (e *events) at(t time.Time, do func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, event{t, do})
}

// run runs, in schedule order, the events due at now.
func (e *events) run(now time.Time) {
	e.mu.Lock()
	var due []event
	kept := e.list[:0]
	for _, ev := range e.list {
		if now.Before(ev.at) {
			kept = append(kept, ev)
		} else {
			due = append(due, ev)
		}
	}
	e.list = kept
	e.mu.Unlock()
	for _, ev := range due {
		ev.do()
	}
}

func (d drivenTime) Clock() clock.Clock { return d.clock }

// Await moves the clock a step at a time, each time the code under test
// is blocked on it (idleTimers pending: clocktest.WaitForTimers tells
// without a wall-clock guess), until done is closed.
func (d drivenTime) Await(ctx context.Context, done <-chan struct{}) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, d.stuck)
		finished, err := d.clock.WaitIdle(wctx, idleTimers, done)
		cancel()
		switch {
		case finished:
			return nil
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return fmt.Errorf("%w after %s of wall time (%d timers pending)", ErrStuck, d.stuck, d.clock.Timers())
		}
		d.clock.Advance(d.step)
		d.events.run(d.clock.Now())
	}
}

// Sleep advances the clock by d: nothing under test is in flight.
func (d drivenTime) Sleep(ctx context.Context, dur time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.clock.Advance(dur)
	d.events.run(d.clock.Now())
	return nil
}
