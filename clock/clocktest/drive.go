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
	done := make(chan T, 1)
	go func() { done <- f() }()
	end := c.Now().Add(limit)
	for {
		waitCtx, cancel := context.WithCancel(ctx)
		idle := make(chan error, 1)
		go func() { idle <- c.WaitForTimers(waitCtx, timers) }()
		select {
		case v := <-done:
			cancel()
			<-idle
			return v, nil
		case err := <-idle:
			cancel()
			if err != nil {
				var zero T
				return zero, fmt.Errorf("clocktest: neither returned nor waiting on the clock: %w", err)
			}
		}
		if !c.Now().Before(end) {
			var zero T
			return zero, fmt.Errorf("%w: still running after %s", ErrDriveLimit, limit)
		}
		c.Advance(step)
	}
}
