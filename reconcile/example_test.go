package reconcile_test

import (
	"context"
	"fmt"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// A VM stopped from the provider's console is drift: the stored "running"
// becomes "off" only after Confirmations (default 2) consecutive
// observations, one per tick.
func ExampleReconciler_RunOnce() {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cloud := fakes.NewCloud(clk, 1)
	h := provider.Host{Project: "proj", Zone: "us-central1-a", Instance: "web-1", Volume: "web-1-data"}
	if err := cloud.AddHost(fakes.GCP, h, true); err != nil {
		panic(err)
	}
	st := store.NewMemStore(store.MemConfig{Now: clk.Now})
	rec := hoststate.Record{ID: "web-1", Provider: fakes.GCP, Ref: h, Status: hoststate.StatusRunning, Since: clk.Now()}
	if _, err := st.Update(ctx, store.Write{Record: rec}); err != nil {
		panic(err)
	}
	r, err := reconcile.New(reconcile.Config{Store: st, Clock: clk, Providers: []provider.Provider{cloud.Provider(fakes.GCP)}})
	if err != nil {
		panic(err)
	}

	if err := cloud.ConsoleStop(fakes.GCP, h); err != nil {
		panic(err)
	}
	clk.Advance(5 * time.Minute) // the console stop completes
	for range 2 {
		rep, err := r.RunOnce(ctx)
		if err != nil {
			panic(err)
		}
		got, _ := st.Get(ctx, "web-1")
		fmt.Printf("tick %d: %s (provider says %s), %d changed\n", rep.Tick, got.Status, got.ProviderStatus, rep.Changed)
		clk.Advance(2 * time.Minute)
	}
	// Output:
	// tick 1: running (provider says TERMINATED), 0 changed
	// tick 2: off (provider says TERMINATED), 1 changed
}
