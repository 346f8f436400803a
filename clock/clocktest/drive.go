package clocktest

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrDriveLimit is returned by [Drive] when the code under test has not
// returned after the limit of simulated time.
var ErrDriveLimit = errors.New("clocktest: simulated time limit passed")

// Drive calls f on its own goroutine and moves c forward by step each time
// at least timers timers are pending — the code under test is waiting on
// the clock, and nothing else — until f returns, and returns its result.
// It is for code that cannot run in a testing/synctest bubble (real
// loopback HTTP to an emulator): the pending-timer count is what the code
// is known to hold while it waits (a waiter: its deadline and one pause).
//
// Drive returns an error matching ErrDriveLimit when limit of simulated
// time passes first, or ctx's error when ctx ends while f neither returns
// nor waits on the clock. f keeps running then: give it a context the
// caller cancels.
func Drive[T any](ctx context.Context, c *Clock, timers int, step, limit time.Duration, f func() T) (T, error) {
	var v T
	done := make(chan struct{})
	go func() { v = f(); close(done) }()
	end := c.Now().Add(limit)
	for {
		finished, err := c.WaitIdle(ctx, timers, done)
		switch {
		case finished:
			return v, nil
		case err != nil:
			var zero T
			return zero, fmt.Errorf("clocktest: neither returned nor waiting on the clock: %w", err)
		case !c.Now().Before(end):
			var zero T
			return zero, fmt.Errorf("%w: still running after %s", ErrDriveLimit, limit)
		}
		c.Advance(step)
	}
}

// WaitIdle blocks until done is closed (finished is true) or at least
// timers timers are pending — the code under test waits on the clock —
// and returns ctx's error if ctx ends first. A driver that moves the clock
// on its own terms (to the next event, a step at a time) loops on it.
func (c *Clock) WaitIdle(ctx context.Context, timers int, done <-chan struct{}) (finished bool, err error) {
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	idle := make(chan error, 1)
	go func() { idle <- c.WaitForTimers(waitCtx, timers) }()
	select {
	case <-done:
		cancel()
		<-idle
		return true, nil
	case err := <-idle:
		select {
		case <-done:
			return true, nil
		default:
		}
		return false, err
	}
}
