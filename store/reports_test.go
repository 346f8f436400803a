package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// plainStore hides MemStore's Reports, as a store without one would.
type plainStore struct{ store.Store }

// TestReportsFallsBackToOneReadPerHost: store.Reports over a store
// without ReportReader answers what MemStore's own Reports does, and a
// failed read is an error, not a missing report.
func TestReportsFallsBackToOneReadPerHost(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		mem := store.NewMemStore(store.MemConfig{})
		hosts := rapid.SliceOfNDistinct(rapid.StringMatching(`h[0-9]`), 0, 8, rapid.ID).Draw(t, "hosts")
		for _, id := range hosts {
			if _, err := mem.Update(ctx, store.Write{Record: hoststate.Record{ID: id}}); err != nil {
				t.Fatal(err)
			}
			if rapid.Bool().Draw(t, "reported") {
				if _, err := mem.PutReport(ctx, id, store.Report{State: "running"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		ids := rapid.SliceOf(rapid.StringMatching(`h[0-9]|\.\.|`)).Draw(t, "ids")
		want, err := mem.Reports(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.Reports(ctx, plainStore{mem}, ids)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("fallback (-Reports +fallback):\n%s", diff)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := store.Reports(ctx, plainStore{store.NewMemStore(store.MemConfig{})}, []string{"h1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Reports on a cancelled context = %v, want context.Canceled", err)
	}
}
