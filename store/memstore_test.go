package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/storetest"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return store.NewMemStore(store.MemConfig{}) })
}

// statusSteps writes n status changes to host h, a minute apart from
// start, advancing clk along.
func statusSteps(t *testing.T, s *store.MemStore, clk *clocktest.Clock, id string, n int) {
	t.Helper()
	cur, err := s.Update(t.Context(), store.Write{Record: hoststate.Record{ID: id, Status: hoststate.StatusOff, Since: clk.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		clk.Advance(time.Minute)
		cur.Status = []hoststate.Status{hoststate.StatusStarting, hoststate.StatusRunning, hoststate.StatusStopping, hoststate.StatusOff}[i%4]
		cur.Since = clk.Now()
		if cur, err = s.Update(t.Context(), store.Write{Record: cur}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMemStoreHistoryRetention(t *testing.T) {
	t.Run("per host cap", func(t *testing.T) {
		clk := clocktest.New(t0)
		s := store.NewMemStore(store.MemConfig{Now: clk.Now, HistoryPerHost: 5})
		statusSteps(t, s, clk, "h", 12)
		h, err := s.History(t.Context(), "h", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 5 || !h[4].At.Equal(clk.Now()) {
			t.Fatalf("kept %d entries ending %v, want the newest 5", len(h), h[len(h)-1].At)
		}
	})
	t.Run("age", func(t *testing.T) {
		clk := clocktest.New(t0)
		s := store.NewMemStore(store.MemConfig{Now: clk.Now, HistoryRetention: 10 * time.Minute})
		statusSteps(t, s, clk, "h", 30)
		h, err := s.History(t.Context(), "h", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		cutoff := clk.Now().Add(-10 * time.Minute)
		if len(h) == 0 || h[0].At.Before(cutoff) || len(h) > 11 {
			t.Fatalf("kept %d entries from %v, want none before %v", len(h), h[0].At, cutoff)
		}
	})
}

func TestMemStoreSlowSubscriberIsClosed(t *testing.T) {
	s := store.NewMemStore(store.MemConfig{FeedBuffer: 2})
	feed, err := s.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(t0)
	statusSteps(t, s, clk, "h", 5) // six transitions into a buffer of two
	n := 0
	for range feed {
		n++
	}
	if n != 2 {
		t.Fatalf("received %d transitions before the close, want the 2 buffered", n)
	}
}

// TestMemStoreDueMatchesModel checks the due index against a sort of every
// record, through random inserts and moves.
func TestMemStoreDueMatchesModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s := store.NewMemStore(store.MemConfig{})
		ctx := context.Background()
		model := map[string]hoststate.Record{}
		for i := range rapid.IntRange(1, 60).Draw(rt, "ops") {
			id := fmt.Sprintf("h%02d", rapid.IntRange(0, 20).Draw(rt, "id"))
			r, ok := model[id]
			if !ok {
				r = hoststate.Record{ID: id, Status: hoststate.StatusRunning}
			}
			if rapid.Bool().Draw(rt, "zero") {
				r.NextCheck = time.Time{}
			} else {
				r.NextCheck = t0.Add(time.Duration(rapid.IntRange(-5, 5).Draw(rt, "at")) * time.Minute)
			}
			got, err := s.Update(ctx, store.Write{Record: r})
			if err != nil {
				rt.Fatalf("op %d: %v", i, err)
			}
			model[id] = got
		}
		now := t0.Add(time.Duration(rapid.IntRange(-6, 6).Draw(rt, "now")) * time.Minute)
		limit := rapid.IntRange(0, 25).Draw(rt, "limit")
		var want []string
		for _, r := range model {
			if !r.NextCheck.After(now) {
				want = append(want, r.ID)
			}
		}
		slices.SortFunc(want, func(a, b string) int {
			if c := model[a].NextCheck.Compare(model[b].NextCheck); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		if limit > 0 && len(want) > limit {
			want = want[:limit]
		}
		due, err := s.Due(ctx, now, limit)
		if err != nil {
			rt.Fatal(err)
		}
		got := []string{}
		for _, r := range due {
			got = append(got, r.ID)
		}
		if want == nil {
			want = []string{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			rt.Fatalf("Due(%v, %d) (-model +store):\n%s", now, limit, diff)
		}
	})
}
