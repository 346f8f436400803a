package waiter_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// staleReads answers two probes in three, for window after a stop, with
// what the API said before the stop: an eventually consistent API.
type staleReads struct {
	provider.Provider
	clock  *clocktest.Clock
	window time.Duration

	mu      sync.Mutex
	stopped time.Time
	before  hoststate.Observation
	n       int
}

func (s *staleReads) Stop(ctx context.Context, h provider.Host) (provider.Operation, error) {
	before, err := s.Provider.Probe(ctx, h)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.stopped, s.before = s.clock.Now(), before
	s.mu.Unlock()
	return s.Provider.Stop(ctx, h)
}

func (s *staleReads) Probe(ctx context.Context, h provider.Host) (hoststate.Observation, error) {
	s.mu.Lock()
	s.n++
	stale := !s.stopped.IsZero() && s.clock.Now().Sub(s.stopped) < s.window && s.n%3 != 0
	before := s.before
	s.mu.Unlock()
	if stale {
		return before, nil
	}
	return s.Provider.Probe(ctx, h)
}

// Rule 1: a provider that keeps answering the pre-stop state for minutes
// never makes the host running again — not in the waiter, whose
// confirmations are spaced past the window, and not in the reconciler
// right after.
func TestStaleReadsAfterAStopNeverMakeTheHostRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 6 * time.Minute
		clock := clocktest.New(t0)
		cloud := fakes.NewCloud(clock, 1)
		h := hostOf(fakes.Nebius, 0)
		if err := cloud.AddHost(fakes.Nebius, h, true); err != nil {
			t.Fatal(err)
		}
		sr := &staleReads{Provider: probeOnly{cloud.Provider(fakes.Nebius)}, clock: clock, window: window}
		reg, err := kernel.New(kernel.Config{Providers: []provider.Provider{sr}, ConsistencyWindow: map[string]time.Duration{fakes.Nebius: window}})
		if err != nil {
			t.Fatal(err)
		}
		st := &checkedStore{MemStore: store.NewMemStore(store.MemConfig{Now: clock.Now})}
		if _, err := st.Update(t.Context(), store.Write{Record: hoststate.Record{ID: "h", Provider: fakes.Nebius, Ref: h, Status: hoststate.StatusRunning, Since: t0}}); err != nil {
			t.Fatal(err)
		}
		a, err := waiter.New(waiter.Config{Store: st, Registry: reg, Clock: clock, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rec := drive(t, t.Context(), clock, time.Hour, nil, func() hoststate.Record {
			rec, err := a.Stop(t.Context(), "h")
			if err != nil {
				t.Error(err)
			}
			return rec
		})
		if rec.Status != hoststate.StatusOff {
			t.Fatalf("stop ended %s", rec.Status)
		}
		r, err := reconcile.New(reconcile.Config{Store: st, Registry: reg, Clock: clock, FullSweepEvery: 1, Interval: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		for range 15 {
			clock.Advance(time.Minute)
			if _, err := r.RunOnce(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range st.statuses()[1:] { // after the setup's insert
			if s == hoststate.StatusRunning {
				t.Fatalf("writes %v: a stale read made the stopped host running", st.statuses())
			}
		}
	})
}

// probeOnly hides an adapter's listing, so every observation goes through
// Probe.
type probeOnly struct{ provider.Provider }
