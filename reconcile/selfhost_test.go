package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// nopConnector accepts every action; these tests send none.
type nopConnector struct{}

func (nopConnector) Start(context.Context, provider.Host) error { return nil }
func (nopConnector) Stop(context.Context, provider.Host) error  { return nil }

// Rule 6: connector reports live in the store. One replica hears the
// connectors; the other replica's reconciler judges from the stored
// reports: a running host stays running while its connector reports, and a
// running or an off host whose connector falls silent becomes unknown. A
// control plane restarted after an outage gives the connectors a grace
// period before judging them by the silence the outage caused.
func TestSelfHostReportsInTheStoreAcrossReplicas(t *testing.T) {
	clock := clocktest.New(t0)
	st := store.NewMemStore(store.MemConfig{Now: clock.Now})
	ctx := context.Background()
	hosts := map[string]provider.Host{
		"running": {Project: "laptop-1", Instance: "vm-running"},
		"off":     {Project: "laptop-1", Instance: "vm-off"},
	}
	state := map[string]string{"running": "running", "off": "stopped"}
	status := map[string]hoststate.Status{"running": hoststate.StatusRunning, "off": hoststate.StatusOff}
	for id, h := range hosts {
		_, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: id, Provider: selfhost.Name, Ref: h, Status: status[id], Since: t0}})
		must(t, err)
	}
	newAdapter := func() *selfhost.Provider {
		p, err := selfhost.New(selfhost.Config{Connector: nopConnector{}, Reports: st, Now: clock.Now, TTL: 90 * time.Second})
		must(t, err)
		return p
	}
	hearing := newAdapter() // replica A: the connectors talk to it
	report := func() {
		for id, h := range hosts {
			must(t, hearing.Report(ctx, selfhost.Report{Host: id, Connector: h.Project, Instance: h.Instance, State: state[id], At: clock.Now()}))
		}
	}
	newReconciler := func() *reconcile.Reconciler { // replica B
		r, err := reconcile.New(reconcile.Config{Store: st, Clock: clock, Providers: []provider.Provider{newAdapter()}, FullSweepEvery: 1})
		must(t, err)
		return r
	}
	statuses := func() map[string]hoststate.Status {
		out := map[string]hoststate.Status{}
		for id := range hosts {
			rec, err := st.Get(ctx, id)
			must(t, err)
			out[id] = rec.Status
		}
		return out
	}
	tick := func(r *reconcile.Reconciler) {
		clock.Advance(time.Minute)
		_, err := r.RunOnce(ctx)
		must(t, err)
	}
	b := newReconciler()
	for range 6 {
		report()
		tick(b)
		if got := statuses(); got["running"] != hoststate.StatusRunning || got["off"] != hoststate.StatusOff {
			t.Fatalf("connectors reporting to the other replica: %v", got)
		}
	}
	for range 4 { // the connector falls silent
		tick(b)
	}
	if got := statuses(); got["running"] != hoststate.StatusUnknown || got["off"] != hoststate.StatusUnknown {
		t.Fatalf("connector silent past its TTL: %v, want both unknown", got)
	}
	for range 3 {
		report()
		tick(b)
	}
	if got := statuses(); got["running"] != hoststate.StatusRunning || got["off"] != hoststate.StatusOff {
		t.Fatalf("connector back: %v", got)
	}
	// The whole control plane goes down for an hour, then restarts: the
	// connectors need a minute to find it again.
	clock.Advance(time.Hour)
	restarted := newReconciler()
	hearing = newAdapter()
	tick(restarted)
	if got := statuses(); got["running"] != hoststate.StatusRunning || got["off"] != hoststate.StatusOff {
		t.Fatalf("right after a restart, before the connectors are back: %v, want unchanged", got)
	}
	report()
	for range 4 {
		report()
		tick(restarted)
	}
	if got := statuses(); got["running"] != hoststate.StatusRunning || got["off"] != hoststate.StatusOff {
		t.Fatalf("after the restart: %v", got)
	}
}
