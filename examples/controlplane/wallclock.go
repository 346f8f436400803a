package main

import (
	"context"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
)

// wallClock is a clock.Clock that runs at speed times the wall clock: the
// simulated cloud (package fakes) runs on a manual clocktest.Clock, and
// this drives one from wall time so a person can watch a fleet whose
// minutes pass in seconds. Its resolution is the driving tick: timers fire
// within one tick of their simulated deadline.
type wallClock struct {
	*clocktest.Clock
	speed float64
	tick  time.Duration
}

// newWallClock returns a clock reading start, to be driven by run.
func newWallClock(start time.Time, speed float64) *wallClock {
	return &wallClock{Clock: clocktest.New(start), speed: speed, tick: 20 * time.Millisecond}
}

// run advances the clock by the wall time elapsed, times speed, every
// tick until ctx ends. It measures elapsed time from its own start rather
// than adding up ticks, so a slow tick never makes the clock fall behind.
func (c *wallClock) run(ctx context.Context) {
	wallStart, simStart := time.Now(), c.Now()
	t := time.NewTicker(c.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.Set(simStart.Add(time.Duration(float64(now.Sub(wallStart)) * c.speed)))
		}
	}
}
