package reconcile_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// TestDryRunDecidesWithoutWriting: shadow mode reports the drift it would
// repair and writes nothing, tick after tick.
func TestDryRunDecidesWithoutWriting(t *testing.T) {
	f := newFleet(t, 1, 4, 50, reconcile.Config{DryRun: true, FullSweepEvery: 1})
	before := map[string]uint64{}
	for _, h := range f.hosts {
		before[h.ID] = f.get(h.ID).Version
	}
	var changes int
	for range 3 {
		rep := f.tick()
		if !rep.DryRun {
			t.Fatal("report does not say dry run")
		}
		changes += len(rep.Changes)
	}
	if changes == 0 {
		t.Fatal("dry run reported no decisions for never-observed hosts")
	}
	for _, h := range f.hosts {
		if got := f.get(h.ID).Version; got != before[h.ID] {
			t.Fatalf("%s written in dry run (version %d -> %d)", h.ID, before[h.ID], got)
		}
	}
	if _, err := f.rec.ReconcileNow(context.Background(), f.hosts[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := f.get(f.hosts[0].ID).Version; got != before[f.hosts[0].ID] {
		t.Fatal("ReconcileNow wrote in dry run")
	}
}

// TestRunHandsEachReportToOnReport, and makes one span per tick.
func TestRunHandsEachReportToOnReport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		spans := tracetest.NewSpanRecorder()
		tp := trace.NewTracerProvider(trace.WithSpanProcessor(spans))
		reports := make(chan reconcile.Report, 10)
		f := newFleet(t, 1, 2, 50, reconcile.Config{
			Interval: time.Minute, OnReport: func(r reconcile.Report) { reports <- r }, TracerProvider: tp,
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- f.rec.Run(ctx) }()
		for range 3 {
			synctest.Wait()
			f.clock.Advance(2 * time.Minute)
		}
		synctest.Wait()
		cancel()
		<-done
		close(reports)
		var ticks []int
		for r := range reports {
			ticks = append(ticks, r.Tick)
		}
		if len(ticks) < 3 || ticks[0] != 1 || ticks[2] != 3 {
			t.Fatalf("reports for ticks %v, want 1, 2, 3, ...", ticks)
		}
		n := 0
		for _, s := range spans.Ended() {
			if s.Name() == "driftless.reconcile.tick" {
				n++
			}
		}
		if n != len(ticks) {
			t.Fatalf("%d tick spans for %d ticks", n, len(ticks))
		}
	})
}

// A dry run reports a drift flip once its confirmations would have added
// up, though it writes none of them, and reports each flip once.
func TestDryRunConfirmsDrift(t *testing.T) {
	f := newFleet(t, 1, 2, 50, reconcile.Config{FullSweepEvery: 1})
	for range 3 {
		f.tick()
	}
	h := f.hosts[0]
	if s := f.get(h.ID).Status; s != hoststate.StatusRunning {
		t.Fatalf("setup: %s", s)
	}
	must(t, f.cloud.ConsoleStop(h.Provider, h.Ref))
	var provs []provider.Provider
	for _, k := range fakes.Kinds() {
		provs = append(provs, f.cloud.Provider(k))
	}
	shadow, err := reconcile.New(reconcile.Config{Store: f.store, Clock: f.clock, Providers: provs, DryRun: true, FullSweepEvery: 1})
	must(t, err)
	version := f.get(h.ID).Version
	flips := 0
	for range 10 {
		f.clock.Advance(2 * time.Minute)
		rep, err := shadow.RunOnce(context.Background())
		must(t, err)
		for _, c := range rep.Changes {
			if c.ID == h.ID && c.Change.To == hoststate.StatusOff {
				flips++
			}
		}
	}
	if flips != 1 {
		t.Errorf("the dry run reported the console stop's flip to off %d times, want once", flips)
	}
	if got := f.get(h.ID); got.Version != version || got.Status != hoststate.StatusRunning {
		t.Errorf("the dry run wrote: %s (version %d -> %d)", got.Status, version, got.Version)
	}
}

// Check and a dry ReconcileNow decide with the provider's policy, as a
// written decision does: within the provider's consistency window of a
// status change, a contradicting read is a stale read, not a first
// confirmation.
func TestCheckUsesTheProvidersPolicy(t *testing.T) {
	window := func(c *kernel.Config) { c.ConsistencyWindow = map[string]time.Duration{fakes.GCP: time.Hour} }
	for _, dry := range []bool{false, true} {
		f := newFleet(t, 1, 2, 50, reconcile.Config{FullSweepEvery: 1, DryRun: dry}, window)
		h := f.hosts[0] // gcp, running
		rec := f.get(h.ID)
		rec.Status, rec.Since = hoststate.StatusRunning, f.clock.Now()
		_, err := f.store.Update(context.Background(), store.Write{Record: rec})
		must(t, err)
		must(t, f.cloud.ConsoleStop(h.Provider, h.Ref))
		f.clock.Advance(5 * time.Minute)
		res, err := f.rec.Check(context.Background(), h.ID)
		must(t, err)
		if res.Decision.Reason != hoststate.ReasonStaleRead {
			t.Errorf("Check within the provider's consistency window: %v, want %v", res.Decision.Reason, hoststate.ReasonStaleRead)
		}
		if dry {
			ch, err := f.rec.ReconcileNow(context.Background(), h.ID)
			must(t, err)
			if ch.Reason != hoststate.ReasonStaleRead {
				t.Errorf("dry ReconcileNow within the window: %v, want %v", ch.Reason, hoststate.ReasonStaleRead)
			}
		}
	}
}
