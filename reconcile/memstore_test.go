package reconcile

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func TestMemStoreCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	rec, err := s.Update(ctx, hoststate.Record{ID: "a", Status: hoststate.StatusOff})
	if err != nil || rec.Version != 1 {
		t.Fatalf("create: %v %v", rec.Version, err)
	}
	if _, err := s.Update(ctx, hoststate.Record{ID: "a", Status: hoststate.StatusRunning}); !errors.Is(err, ErrConflict) {
		t.Fatalf("re-create over an existing host: %v", err)
	}
	stale := rec
	rec.Status = hoststate.StatusStarting
	if rec, err = s.Update(ctx, rec); err != nil || rec.Version != 2 {
		t.Fatalf("update: %v %v", rec.Version, err)
	}
	stale.Status = hoststate.StatusDeprovisioned
	if _, err := s.Update(ctx, stale); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale write: %v", err)
	}
	got, _ := s.Get(ctx, "a")
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Fatalf("a stale write changed the record (-want +got):\n%s", diff)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing host: %v", err)
	}
	if _, err := s.Update(ctx, hoststate.Record{}); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("empty id: %v", err)
	}
	if _, err := s.Update(ctx, hoststate.Record{ID: "b", Status: 99}); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("invalid status: %v", err)
	}
}

func TestMemStoreListFilter(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	put := func(r hoststate.Record) {
		if _, err := s.Update(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	put(hoststate.Record{ID: "c", Provider: "gcp", Status: hoststate.StatusRunning, Address: "203.0.113.1", LastSeen: t0})
	put(hoststate.Record{ID: "a", Provider: "gcp", Status: hoststate.StatusRunning})
	put(hoststate.Record{ID: "b", Provider: "lambda", Status: hoststate.StatusStopping})
	put(hoststate.Record{ID: "d", Provider: "lambda", Status: hoststate.StatusOff})
	ids := func(f Filter) []string {
		recs, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all, ordered by id", Filter{}, []string{"a", "b", "c", "d"}},
		{"statuses", Filter{Statuses: []hoststate.Status{hoststate.StatusStopping, hoststate.StatusOff}}, []string{"b", "d"}},
		{"provider", Filter{Provider: "gcp"}, []string{"a", "c"}},
		{"last seen before", Filter{Statuses: []hoststate.Status{hoststate.StatusRunning}, LastSeenBefore: t0}, []string{"a"}},
		{"missing address", Filter{Provider: "gcp", MissingAddress: true}, []string{"a"}},
		{"limit", Filter{Limit: 3}, []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ids(tt.f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestMemStoreConcurrentUpdatesLoseNothing(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	if _, err := s.Update(ctx, hoststate.Record{ID: "h"}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				r, err := s.Get(ctx, "h")
				if err != nil {
					t.Error(err)
					return
				}
				r.PendingCount++
				r.Reason = fmt.Sprint(w)
				if _, err := s.Update(ctx, r); errors.Is(err, ErrConflict) {
					continue
				} else if err != nil {
					t.Error(err)
					return
				}
				i++
			}
		}()
	}
	wg.Wait()
	r, _ := s.Get(ctx, "h")
	if r.PendingCount != writers*each || r.Version != writers*each+1 {
		t.Fatalf("lost updates: count %d version %d", r.PendingCount, r.Version)
	}
}

func TestMemStoreLease(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	ok, err := s.TryLease(ctx, "gcp", "replica-1", t0, time.Minute)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := s.TryLease(ctx, "gcp", "replica-2", t0.Add(30*time.Second), time.Minute); ok {
		t.Fatal("a held lease was granted to another owner")
	}
	if ok, _ := s.TryLease(ctx, "gcp", "replica-1", t0.Add(30*time.Second), time.Minute); !ok {
		t.Fatal("the owner could not renew")
	}
	if ok, _ := s.TryLease(ctx, "gcp", "replica-2", t0.Add(91*time.Second), time.Minute); !ok {
		t.Fatal("an expired lease was not granted")
	}
	if err := s.ReleaseLease(ctx, "gcp", "replica-2"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.TryLease(ctx, "gcp", "replica-1", t0.Add(92*time.Second), time.Minute); !ok {
		t.Fatal("a released lease was not granted")
	}
	if _, err := s.TryLease(ctx, "", "x", t0, time.Minute); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("empty key: %v", err)
	}
}

func TestMemStoreHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := NewMemStore()
	if _, err := s.Update(ctx, hoststate.Record{ID: "h"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("update: %v", err)
	}
	if s.Len() != 0 {
		t.Fatal("a cancelled update wrote")
	}
}
