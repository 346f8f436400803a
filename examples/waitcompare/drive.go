package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/clock/clocktest"
)

// recordingClock is the fake clock as the waiter sees it, remembering the
// deadline of every timer the waiter starts, so the driver can move time
// straight to the next one instead of stepping.
type recordingClock struct {
	*clocktest.Clock
	mu     sync.Mutex
	timers []*recordedTimer
}

func newRecordingClock(c *clocktest.Clock) *recordingClock { return &recordingClock{Clock: c} }

// NewTimer implements clock.Clock. The timer is created and recorded
// under one lock: the driver sees it pending on the fake clock as soon as
// it exists, and must not read the record before it is there.
func (c *recordingClock) NewTimer(d time.Duration) clock.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &recordedTimer{when: c.Clock.Now().Add(d)}
	t.Timer = c.Clock.NewTimer(d)
	c.timers = append(c.timers, t)
	return t
}

// next returns the earliest deadline after now of a timer still pending,
// forgetting the timers that fired or stopped.
func (c *recordingClock) next(now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	live := c.timers[:0]
	var best time.Time
	for _, t := range c.timers {
		if t.isStopped() || !t.when.After(now) {
			continue
		}
		live = append(live, t)
		if best.IsZero() || t.when.Before(best) {
			best = t.when
		}
	}
	c.timers = live
	return best, !best.IsZero()
}

// recordedTimer is a timer of a recordingClock.
type recordedTimer struct {
	clock.Timer
	when    time.Time
	mu      sync.Mutex
	stopped bool
}

// Stop implements clock.Timer.
func (t *recordedTimer) Stop() bool {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	return t.Timer.Stop()
}

func (t *recordedTimer) isStopped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopped
}

// idleTimers is how many timers a waiting waiter holds: its deadline and
// one more (a pause, a native operation's own wait, or the safety probe
// beside pushed reports). Only then is it blocked on the clock.
const idleTimers = 2

// errStuck reports a waiter that idles with nothing scheduled.
var errStuck = errors.New("the waiter idles with no timer pending")

// drive runs the fake clock for a waiter on another goroutine until done
// closes: each time the waiter is idle it moves time to the next event —
// the earliest of the waiter's timers and event (when the provider reaches
// the target, which is also when a native operation finishes) — and calls
// at with the new time. When at reports that it handed the waiter its
// final input (a pushed report, which wakes the waiter without a timer
// firing), drive waits for done instead of mistaking the waiter's
// still-pending timers for idleness.
func drive(ctx context.Context, clock *clocktest.Clock, rc *recordingClock, done <-chan struct{}, event time.Time, at func(time.Time) (final bool)) error {
	for {
		finished, err := clock.WaitIdle(ctx, idleTimers, done)
		if finished || err != nil {
			return err
		}
		now := clock.Now()
		next, ok := rc.next(now)
		if event.After(now) && (!ok || event.Before(next)) {
			next, ok = event, true
		}
		if !ok {
			return errStuck
		}
		clock.Set(next)
		if at(next) {
			select {
			case <-done:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}
