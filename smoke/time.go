package smoke

import (
	"context"
	"time"

	"github.com/driftless/driftless/clock"
)

// Time is the run's time: the clock every component under test runs on,
// and how the harness lets time pass.
type Time interface {
	// Clock is the clock of the waiter, the reconciler and the store.
	Clock() clock.Clock
	// Await returns once done is closed, or with ctx's error. A fake
	// clock moves on meanwhile, only while everything under test waits on
	// it.
	Await(ctx context.Context, done <-chan struct{}) error
	// Sleep lets d pass while nothing under test is in flight (between
	// the reconcile ticks of a recovery).
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemTime is the wall clock, for runs against real clouds.
func SystemTime() Time { return systemTime{} }

type systemTime struct{}

func (systemTime) Clock() clock.Clock { return clock.System() }

func (systemTime) Await(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (systemTime) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
