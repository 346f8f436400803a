package reconcile_test

import (
	"context"
	"errors"
	"fmt"
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

var t0 = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

// fleet is a reconciler over a simulated cloud with hosts of every kind,
// plus the control plane's side: user actions sent like a waiter would.
// tb is what the fleet needs of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

type fleet struct {
	t     tb
	clock *clocktest.Clock
	cloud *fakes.Cloud
	store *store.MemStore
	rec   *reconcile.Reconciler
	hosts []hoststate.Record // as added; the store holds the live ones
}

// limits tunes the kernel registry newFleet builds.
type limits func(*kernel.Config)

func newFleet(t tb, seed int64, perKind, pageSize int, cfg reconcile.Config, tune ...limits) *fleet {
	f := &fleet{t: t, clock: clocktest.New(t0), store: store.NewMemStore(store.MemConfig{})}
	f.cloud = fakes.NewCloud(f.clock, seed, fakes.WithPageSize(pageSize))
	var provs []provider.Provider
	for _, k := range fakes.Kinds() {
		provs = append(provs, f.cloud.Provider(k))
		for i := range perKind {
			h := provider.Host{Project: "proj", Zone: "us-central1-a", Region: "region-1",
				Instance: fmt.Sprintf("%s-%d", k, i), Volume: fmt.Sprintf("vol-%s-%d", k, i)}
			switch k {
			case fakes.Lambda:
				h.Volume = ""
			case fakes.Hyperstack:
				h.Volume = fmt.Sprint(1000 + i) // Hyperstack volumes are decimal ids
			}
			if err := f.cloud.AddHost(k, h, i%2 == 0); err != nil {
				t.Fatal(k, err)
			}
			rec := hoststate.Record{ID: k + "/" + h.Instance, Provider: k, Ref: h}
			if _, err := f.store.Update(context.Background(), store.Write{Record: rec}); err != nil {
				t.Fatal(err)
			}
			f.hosts = append(f.hosts, rec)
		}
	}
	kc := kernel.Config{Providers: provs}
	for _, tn := range tune {
		tn(&kc)
	}
	reg, err := kernel.New(kc)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store == nil {
		cfg.Store = f.store
	}
	cfg.Clock, cfg.Registry = f.clock, reg
	if f.rec, err = reconcile.New(cfg); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fleet) get(id string) hoststate.Record {
	r, err := f.store.Get(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fleet) tick() reconcile.Report {
	rep, err := f.rec.RunOnce(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return rep
}

// act sends user action a for host id the way a waiter does: apply and
// write the transitional status first, then call the provider; a
// definitive refusal becomes error, a transient failure leaves the
// transitional status for the reconciler.
func (f *fleet) act(id string, a hoststate.Action) error {
	ctx := context.Background()
	rec := f.get(id)
	p := f.cloud.Provider(rec.Provider)
	var call func(context.Context, provider.Host) (provider.Operation, error)
	switch a {
	case hoststate.ActionStart, hoststate.ActionRetry, hoststate.ActionStop, hoststate.ActionReboot, hoststate.ActionDeprovision:
		if p.Supports(rec.Ref, a) == nil {
			call = provider.ActionCall(p, a)
		}
	}
	if call == nil {
		return provider.ErrUnsupported // a control plane does not offer it: nothing written
	}
	next := rec
	err := next.Apply(a, f.clock.Now())
	if err != nil {
		return err
	}
	if next, err = f.store.Update(ctx, store.Write{Record: next}); err != nil {
		return err
	}
	if _, err = call(ctx, rec.Ref); err != nil && !provider.Transient(err) {
		if next.Fail(err.Error(), f.clock.Now()) == nil {
			_, _ = f.store.Update(ctx, store.Write{Record: next})
		}
	}
	return err
}

// TestListerCallsArePages: a tick costs a listing provider one call per
// page, plus, on the first look at never-observed hosts, one probe per
// host whose VM (or volume) the listing leaves out (a listing may omit
// entries); once observed, only the pages.
func TestListerCallsArePages(t *testing.T) {
	for _, tt := range []struct{ hosts, page int }{{1, 50}, {50, 50}, {51, 50}, {125, 10}} {
		f := newFleet(t, 1, tt.hosts, tt.page, reconcile.Config{FullSweepEvery: 1}, func(c *kernel.Config) { c.Burst = 10000 })
		pages := (tt.hosts + tt.page - 1) / tt.page
		for tick, first := range []bool{true, false} {
			f.cloud.ResetCalls()
			rep := f.tick()
			total := 0
			for _, k := range fakes.Kinds() {
				// A provider without a Lister (self-host, whose probes cost no
				// request) is probed host by host.
				want := tt.hosts
				if _, lists := f.cloud.Provider(k).(provider.Lister); lists {
					want = pages
					for _, h := range f.hosts {
						if first && h.Provider == k && f.cloud.Truth(k, h.Ref).VM == hoststate.VMAbsent {
							want++
						}
					}
				}
				total += want
				if got := f.cloud.Calls(k).Total(); got != want {
					t.Errorf("%d hosts, page %d, %s, tick %d: %d calls %v, want %d", tt.hosts, tt.page, k, tick, got, f.cloud.Calls(k), want)
				}
			}
			if rep.ProviderCalls != total {
				t.Errorf("tick %d: report counts %d calls, want %d", tick, rep.ProviderCalls, total)
			}
			f.clock.Advance(time.Minute)
		}
	}
}

func TestFleetConvergesAndRepairsDrift(t *testing.T) {
	f := newFleet(t, 7, 4, 50, reconcile.Config{})
	for range 3 {
		f.tick()
		f.clock.Advance(2 * time.Minute)
	}
	f.assertConverged(t)
	// Someone stops and deletes VMs from the consoles.
	must(t, f.cloud.ConsoleStop(fakes.GCP, f.hosts[0].Ref))
	must(t, f.cloud.ConsoleDelete(fakes.Nebius, f.hosts[4].Ref))
	must(t, f.cloud.ConsoleStart(fakes.Hyperstack, f.hosts[9].Ref))
	for range 20 {
		f.tick()
		f.clock.Advance(2 * time.Minute)
	}
	f.assertConverged(t)
}

func (f *fleet) assertConverged(t *testing.T) {
	t.Helper()
	for _, h := range f.hosts {
		want, settled := f.cloud.Truth(h.Provider, h.Ref).Status()
		got := f.get(h.ID)
		if settled && got.Status != want {
			t.Errorf("%s: status %v, ground truth says %v (%s)", h.ID, got.Status, want, got.ProviderStatus)
		}
	}
}

// TestPartialListingFlipsNothing: a listing that silently omits every
// entry makes no host off or deprovisioned — absence from a listing is
// verified with the provider's own answer about the host first.
func TestPartialListingFlipsNothing(t *testing.T) {
	f := newFleet(t, 3, 8, 50, reconcile.Config{})
	for range 3 {
		f.tick()
		f.clock.Advance(2 * time.Minute)
	}
	must(t, f.cloud.SetFaults(fakes.GCP, fakes.Faults{PartialListRate: 1}))
	verified := false
	for range 4 {
		rep := f.tick()
		f.clock.Advance(2 * time.Minute)
		verified = verified || f.cloud.Calls(fakes.GCP).Total() > 0 && rep.Probed > 0
	}
	if !verified {
		t.Fatal("nothing observed")
	}
	for _, h := range f.hosts {
		if h.Provider == fakes.GCP && f.get(h.ID).Status != hoststate.StatusRunning && f.cloud.Truth(fakes.GCP, h.Ref).VM == hoststate.VMRunning {
			t.Errorf("%s flipped to %v on a partial listing", h.ID, f.get(h.ID).Status)
		}
	}
}

// TestPartialListingFlipsNoNeverObservedHost: a control plane adopts
// hosts whose stored statuses the reconciler has never observed; listings
// that keep omitting their entries move none of them, whatever the
// record says (the absence is checked with the host's own probe).
func TestPartialListingFlipsNoNeverObservedHost(t *testing.T) {
	f := newFleet(t, 4, 8, 50, reconcile.Config{})
	ctx := context.Background()
	stored := map[string]hoststate.Status{}
	for _, h := range f.hosts {
		rec := f.get(h.ID)
		if s, settled := f.cloud.Truth(h.Provider, h.Ref).Status(); settled {
			rec.Status = s // what the control plane's own database says
		}
		if _, err := f.store.Update(ctx, store.Write{Record: rec}); err != nil {
			t.Fatal(err)
		}
		stored[h.ID] = rec.Status
	}
	must(t, f.cloud.SetFaults("", fakes.Faults{PartialListRate: 1}))
	for range 4 {
		f.tick()
		f.clock.Advance(2 * time.Minute)
	}
	for _, h := range f.hosts {
		got := f.get(h.ID)
		if want, settled := f.cloud.Truth(h.Provider, h.Ref).Status(); settled && got.Status != want {
			t.Errorf("%s: stored %v, now %v, truth %v (listings omitted it)", h.ID, stored[h.ID], got.Status, want)
		}
	}
}

// volumesLeftOut lists like its provider but leaves out every volume.
type volumesLeftOut struct {
	provider.Provider
	lister provider.Lister
}

func (v volumesLeftOut) Scope(h provider.Host) string { return v.lister.Scope(h) }

func (v volumesLeftOut) ListPage(ctx context.Context, scope, token string) (provider.ListPage, error) {
	page, err := v.lister.ListPage(ctx, scope, token)
	page.Volumes = nil
	return page, err
}

// TestListingLeavingOutAVolumeIsChecked: an adopted running host whose
// listings list its VM but leave out its data volume is probed at its
// first look, so no unverified "volume absent" is recorded that later
// omissions would agree with: once the VM stops, the host is off, not
// "data volume missing".
func TestListingLeavingOutAVolumeIsChecked(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(t0)
	cloud := fakes.NewCloud(clk, 1)
	st := store.NewMemStore(store.MemConfig{})
	h := provider.Host{Project: "proj", Zone: "zone-a", Instance: "vm-1", Volume: "vm-1-data"}
	must(t, cloud.AddHost(fakes.GCP, h, true))
	_, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: "vm-1", Provider: fakes.GCP, Ref: h, Status: hoststate.StatusRunning}})
	must(t, err)
	p := cloud.Provider(fakes.GCP)
	rec, err := reconcile.New(reconcile.Config{Store: st, Clock: clk, FullSweepEvery: 1,
		Providers: []provider.Provider{volumesLeftOut{p, p.(provider.Lister)}}})
	must(t, err)
	_, err = rec.RunOnce(ctx)
	must(t, err)
	if got, _ := st.Get(ctx, "vm-1"); got.ObservedVolume != hoststate.VolumePresent {
		t.Fatalf("first look recorded the volume %v, want the probe's present", got.ObservedVolume)
	}
	must(t, cloud.ConsoleStop(fakes.GCP, h))
	for range 6 {
		clk.Advance(time.Minute)
		_, err = rec.RunOnce(ctx)
		must(t, err)
	}
	if got, _ := st.Get(ctx, "vm-1"); got.Status != hoststate.StatusOff {
		t.Errorf("stopped with its volume there: %v (%q), want off", got.Status, got.Reason)
	}
}

func TestFailedCallsChangeNothingAndBackOff(t *testing.T) {
	f := newFleet(t, 5, 3, 50, reconcile.Config{})
	for range 3 {
		f.tick()
		f.clock.Advance(2 * time.Minute)
	}
	before := map[string]hoststate.Status{}
	for _, h := range f.hosts {
		before[h.ID] = f.get(h.ID).Status
	}
	must(t, f.cloud.SetFaults("", fakes.Faults{ErrorRate: 1}))
	for _, h := range f.hosts {
		_ = f.cloud.ConsoleStop(h.Provider, h.Ref) // hosts already off refuse; that is fine
	}
	rep := f.tick()
	if rep.Errors == 0 {
		t.Fatal("no errors reported")
	}
	// Full jitter may make a backoff arbitrarily short: tick again at once.
	rep = f.tick()
	if len(rep.BackedOff) != len(fakes.Kinds()) {
		t.Errorf("backed off %v, want every provider", rep.BackedOff)
	}
	for _, h := range f.hosts {
		if got := f.get(h.ID).Status; got != before[h.ID] {
			t.Errorf("%s: a failed call moved %v to %v", h.ID, before[h.ID], got)
		}
	}
}

// probeOnly hides an adapter's listing, so the reconciler probes host by
// host.
type probeOnly struct{ provider.Provider }

func TestCapDefersOldestFirst(t *testing.T) {
	f := newFleet(t, 1, 5, 50, reconcile.Config{})
	var provs []provider.Provider
	for _, k := range fakes.Kinds() {
		provs = append(provs, probeOnly{f.cloud.Provider(k)})
	}
	r, err := reconcile.New(reconcile.Config{Store: f.store, Clock: f.clock, Providers: provs, MaxHostsPerProvider: 2, FullSweepEvery: 1})
	must(t, err)
	tick := func() reconcile.Report {
		rep, err := r.RunOnce(context.Background())
		must(t, err)
		return rep
	}
	rep := tick()
	if rep.Probed != 2*len(fakes.Kinds()) || rep.Deferred != 3*len(fakes.Kinds()) {
		t.Fatalf("probed %d deferred %d", rep.Probed, rep.Deferred)
	}
	f.clock.Advance(time.Minute)
	tick()
	f.clock.Advance(time.Minute)
	tick()
	for _, h := range f.hosts {
		if f.get(h.ID).ObservedAt.IsZero() {
			t.Errorf("%s never observed: the cap starves it", h.ID)
		}
	}
}

// conflictingStore lands a user action on a host just before the
// reconciler's write of it, as a concurrent request would.
type conflictingStore struct {
	*store.MemStore
	f      *fleet
	target string
	fired  bool
}

func (s *conflictingStore) UpdateBatch(ctx context.Context, ws []store.Write) (store.BatchResult, error) {
	for _, w := range ws {
		if w.Record.ID == s.target && !s.fired {
			s.fired = true
			cur, _ := s.MemStore.Get(ctx, w.Record.ID)
			if cur.Apply(hoststate.ActionStop, s.f.clock.Now()) == nil {
				if _, err := s.MemStore.Update(ctx, store.Write{Record: cur}); err != nil {
					return store.BatchResult{}, err
				}
			}
		}
	}
	return s.MemStore.UpdateBatch(ctx, ws)
}

func TestUserActionWinsOverConcurrentReconcile(t *testing.T) {
	f := newFleet(t, 2, 1, 50, reconcile.Config{})
	f.tick()
	target := f.hosts[0].ID // gcp-0, running
	cs := &conflictingStore{MemStore: f.store, f: f, target: target}
	r, err := reconcile.New(reconcile.Config{Store: cs, Clock: f.clock, Providers: []provider.Provider{f.cloud.Provider(fakes.GCP)}, FullSweepEvery: 1})
	must(t, err)
	f.clock.Advance(3 * time.Minute) // past the ObservedAt lag bound, so the tick writes the host
	rep, err := r.RunOnce(context.Background())
	must(t, err)
	got := f.get(target)
	if rep.Conflicts == 0 || got.Status != hoststate.StatusStopping || got.LastAction != hoststate.ActionStop {
		t.Fatalf("conflicts %d, status %v, last action %v: the user's stop was overwritten", rep.Conflicts, got.Status, got.LastAction)
	}
}

type panicky struct{ provider.Provider }

func (panicky) Probe(context.Context, provider.Host) (hoststate.Observation, error) {
	panic("adapter bug")
}

func TestPanickingProviderIsAFailedCall(t *testing.T) {
	f := newFleet(t, 2, 2, 50, reconcile.Config{})
	// Hide the Lister so the reconciler probes host by host.
	p := panicky{f.cloud.Provider(fakes.SelfHost)}
	r, err := reconcile.New(reconcile.Config{Store: f.store, Clock: f.clock, Providers: []provider.Provider{p}})
	must(t, err)
	rep, err := r.RunOnce(context.Background())
	must(t, err)
	if rep.Errors != 2 || rep.Changed != 0 {
		t.Fatalf("report %+v", rep)
	}
	got := f.get(fakes.SelfHost + "/selfhost-0")
	if !errors.Is(errors.New(got.ProbeError), kernel.ErrProviderPanic) && got.ProbeFailures != 1 {
		t.Fatalf("probe failure not recorded: %+v", got)
	}
}

func TestUnknownProviderAndBadRefsAreSkipped(t *testing.T) {
	f := newFleet(t, 2, 1, 50, reconcile.Config{})
	ctx := context.Background()
	_, err := f.store.Update(ctx, store.Write{Record: hoststate.Record{ID: "x/1", Provider: "aws"}})
	must(t, err)
	_, err = f.store.Update(ctx, store.Write{Record: hoststate.Record{ID: "x/2", Provider: fakes.GCP, Ref: provider.Host{Instance: "../etc", Project: "p", Zone: "z"}}})
	must(t, err)
	rep := f.tick()
	if rep.Skipped != 2 || rep.Probed != len(f.hosts) {
		t.Fatalf("report %+v", rep)
	}
}

func TestReconcileNowCheckAndHeartbeat(t *testing.T) {
	f := newFleet(t, 2, 1, 50, reconcile.Config{})
	ctx := context.Background()
	id := f.hosts[0].ID
	ch, err := f.rec.ReconcileNow(ctx, id)
	must(t, err)
	if ch.To != hoststate.StatusRunning {
		t.Fatalf("ReconcileNow: %+v", ch)
	}
	ok, err := f.rec.Heartbeat(ctx, id)
	if !ok || err != nil {
		t.Fatalf("heartbeat while running: %v %v", ok, err)
	}
	res, err := f.rec.Check(ctx, id)
	must(t, err)
	if !res.Agrees {
		t.Fatalf("check: %+v", res.Decision)
	}
	must(t, f.cloud.ConsoleStop(fakes.GCP, f.hosts[0].Ref))
	f.clock.Advance(5 * time.Minute)
	v := f.get(id).Version
	res, err = f.rec.Check(ctx, id)
	must(t, err)
	if res.Agrees || f.get(id).Version != v {
		t.Fatalf("check after a console stop: agrees=%v, wrote=%v", res.Agrees, f.get(id).Version != v)
	}
	if _, err := f.rec.ReconcileNow(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown host: %v", err)
	}
}

func TestCancelledTickWritesWholeRecordsOnly(t *testing.T) {
	for _, before := range []bool{true, false} {
		f := newFleet(t, 2, 10, 50, reconcile.Config{})
		ctx, cancel := context.WithCancel(context.Background())
		cs := &cancellingStore{MemStore: f.store, cancel: cancel, before: before}
		r, err := reconcile.New(reconcile.Config{Store: cs, Clock: f.clock, Providers: []provider.Provider{f.cloud.Provider(fakes.GCP)}})
		must(t, err)
		if _, err := r.RunOnce(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		written := 0
		for _, h := range f.hosts {
			got := f.get(h.ID)
			switch got.Version {
			case 1:
				if !got.ObservedAt.IsZero() {
					t.Errorf("%s half-written", h.ID)
				}
			case 2:
				written++
				if got.ObservedAt.IsZero() {
					t.Errorf("%s written without its observation", h.ID)
				}
			}
		}
		// The tick's writes are one batch: all of them or none.
		if want := map[bool]int{true: 0, false: 10}[before]; written != want {
			t.Fatalf("cancel before the batch=%v: %d records written, want %d", before, written, want)
		}
	}
}

// cancellingStore cancels the tick's context just before or just after
// its batched write.
type cancellingStore struct {
	*store.MemStore
	cancel func()
	before bool
}

func (s *cancellingStore) UpdateBatch(ctx context.Context, ws []store.Write) (store.BatchResult, error) {
	if s.before {
		s.cancel()
	}
	res, err := s.MemStore.UpdateBatch(ctx, ws)
	s.cancel()
	return res, err
}

func must(t tb, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// legacyRows is a store holding, besides its records, one whose id the
// store would refuse to write today (stored before store.ValidID
// tightened): reads return it, writes of it fail.
type legacyRows struct {
	*store.MemStore
	legacy hoststate.Record
}

func (s *legacyRows) List(ctx context.Context, f store.Filter) ([]hoststate.Record, error) {
	return s.AppendList(ctx, nil, f)
}

func (s *legacyRows) AppendList(ctx context.Context, dst []hoststate.Record, f store.Filter) ([]hoststate.Record, error) {
	out, err := s.MemStore.AppendList(ctx, dst, f)
	if err == nil && f.After == "" {
		out = append(out, s.legacy)
	}
	return out, err
}

// TestStoredInvalidIDIsSkipped: a stored host whose id no store takes
// any more is skipped with a warning; its provider's other hosts are
// still decided and written.
func TestStoredInvalidIDIsSkipped(t *testing.T) {
	f := newFleet(t, 1, 2, 50, reconcile.Config{FullSweepEvery: 1})
	h := f.hosts[0]
	legacy := hoststate.Record{ID: "..", Provider: h.Provider, Ref: h.Ref, Status: hoststate.StatusRunning}
	r, err := reconcile.New(reconcile.Config{Store: &legacyRows{MemStore: f.store, legacy: legacy}, Clock: f.clock,
		Providers: []provider.Provider{f.cloud.Provider(h.Provider)}, FullSweepEvery: 1})
	must(t, err)
	others := 0 // hosts of the providers this reconciler does not run
	for _, host := range f.hosts {
		if host.Provider != h.Provider {
			others++
		}
	}
	rep, err := r.RunOnce(context.Background())
	if err != nil || rep.Skipped != others+1 {
		t.Fatalf("tick: skipped %d, %v; want the legacy row and the %d hosts of other providers", rep.Skipped, err, others)
	}
	for _, host := range f.hosts {
		if host.Provider == h.Provider && f.get(host.ID).ObservedAt.IsZero() {
			t.Errorf("%s was not written: the legacy row failed its provider's batch", host.ID)
		}
	}
}
