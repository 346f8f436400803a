package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// epoch is when every simulated timeline starts.
var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// horizon bounds every wait; no timeline comes near it.
const horizon = 30 * time.Minute

// timeline is one drawn instance of a scenario: the same draws feed every
// strategy, so they wait for exactly the same provider behaviour.
type timeline struct {
	sc    scenario
	draws []time.Duration
	seed  uint64
}

// drawTimeline draws the durations of timeline i of a scenario.
func drawTimeline(sc scenario, scIndex, i int, seed uint64) timeline {
	rng := rand.New(rand.NewPCG(seed, uint64(scIndex)<<32|uint64(i)))
	tl := timeline{sc: sc, seed: rng.Uint64()}
	for _, sp := range sc.spans {
		tl.draws = append(tl.draws, sp.lo+time.Duration(rng.Int64N(int64(sp.hi-sp.lo)+1)))
	}
	return tl
}

// world is a fresh simulated cloud right after the action was sent.
type world struct {
	clock *clocktest.Clock
	cloud *fakes.Cloud
	p     provider.Provider
	host  provider.Host
	// op is the action's native operation (nil where the provider has none).
	op provider.Operation
	// reachAt is when the provider's ground truth first meets the target.
	reachAt time.Time
}

// setup builds the timeline's world: the host in its starting state, the
// drawn durations, the action sent at the epoch, and the call counters
// reset so only the wait's calls count.
func (tl timeline) setup(ctx context.Context) (*world, error) {
	clock := clocktest.New(epoch)
	cloud := fakes.NewCloud(clock, int64(tl.seed>>1))
	d := fakes.DefaultDurations()
	tl.sc.set(&d, tl.draws)
	if err := cloud.SetDurations(tl.sc.kind, d); err != nil {
		return nil, err
	}
	host := hostFor(tl.sc.kind)
	if err := cloud.AddHost(tl.sc.kind, host, tl.sc.running); err != nil {
		return nil, err
	}
	p := cloud.Provider(tl.sc.kind)
	op, err := tl.sc.act(ctx, actor{cloud: cloud, p: p, h: host})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tl.sc.label(), err)
	}
	cloud.ResetCalls()
	reach := epoch
	for _, x := range tl.draws {
		reach = reach.Add(x)
	}
	return &world{clock: clock, cloud: cloud, p: p, host: host, op: op, reachAt: reach}, nil
}

// check verifies a strategy's result against the ground truth: detected
// no earlier than the provider reached the target, and the target holds.
func (w *world) check(tl timeline, detected time.Time) error {
	if detected.Before(w.reachAt) {
		return fmt.Errorf("%s: detected at %s, before the provider reached the target at %s",
			tl.sc.label(), detected.Sub(epoch), w.reachAt.Sub(epoch))
	}
	if t := w.cloud.Truth(tl.sc.kind, w.host); !tl.sc.target.Met(t.Observation()) {
		return fmt.Errorf("%s: detected at %s but the ground truth is %s/%s", tl.sc.label(), detected.Sub(epoch), t.VM, t.Volume)
	}
	return nil
}
