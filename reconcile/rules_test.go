package reconcile_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// zoned is a GCP fleet laid out per zone, for the rules that count per
// zone; every host starts running and observed.
type zoned struct {
	t     *testing.T
	clock *clocktest.Clock
	cloud *fakes.Cloud
	store *store.MemStore
	rec   *reconcile.Reconciler
	hosts map[string][]provider.Host // zone → hosts
}

func newZoned(t *testing.T, perZone map[string]int, cfg reconcile.Config, wrap func(provider.Provider) provider.Provider) *zoned {
	t.Helper()
	z := &zoned{t: t, clock: clocktest.New(t0), store: store.NewMemStore(store.MemConfig{}), hosts: map[string][]provider.Host{}}
	z.cloud = fakes.NewCloud(z.clock, 1)
	for place, n := range perZone {
		// A place is a zone of project "proj", or "project/zone".
		project, zone, ok := strings.Cut(place, "/")
		if !ok {
			project, zone = "proj", place
		}
		for i := range n {
			h := provider.Host{Project: project, Zone: zone, Instance: fmt.Sprintf("%s-%d", zone, i), Volume: fmt.Sprintf("%s-%d-data", zone, i)}
			must(t, z.cloud.AddHost(fakes.GCP, h, true))
			_, err := z.store.Update(context.Background(), store.Write{Record: hoststate.Record{ID: h.Instance, Provider: fakes.GCP, Ref: h}})
			must(t, err)
			z.hosts[place] = append(z.hosts[place], h)
		}
	}
	p := z.cloud.Provider(fakes.GCP)
	if wrap != nil {
		p = wrap(p)
	}
	cfg.Store, cfg.Clock, cfg.Providers = z.store, z.clock, []provider.Provider{p}
	var err error
	z.rec, err = reconcile.New(cfg)
	must(t, err)
	for range 2 {
		z.tick()
	}
	return z
}

func (z *zoned) tick() reconcile.Report {
	z.t.Helper()
	z.clock.Advance(2 * time.Minute)
	rep, err := z.rec.RunOnce(context.Background())
	must(z.t, err)
	return rep
}

func (z *zoned) status(h provider.Host) hoststate.Status {
	rec, err := z.store.Get(context.Background(), h.Instance)
	must(z.t, err)
	return rec.Status
}

// Rule 4: a zone whose hosts all vanish brakes, though a healthy second
// zone in the same listing is five times bigger.
func TestBrakeCountsPerZone(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 4, "zone-b": 20}, reconcile.Config{FullSweepEvery: 1}, nil)
	for _, h := range z.hosts["zone-a"] {
		must(t, z.cloud.ConsoleDelete(fakes.GCP, h))
	}
	braked := false
	for range 6 {
		for _, b := range z.tick().Braked {
			braked = braked || strings.Contains(b, "zone-a")
		}
	}
	if !braked {
		t.Fatal("the brake did not engage for the zone that vanished")
	}
	for _, h := range z.hosts["zone-a"] {
		if s := z.status(h); s != hoststate.StatusRunning {
			t.Errorf("%s flipped to %s through the brake", h.Instance, s)
		}
	}
}

// Rule 4: drift that takes hosts out of running a few per tick — never
// enough for the brake — stops at the zone's windowed budget.
func TestDisruptionBudgetCapsSlowDisappearance(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 20}, reconcile.Config{FullSweepEvery: 1}, nil)
	for _, h := range z.hosts["zone-a"][:12] {
		must(t, z.cloud.ConsoleStop(fakes.GCP, h))
		z.tick()
	}
	for range 5 {
		z.tick()
	}
	off := 0
	for _, h := range z.hosts["zone-a"] {
		if z.status(h) == hoststate.StatusOff {
			off++
		}
	}
	// The budget is max(BrakeMinHosts=4, 25% of 20) = 5 an hour.
	if off != 5 {
		t.Fatalf("%d of 12 console-stopped hosts went off within the hour, want the budget of 5", off)
	}
	z.clock.Advance(time.Hour)
	for range 8 {
		z.tick()
	}
	off = 0
	for _, h := range z.hosts["zone-a"] {
		if z.status(h) == hoststate.StatusOff {
			off++
		}
	}
	if off <= 5 {
		t.Fatalf("after the window, still only %d off", off)
	}
}

// Rule 5: one rate limit stops the provider for the rest of the tick.
// (GCP lists a project, so the scopes are three projects.)
func TestOneRateLimitStopsTheProvider(t *testing.T) {
	z := newZoned(t, map[string]int{"proj-a/zone-a": 3, "proj-b/zone-b": 3, "proj-c/zone-c": 3}, reconcile.Config{FullSweepEvery: 1}, nil)
	must(t, z.cloud.SetFaults(fakes.GCP, fakes.Faults{RateLimitRate: 1, RateLimitBurst: 100, RetryAfter: time.Minute}))
	z.cloud.ResetCalls()
	rep := z.tick()
	if n := z.cloud.Calls(fakes.GCP).Total(); n != 1 {
		t.Fatalf("%d calls after the first 429, want 1", n)
	}
	if rep.Deferred == 0 {
		t.Fatal("the other scopes were not deferred")
	}
	z.cloud.ResetCalls()
	z.clock.Advance(30 * time.Second) // inside the 1 min hint
	if _, err := z.rec.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := z.cloud.Calls(fakes.GCP).Total(); n > 1 {
		t.Fatalf("%d calls inside the hint", n)
	}
}

// Rule 2: backoff never outlives the outage by more than one interval.
func TestRecoveryWithinOneIntervalOfTheOutage(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 3}, reconcile.Config{FullSweepEvery: 1}, nil)
	// A rate-limit storm whose hint alone backs off for 15 minutes.
	must(t, z.cloud.SetFaults(fakes.GCP, fakes.Faults{RateLimitRate: 1, RateLimitBurst: 1000, RetryAfter: 15 * time.Minute}))
	for i := range 15 {
		z.cloud.ResetCalls()
		rep := z.tick()
		// Backed off, yet one half-open call per interval looks for the end.
		if n := z.cloud.Calls(fakes.GCP).Total(); i > 0 && (n != 1 || len(rep.BackedOff) == 0) {
			t.Fatalf("tick %d of the storm: %d calls, backed off %v; want one half-open call", i, n, rep.BackedOff)
		}
	}
	must(t, z.cloud.SetFaults(fakes.GCP, fakes.Faults{}))
	must(t, z.cloud.ConsoleStop(fakes.GCP, z.hosts["zone-a"][0]))
	recovered := -1
	for i := range 5 {
		if rep := z.tick(); len(rep.BackedOff) == 0 && rep.Errors == 0 && rep.Probed > 0 {
			recovered = i
			break
		}
	}
	if recovered < 0 || recovered > 1 {
		t.Fatalf("recovered after %d ticks, want within one interval", recovered)
	}
}

// Rule 3: a listing observes every host of its scope, not only the
// selected ones: an off host started from the console is seen as soon as
// any host of its zone is due.
func TestListingObservesTheWholeScope(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 2}, reconcile.Config{FullSweepEvery: 1000}, nil)
	quiet, due := z.hosts["zone-a"][0], z.hosts["zone-a"][1]
	must(t, z.cloud.ConsoleStop(fakes.GCP, quiet))
	for range 2 {
		z.clock.Advance(5 * time.Minute)
		_, err := z.rec.ReconcileNow(context.Background(), quiet.Instance)
		must(t, err)
	}
	if z.status(quiet) != hoststate.StatusOff {
		t.Fatalf("setup: %s", z.status(quiet))
	}
	must(t, z.cloud.ConsoleStart(fakes.GCP, quiet))
	must(t, z.cloud.ConsoleStop(fakes.GCP, due)) // makes "due" stale and selected
	z.clock.Advance(5 * time.Minute)
	for range 3 {
		z.tick()
	}
	if s := z.status(quiet); s != hoststate.StatusRunning {
		t.Fatalf("an off host started from the console is %s after three ticks of its scope's listing", s)
	}
}

// Rule 3: a full sweep lost to an outage runs at the provider's next
// successful tick, not a whole sweep period later.
func TestLostFullSweepRunsNextTick(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 2}, reconcile.Config{FullSweepEvery: 3}, func(p provider.Provider) provider.Provider { return probeOnly{p} })
	h := z.hosts["zone-a"][0]
	must(t, z.cloud.ConsoleStop(fakes.GCP, h))
	for range 2 {
		z.clock.Advance(5 * time.Minute)
		_, err := z.rec.ReconcileNow(context.Background(), h.Instance)
		must(t, err)
	}
	if z.status(h) != hoststate.StatusOff {
		t.Fatalf("setup: %s", z.status(h))
	}
	must(t, z.cloud.ConsoleStart(fakes.GCP, h)) // only a full sweep looks at an off host
	for {
		must(t, z.cloud.SetFaults(fakes.GCP, fakes.Faults{ErrorRate: 1}))
		if rep := z.tick(); rep.FullSweep {
			break
		}
	}
	must(t, z.cloud.SetFaults(fakes.GCP, fakes.Faults{}))
	for range 4 {
		z.clock.Advance(15 * time.Minute) // past any backoff
		z.tick()
	}
	if s := z.status(h); s != hoststate.StatusRunning {
		t.Fatalf("%s after the lost sweep, want running", s)
	}
}

// blockingStore blocks List until released, to hold a tick in flight.
type blockingStore struct {
	*store.MemStore
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *blockingStore) List(ctx context.Context, f store.Filter) ([]hoststate.Record, error) {
	s.once.Do(func() { close(s.entered); <-s.release })
	return s.MemStore.List(ctx, f)
}

// AppendList blocks as List does: the embedded MemStore's would not.
func (s *blockingStore) AppendList(ctx context.Context, dst []hoststate.Record, f store.Filter) ([]hoststate.Record, error) {
	recs, err := s.List(ctx, f)
	return append(dst, recs...), err
}

// Rule 13: a RunOnce waiting for the previous tick honours its context.
func TestRunOnceWaitingHonoursItsContext(t *testing.T) {
	f := newFleet(t, 1, 1, 50, reconcile.Config{})
	bs := &blockingStore{MemStore: f.store, entered: make(chan struct{}), release: make(chan struct{})}
	r, err := reconcile.New(reconcile.Config{Store: bs, Clock: f.clock, Providers: []provider.Provider{f.cloud.Provider(fakes.GCP)}})
	must(t, err)
	done := make(chan struct{})
	go func() { defer close(done); _, _ = r.RunOnce(context.Background()) }()
	<-bs.entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	second := make(chan error, 1)
	go func() { _, err := r.RunOnce(ctx); second <- err }()
	select {
	case err := <-second:
		if err != context.Canceled {
			t.Errorf("a RunOnce behind a running tick returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second): // a failure detector, not a timing assertion
		t.Error("a RunOnce behind a running tick ignored its cancelled context")
	}
	close(bs.release)
	<-done
}

// A tick whose decisions change nothing but the observation time writes
// nothing — until the stored ObservedAt would lag a full-sweep period.
func TestUnchangedDecisionsAreNotWritten(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 5}, reconcile.Config{FullSweepEvery: 3}, nil)
	versions := func() (sum uint64) {
		for _, h := range z.hosts["zone-a"] {
			rec, _ := z.store.Get(context.Background(), h.Instance)
			sum += rec.Version
		}
		return sum
	}
	before := versions()
	z.tick() // 2 min after the last write: within the 3 × 2 min bound
	if after := versions(); after != before {
		t.Fatalf("a quiet full sweep wrote %d versions", after-before)
	}
	for range 3 {
		z.tick()
	}
	if versions() == before {
		t.Fatal("ObservedAt never refreshed past its lag bound")
	}
}

// A listing's VM id reaches the record as a probe's does: the host's
// identity is pinned whichever way the reconciler looked.
func TestListingRecordsTheVMID(t *testing.T) {
	z := newZoned(t, map[string]int{"zone-a": 3}, reconcile.Config{FullSweepEvery: 1}, nil)
	for _, h := range z.hosts["zone-a"] {
		vm, ok := z.cloud.RawVM(fakes.GCP, h.Instance)
		if !ok || vm.ID == "" {
			t.Fatalf("setup: %s has no VM id", h.Instance)
		}
		rec, err := z.store.Get(context.Background(), h.Instance)
		must(t, err)
		if rec.VMID != vm.ID {
			t.Errorf("%s: record VMID %q after listed ticks, want %q", h.Instance, rec.VMID, vm.ID)
		}
	}
}

// limitedProbes lists like its adapter but answers every probe with a
// rate limit, counting them.
type limitedProbes struct {
	provider.Provider
	provider.Lister
	probes *int
}

func (p limitedProbes) Probe(context.Context, provider.Host) (hoststate.Observation, error) {
	*p.probes++
	return hoststate.Observation{}, &provider.RateLimitError{Provider: p.Name(), RetryAfter: 10 * time.Minute, Err: errors.New("429")}
}

// Rule 5 for the probes that verify a listing's absences: the first rate
// limit stops the provider for the rest of the tick (the other vanished
// hosts wait) and backs it off, as any probe's does.
func TestRateLimitedAbsenceProbeStopsTheTick(t *testing.T) {
	probes := 0
	z := newZoned(t, map[string]int{"zone-a": 4}, reconcile.Config{FullSweepEvery: 1}, func(p provider.Provider) provider.Provider {
		return limitedProbes{Provider: p, Lister: p.(provider.Lister), probes: &probes}
	})
	for _, h := range z.hosts["zone-a"][:3] {
		must(t, z.cloud.ConsoleDelete(fakes.GCP, h))
	}
	rep := z.tick()
	if probes != 1 || rep.Deferred < 2 {
		t.Fatalf("%d absence probes, %d deferred: after the first rate limit the others must wait", probes, rep.Deferred)
	}
	rep = z.tick()
	if len(rep.BackedOff) == 0 || probes > 2 {
		t.Errorf("next tick: backed off %v, %d probes in all; want the provider backed off, with at most its one half-open probe", rep.BackedOff, probes)
	}
}

// Between sweeps, a listing provider's scope costs the cheaper of its
// listing and its due hosts' probes: one due host of a scope whose listing
// takes several pages is probed alone; as many due hosts as pages list the
// scope.
func TestDueHostsCostNoMoreThanTheirScopesListing(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(t0)
	cloud := fakes.NewCloud(clk, 1, fakes.WithPageSize(5))
	st := store.NewMemStore(store.MemConfig{})
	var ids []string
	for i := range 20 {
		h := provider.Host{Project: "proj", Zone: "zone-a", Instance: fmt.Sprintf("vm-%02d", i), Volume: fmt.Sprintf("vm-%02d-data", i)}
		must(t, cloud.AddHost(fakes.GCP, h, true))
		_, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: h.Instance, Provider: fakes.GCP, Ref: h}})
		must(t, err)
		ids = append(ids, h.Instance)
	}
	rec, err := reconcile.New(reconcile.Config{Store: st, Clock: clk, Providers: []provider.Provider{cloud.Provider(fakes.GCP)}, FullSweepEvery: 1000})
	must(t, err)
	if rep, err := rec.RunOnce(ctx); err != nil || !rep.FullSweep {
		t.Fatalf("first tick: %+v, %v", rep, err)
	}
	pages := cloud.Calls(fakes.GCP)[fakes.MethodListPage]
	if pages < 3 {
		t.Fatalf("setup: the scope's listing took %d pages", pages)
	}
	// The daemons of all but the first due hosts heartbeat: only those
	// are due.
	beat := func(due int) {
		for _, id := range ids[due:] {
			_, err := kernel.Modify(ctx, st, id, func(cur hoststate.Record) (store.Write, error) {
				if !cur.Heartbeat(clk.Now(), hoststate.Policy{}) {
					t.Fatalf("%s is %s", id, cur.Status)
				}
				return store.Write{Record: cur}, nil
			})
			must(t, err)
		}
	}
	for _, tc := range []struct {
		due           int
		probes, lists int
	}{
		{1, 1, 0},
		{pages - 1, pages - 1, 0},
		{pages, 0, pages},
	} {
		clk.Advance(3 * time.Minute) // every earlier heartbeat is stale now
		beat(tc.due)
		cloud.ResetCalls()
		rep, err := rec.RunOnce(ctx)
		must(t, err)
		got := cloud.Calls(fakes.GCP)
		if got[fakes.MethodProbe] != tc.probes || got[fakes.MethodListPage] != tc.lists || rep.Selected != tc.due {
			t.Errorf("%d due of %d pages: selected %d, calls %v; want %d probes, %d listing pages", tc.due, pages, rep.Selected, got, tc.probes, tc.lists)
		}
	}
}

// costFleet is a GCP fleet over several projects whose listings span
// pages, settled, every daemon heartbeating: dueHosts makes exactly the
// given hosts due.
type costFleet struct {
	t     *testing.T
	clk   *clocktest.Clock
	cloud *fakes.Cloud
	st    *store.MemStore
	rec   *reconcile.Reconciler
	ids   map[string][]string // project → host ids
}

func newCostFleet(t *testing.T, projects, perProject int, wrap func(provider.Provider) provider.Provider) *costFleet {
	t.Helper()
	ctx := context.Background()
	f := &costFleet{t: t, clk: clocktest.New(t0), st: store.NewMemStore(store.MemConfig{}), ids: map[string][]string{}}
	f.cloud = fakes.NewCloud(f.clk, 1, fakes.WithPageSize(5))
	for p := range projects {
		project := fmt.Sprintf("proj-%02d", p)
		for i := range perProject {
			h := provider.Host{Project: project, Zone: "zone-a", Instance: fmt.Sprintf("%s-vm-%02d", project, i), Volume: fmt.Sprintf("%s-vm-%02d-data", project, i)}
			must(t, f.cloud.AddHost(fakes.GCP, h, true))
			_, err := f.st.Update(ctx, store.Write{Record: hoststate.Record{ID: h.Instance, Provider: fakes.GCP, Ref: h}})
			must(t, err)
			f.ids[project] = append(f.ids[project], h.Instance)
		}
	}
	p := f.cloud.Provider(fakes.GCP)
	if wrap != nil {
		p = wrap(p)
	}
	var err error
	f.rec, err = reconcile.New(reconcile.Config{Store: f.st, Clock: f.clk, Providers: []provider.Provider{p}, FullSweepEvery: 1000})
	must(t, err)
	if rep, err := f.rec.RunOnce(ctx); err != nil || !rep.FullSweep {
		t.Fatalf("first tick: %+v, %v", rep, err)
	}
	return f
}

// dueHosts lets every earlier heartbeat go stale, then heartbeats every
// host but the first due[project] of each project.
func (f *costFleet) dueHosts(due map[string]int) {
	f.t.Helper()
	f.clk.Advance(3 * time.Minute)
	for project, ids := range f.ids {
		for _, id := range ids[due[project]:] {
			_, err := kernel.Modify(context.Background(), f.st, id, func(cur hoststate.Record) (store.Write, error) {
				if !cur.Heartbeat(f.clk.Now(), hoststate.Policy{}) {
					f.t.Fatalf("%s is %s", id, cur.Status)
				}
				return store.Write{Record: cur}, nil
			})
			must(f.t, err)
		}
	}
}

// Rule 5 across the cost split: a rate limit met by a due host's own
// probe stops the provider for the rest of the tick, so the scopes that
// were to be listed are not.
func TestProbeRateLimitStopsTheTicksListings(t *testing.T) {
	probes := 0
	f := newCostFleet(t, 2, 20, func(p provider.Provider) provider.Provider {
		return limitedProbes{Provider: p, Lister: p.(provider.Lister), probes: &probes}
	})
	// proj-00: one due host of four pages (probed); proj-01: all due (listed).
	f.dueHosts(map[string]int{"proj-00": 1, "proj-01": 20})
	f.cloud.ResetCalls()
	rep, err := f.rec.RunOnce(context.Background())
	must(t, err)
	if probes != 1 || f.cloud.Calls(fakes.GCP)[fakes.MethodListPage] != 0 || rep.Deferred != 20 {
		t.Errorf("%d probes, listing calls %v, %d deferred; want the rate-limited probe alone and proj-01's 20 hosts deferred",
			probes, f.cloud.Calls(fakes.GCP), rep.Deferred)
	}
}

// The page counts learned by the full sweep outlast ticks that list only
// some scopes: a lone due host of any scope is probed, not listed, however
// many scopes the provider has.
func TestScopeSizesOutlastPartialTicks(t *testing.T) {
	f := newCostFleet(t, 25, 10, nil) // 2 pages each
	for tick, due := range []map[string]int{
		{"proj-00": 2},               // as many due as pages: listed
		{"proj-01": 1, "proj-02": 1}, // lone due hosts: probed
		{"proj-24": 1},
	} {
		f.dueHosts(due)
		f.cloud.ResetCalls()
		_, err := f.rec.RunOnce(context.Background())
		must(t, err)
		wantProbes, wantPages := 0, 0
		for _, n := range due {
			if n >= 2 {
				wantPages += 2
			} else {
				wantProbes += n
			}
		}
		got := f.cloud.Calls(fakes.GCP)
		if got[fakes.MethodProbe] != wantProbes || got[fakes.MethodListPage] != wantPages {
			t.Errorf("tick %d, due %v: calls %v, want %d probes and %d listing pages", tick, due, got, wantProbes, wantPages)
		}
	}
}
