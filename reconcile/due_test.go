package reconcile_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// readingStore records which hosts a tick read: its selection.
type readingStore struct {
	store.Store
	mu   sync.Mutex
	read map[string]bool
}

func (s *readingStore) note(recs ...hoststate.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range recs {
		s.read[r.ID] = true
	}
}

func (s *readingStore) Due(ctx context.Context, now time.Time, limit int) ([]hoststate.Record, error) {
	recs, err := s.Store.Due(ctx, now, limit)
	s.note(recs...)
	return recs, err
}

func (s *readingStore) List(ctx context.Context, f store.Filter) ([]hoststate.Record, error) {
	recs, err := s.Store.List(ctx, f)
	s.note(recs...)
	return recs, err
}

func (s *readingStore) Get(ctx context.Context, id string) (hoststate.Record, error) {
	rec, err := s.Store.Get(ctx, id)
	if err == nil {
		s.note(rec)
	}
	return rec, err
}

// needsLook is the reconciler's selection before the due index, written
// out on its own: transitional, error and unknown hosts, running hosts
// gone stale (never seen counts as stale) or without an address, and
// flips being confirmed.
func needsLook(r hoststate.Record, now time.Time, p hoststate.Policy) bool {
	switch r.Status {
	case hoststate.StatusStarting, hoststate.StatusStopping, hoststate.StatusRestarting, hoststate.StatusReprovisioning,
		hoststate.StatusDeprovisioning, hoststate.StatusError, hoststate.StatusUnknown:
		return true
	case hoststate.StatusRunning:
		if r.Address == "" || r.LastSeen.Before(now.Add(-p.StaleAfter)) {
			return true
		}
	}
	return r.PendingCount > 0
}

// TestPropDueSelectionMissesNoHost: with selection from the store's due
// index, every host that needs a look when a tick starts is selected and
// observed that tick (none deferred), through random user actions,
// console drift, connector outages, heartbeats and clock advances; so is
// every host whose NextCheck has come.
func TestPropDueSelectionMissesNoHost(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		rs := &readingStore{read: map[string]bool{}}
		f := newFleet(rt, rapid.Int64().Draw(rt, "seed"), 2, 50, reconcile.Config{Store: rs, FullSweepEvery: 1 << 30, Seed: 1})
		rs.Store = f.store
		ctx := context.Background()
		policy := hoststate.DefaultPolicy()
		pick := func(t *rapid.T) hoststate.Record { return f.get(rapid.SampledFrom(f.hosts).Draw(t, "host").ID) }
		f.tick() // the first tick is a full sweep
		rt.Repeat(map[string]func(*rapid.T){
			"tick": func(t *rapid.T) {
				now := f.clock.Now()
				var need []hoststate.Record
				for _, h := range f.hosts {
					if rec := f.get(h.ID); needsLook(rec, now, policy) || !rec.NextCheck.After(now) {
						need = append(need, rec)
					}
				}
				clear(rs.read)
				rep := f.tick()
				if rep.FullSweep || rep.Deferred != 0 || rep.Skipped != 0 {
					t.Fatalf("tick %d: full sweep %v, %d deferred, %d skipped", rep.Tick, rep.FullSweep, rep.Deferred, rep.Skipped)
				}
				for _, rec := range need {
					if !rs.read[rec.ID] {
						t.Fatalf("%s (%v, next check %v) needs a look at %v but was not selected", rec.ID, rec.Status, rec.NextCheck, now)
					}
				}
			},
			"advance": func(t *rapid.T) {
				f.clock.Advance(time.Duration(rapid.IntRange(10, 300).Draw(t, "seconds")) * time.Second)
			},
			"user action": func(t *rapid.T) {
				_ = f.act(pick(t).ID, rapid.SampledFrom(hoststate.Actions()).Draw(t, "action"))
			},
			"console drift": func(t *rapid.T) {
				h := pick(t)
				switch rapid.IntRange(0, 4).Draw(t, "event") {
				case 0:
					_ = f.cloud.ConsoleStart(h.Provider, h.Ref)
				case 1:
					_ = f.cloud.ConsoleStop(h.Provider, h.Ref)
				case 2:
					_ = f.cloud.ConsoleDelete(h.Provider, h.Ref)
				case 3:
					_ = f.cloud.Preempt(h.Provider, h.Ref)
				case 4:
					_ = f.cloud.SetConnectorOnline(h.Ref, rapid.Bool().Draw(t, "online"))
				}
			},
			"heartbeat": func(t *rapid.T) {
				if _, err := f.rec.Heartbeat(ctx, pick(t).ID); err != nil {
					t.Fatal(err)
				}
			},
		})
	})
}

// TestSettledHostsAreRecheckedWithoutSweeps: with full sweeps too rare to
// matter and every running host heartbeating (so a listing provider has
// nothing else due to list for), an off host is still looked at once
// Recheck has passed since its last observation, and not before.
func TestSettledHostsAreRecheckedWithoutSweeps(t *testing.T) {
	const recheck = 10 * time.Minute
	rs := &readingStore{read: map[string]bool{}}
	f := newFleet(t, 1, 2, 50, reconcile.Config{Store: rs, FullSweepEvery: 1 << 30, Policy: hoststate.Policy{Recheck: recheck}})
	rs.Store = f.store
	for range 3 {
		f.tick()
		f.clock.Advance(time.Minute)
	}
	var offID string
	for _, h := range f.hosts {
		if f.get(h.ID).Status == hoststate.StatusOff {
			offID = h.ID
			break
		}
	}
	if offID == "" {
		t.Fatal("fixture: no host is off")
	}
	beat := func() {
		for _, h := range f.hosts {
			if _, err := f.rec.Heartbeat(context.Background(), h.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	last := f.get(offID).ObservedAt
	for f.clock.Now().Before(last.Add(recheck)) {
		beat()
		clear(rs.read)
		f.tick()
		if rs.read[offID] {
			t.Fatalf("%s looked at %v after its last observation, before Recheck %v", offID, f.clock.Now().Sub(last), recheck)
		}
		f.clock.Advance(time.Minute)
	}
	beat()
	clear(rs.read)
	f.tick()
	if !rs.read[offID] {
		t.Fatalf("%s not looked at %v after its last observation (Recheck %v)", offID, f.clock.Now().Sub(last), recheck)
	}
}
