package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// drain reads ch until it closes, failing after 10 s.
func drain(t *testing.T, ch <-chan store.Transition) []store.Transition {
	t.Helper()
	var out []store.Transition
	timeout := time.After(10 * time.Second)
	for {
		select {
		case tr, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, tr)
		case <-timeout:
			t.Fatalf("feed not closed after 10s (%d received)", len(out))
		}
	}
}

// flip writes n status changes to host id, starting at cur.
func flip(t *testing.T, s store.Store, cur hoststate.Record, n int, reason string) hoststate.Record {
	t.Helper()
	for i := range n {
		cur.Status = []hoststate.Status{hoststate.StatusStopping, hoststate.StatusOff, hoststate.StatusStarting, hoststate.StatusRunning}[i%4]
		var err error
		if cur, err = s.Update(t.Context(), store.Write{Record: cur, Reason: reason}); err != nil {
			t.Fatal(err)
		}
	}
	return cur
}

func TestFeedSubscriberFallingBehindIsClosed(t *testing.T) {
	s, _ := newStore(t, pgstore.Config{FeedBuffer: 3})
	feed, err := s.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cur, err := s.Update(t.Context(), store.Write{Record: hoststate.Record{ID: "h1", Status: hoststate.StatusRunning}})
	if err != nil {
		t.Fatal(err)
	}
	flip(t, s, cur, 10, "")
	got := drain(t, feed)
	if len(got) != 3 {
		t.Fatalf("a subscriber with a buffer of 3 that read nothing got %d transitions before the close, want 3", len(got))
	}
	for i, tr := range got {
		if tr.Version != uint64(i+1) {
			t.Errorf("transition %d has version %d: not in commit order", i, tr.Version)
		}
	}
}

func TestFeedClosesWhenItsConnectionDrops(t *testing.T) {
	s, pool := newStore(t, pgstore.Config{})
	feed, err := s.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// The listening connection is the only one LISTENing in this database.
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "+
		"WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("terminated %d listening backends, want 1", n)
	}
	drain(t, feed)
	// The store itself is unharmed.
	if _, err := s.Update(t.Context(), store.Write{Record: hoststate.Record{ID: "h1"}}); err != nil {
		t.Fatal(err)
	}
}

func TestFeedLongTransitionComesFromHistory(t *testing.T) {
	s, _ := newStore(t, pgstore.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	feed, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reason := strings.Repeat("r", 9000) // past NOTIFY's 8000 bytes
	rec, err := s.Update(ctx, store.Write{Record: hoststate.Record{ID: "h1", Status: hoststate.StatusError, ProviderStatus: "FAILED",
		Since: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}, Reason: reason})
	if err != nil {
		t.Fatal(err)
	}
	var got store.Transition
	select {
	case got = <-feed:
	case <-time.After(10 * time.Second):
		t.Fatal("no transition within 10s")
	}
	cancel()
	want := store.Transition{ID: "h1", From: hoststate.StatusUnknown, To: hoststate.StatusError, Reason: reason, RawStatus: "FAILED", At: rec.Since, Version: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestFeedAcrossStores(t *testing.T) {
	// Two replicas: one's write reaches the other's subscriber, and a
	// store on another schema hears nothing of it.
	a, pool := newStore(t, pgstore.Config{})
	b, err := pgstore.Open(t.Context(), pool, pgstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newStore(t, pgstore.Config{})
	ctx, cancel := context.WithCancel(t.Context())
	feedB, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	feedOther, err := other.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Update(ctx, store.Write{Record: hoststate.Record{ID: "h1", Status: hoststate.StatusOff}}); err != nil {
		t.Fatal(err)
	}
	select {
	case tr := <-feedB:
		if tr.ID != "h1" || tr.To != hoststate.StatusOff {
			t.Fatalf("got %+v", tr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other replica's subscriber heard nothing")
	}
	cancel()
	if got := drain(t, feedOther); len(got) != 0 {
		t.Fatalf("a store on another schema heard %+v", got)
	}
}
