package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/waiter"
)

// result is what one strategy measured on one timeline.
type result struct {
	// lag is how long after the provider reached the target the wait
	// noticed; calls how many provider calls the wait made.
	lag   time.Duration
	calls int
}

// strategy is one way of waiting, run on a fresh world.
type strategy func(ctx context.Context, w *world, tl timeline) (result, error)

// confirmations is how many consecutive target observations every
// strategy needs: two when the target is a missing VM (it can be eventual
// consistency), one otherwise — the same rule for all three.
func confirmations(c waiter.Condition) int {
	if slices.Contains(c.VM, hoststate.VMAbsent) {
		return 2
	}
	return 1
}

// waiterStrategy is this package's waiter: the native operation where the
// provider has one, pushed reports where it pushes, otherwise polling with
// the scenario's typical duration as ExpectedDuration. A native operation
// counts as one call: the fake's Wait is free, and GCP's operations.wait
// is one long-poll request per two minutes.
func waiterStrategy(ctx context.Context, w *world, tl timeline) (result, error) {
	rc := newRecordingClock(w.clock)
	opts := waiter.Options{
		Target:  tl.sc.target,
		Timeout: horizon,
		Rand:    rand.New(rand.NewPCG(tl.seed, 1)),
	}
	extra := 0
	var reports chan hoststate.Observation
	switch {
	case w.op != nil:
		opts.Operation, extra = w.op, 1
	case w.p.Capabilities().PushReports:
		reports = make(chan hoststate.Observation)
		opts.Reports = reports
	case !tl.sc.unexpected:
		opts.ExpectedDuration = tl.sc.expected()
	}
	probe := func(ctx context.Context) (hoststate.Observation, error) { return w.p.Probe(ctx, w.host) }
	done := make(chan struct{})
	var werr error
	go func() {
		defer close(done)
		_, werr = waiter.Wait(ctx, rc, probe, opts)
	}()
	pushed := false
	connector := func(now time.Time) bool {
		// The self-host connector reports the change as it happens. The
		// report meets the target, so the waiter finishes on it (or on a
		// probe of the same instant).
		if reports == nil || pushed || now.Before(w.reachAt) {
			return false
		}
		pushed = true
		select {
		case reports <- w.cloud.Truth(tl.sc.kind, w.host).Observation():
		case <-done:
		}
		return true
	}
	if err := drive(ctx, w.clock, rc, done, w.reachAt, connector); err != nil {
		return result{}, err
	}
	if werr != nil {
		return result{}, fmt.Errorf("%s: waiter: %w", tl.sc.label(), werr)
	}
	detected := w.clock.Now()
	if err := w.check(tl, detected); err != nil {
		return result{}, err
	}
	return result{lag: detected.Sub(w.reachAt), calls: w.cloud.Calls(tl.sc.kind).Total() + extra}, nil
}

// fixedStrategy polls every 5 s, as the control plane driftless was written for does.
func fixedStrategy(ctx context.Context, w *world, tl timeline) (result, error) {
	return poll(ctx, w, tl, func(bool) time.Duration { return 5 * time.Second })
}

// doublingStrategy polls as Terraform's helper/retry.StateChangeConf does
// by default: at once, then pauses doubling from 200 ms up to 10 s, and
// re-checks a target at the current pause without doubling.
func doublingStrategy(ctx context.Context, w *world, tl timeline) (result, error) {
	wait := 100 * time.Millisecond
	return poll(ctx, w, tl, func(confirming bool) time.Duration {
		if !confirming {
			wait *= 2
		}
		wait = min(wait, 10*time.Second)
		return wait
	})
}

// errHorizon reports a baseline that never saw the target.
var errHorizon = errors.New("target not seen within the horizon")

// poll is a plain poller over the same probe and target: probe, and if the
// target is not confirmed yet, pause for next(confirming) and repeat. It
// runs on the test goroutine alone, so it moves the fake clock itself.
func poll(ctx context.Context, w *world, tl timeline, next func(confirming bool) time.Duration) (result, error) {
	need := confirmations(tl.sc.target)
	run := 0
	deadline := w.clock.Now().Add(horizon)
	for {
		obs, err := w.p.Probe(ctx, w.host)
		if err != nil {
			return result{}, fmt.Errorf("%s: probe: %w", tl.sc.label(), err)
		}
		if tl.sc.target.Met(obs) {
			run++
		} else {
			run = 0
		}
		now := w.clock.Now()
		if run >= need {
			if err := w.check(tl, now); err != nil {
				return result{}, err
			}
			return result{lag: now.Sub(w.reachAt), calls: w.cloud.Calls(tl.sc.kind).Total()}, nil
		}
		if !now.Before(deadline) {
			return result{}, fmt.Errorf("%s: %w", tl.sc.label(), errHorizon)
		}
		w.clock.Advance(next(run > 0))
	}
}
