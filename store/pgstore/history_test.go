package pgstore_test

import (
	"testing"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

func TestHistoryRetention(t *testing.T) {
	s, pool := newStore(t, pgstore.Config{HistoryRetention: time.Hour})
	ctx := t.Context()
	now := time.Now()
	write := func(s store.Store, cur hoststate.Record, st hoststate.Status, at time.Time) hoststate.Record {
		t.Helper()
		cur.Status, cur.Since = st, at
		got, err := s.Update(ctx, store.Write{Record: cur})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	count := func(id string) int {
		t.Helper()
		h, err := s.History(ctx, id, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return len(h)
	}
	// A replica keeping 30 days writes changes three and two hours old.
	long, err := pgstore.Open(ctx, pool, pgstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a := write(long, hoststate.Record{ID: "a"}, hoststate.StatusOff, now.Add(-3*time.Hour))
	a = write(long, a, hoststate.StatusStarting, now.Add(-2*time.Hour))
	write(long, hoststate.Record{ID: "b"}, hoststate.StatusOff, now.Add(-2*time.Hour))
	if count("a") != 2 || count("b") != 1 {
		t.Fatalf("before pruning: a %d, b %d changes", count("a"), count("b"))
	}
	// A status change through the one-hour store prunes that host only.
	write(s, a, hoststate.StatusRunning, now)
	if got := count("a"); got != 1 {
		t.Fatalf("a keeps %d changes, want the one within the hour", got)
	}
	if got := count("b"); got != 1 {
		t.Fatalf("b keeps %d changes before the prune, want 1", got)
	}
	// PruneHistory drops the rest.
	n, err := s.PruneHistory(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PruneHistory = %d, %v; want 1", n, err)
	}
	if got := count("b"); got != 0 {
		t.Fatalf("b keeps %d changes after the prune", got)
	}
	// A change already past the retention when written is not kept.
	write(s, hoststate.Record{ID: "c"}, hoststate.StatusOff, now.Add(-2*time.Hour))
	if got := count("c"); got != 0 {
		t.Fatalf("c keeps %d changes older than the retention", got)
	}
}
