package prom_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/metrics/prom"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

func TestSeries(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	m, err := prom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.HostsProbed("gcp", 3)
	m.HostsProbed("gcp", 0)
	m.StatusChanged("gcp", hoststate.StatusRunning, hoststate.StatusOff)
	m.ProbeError("gcp")
	m.Conflict("gcp")
	m.FlipHeld("gcp", hoststate.ReasonGrace)
	m.BrakeEngaged("gcp", 5)
	m.ProviderCall("gcp", "Probe")
	m.ProviderCall("gcp", "Probe")
	m.TickDone(250*time.Millisecond, true, false)
	m.TickDone(time.Second, false, true)
	m.LeaseHeld("gcp", true)
	m.LeaseHeld("lambda", false)
	m.ActionOutcome("gcp", hoststate.ActionStop, "confirmed", 40*time.Second)

	want := `
# HELP driftless_reconcile_hosts_probed_total Hosts observed by the reconciler, successfully or not.
# TYPE driftless_reconcile_hosts_probed_total counter
driftless_reconcile_hosts_probed_total{provider="gcp"} 3
# HELP driftless_reconcile_status_changes_total Status changes the reconciler wrote.
# TYPE driftless_reconcile_status_changes_total counter
driftless_reconcile_status_changes_total{from="running",provider="gcp",to="off"} 1
# HELP driftless_reconcile_flips_held_total Flips held back, by reason.
# TYPE driftless_reconcile_flips_held_total counter
driftless_reconcile_flips_held_total{provider="gcp",reason="held by grace window"} 1
# HELP driftless_reconcile_brake_held_flips_total Flips the mass-anomaly brake held.
# TYPE driftless_reconcile_brake_held_flips_total counter
driftless_reconcile_brake_held_flips_total{provider="gcp"} 5
# HELP driftless_provider_calls_total API calls made to providers, by method.
# TYPE driftless_provider_calls_total counter
driftless_provider_calls_total{method="Probe",provider="gcp"} 2
# HELP driftless_reconcile_ticks_total Reconcile ticks, by sweep (full, partial) and result (ok, failed).
# TYPE driftless_reconcile_ticks_total counter
driftless_reconcile_ticks_total{result="failed",sweep="partial"} 1
driftless_reconcile_ticks_total{result="ok",sweep="full"} 1
# HELP driftless_reconcile_lease_held 1 while this replica holds the provider's reconcile lease, else 0.
# TYPE driftless_reconcile_lease_held gauge
driftless_reconcile_lease_held{provider="gcp"} 1
driftless_reconcile_lease_held{provider="lambda"} 0
# HELP driftless_action_outcomes_total Finished user actions, by outcome.
# TYPE driftless_action_outcomes_total counter
driftless_action_outcomes_total{action="stop",outcome="confirmed",provider="gcp"} 1
`
	names := []string{"driftless_reconcile_hosts_probed_total", "driftless_reconcile_status_changes_total",
		"driftless_reconcile_flips_held_total", "driftless_reconcile_brake_held_flips_total", "driftless_provider_calls_total",
		"driftless_reconcile_ticks_total", "driftless_reconcile_lease_held", "driftless_action_outcomes_total"}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	for name, n := range map[string]int{
		"driftless_reconcile_probe_errors_total":    1,
		"driftless_reconcile_conflicts_total":       1,
		"driftless_reconcile_brake_engaged_total":   1,
		"driftless_reconcile_tick_duration_seconds": 2, // full and partial
		"driftless_action_duration_seconds":         1,
	} {
		got, err := testutil.GatherAndCount(reg, name)
		if err != nil || got != n {
			t.Errorf("%s: %d series (%v), want %d", name, got, err, n)
		}
	}
	// Everything registered is a driftless_ series.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "driftless_") {
			t.Errorf("series %s is not driftless_*", mf.GetName())
		}
	}
}

func TestNewRefuses(t *testing.T) {
	if _, err := prom.New(nil); !errors.Is(err, prom.ErrNoRegisterer) {
		t.Errorf("nil registerer: %v", err)
	}
	reg := prometheus.NewRegistry()
	if _, err := prom.New(reg); err != nil {
		t.Fatal(err)
	}
	_, err := prom.New(reg)
	var already prometheus.AlreadyRegisteredError
	if !errors.As(err, &already) {
		t.Errorf("second adapter on one registry: %v", err)
	}
	// The failed second New left nothing of its own behind: the first
	// adapter's series are all still there, once.
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 0 {
		t.Errorf("%d series before any event (%v)", n, err)
	}
}

// A real reconciler tick feeds the adapter.
func TestWithReconciler(t *testing.T) {
	ctx := context.Background()
	clk := clocktest.New(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	cloud := fakes.NewCloud(clk, 1)
	st := store.NewMemStore(store.MemConfig{Now: clk.Now})
	for _, id := range []string{"a", "b"} {
		ref := provider.Host{Project: "p", Zone: "z", Instance: id, Volume: id + "-disk"}
		if err := cloud.AddHost(fakes.GCP, ref, true); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: id, Provider: fakes.GCP, Ref: ref}}); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewRegistry()
	m, err := prom.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := reconcile.New(reconcile.Config{Store: st, Clock: clk, Providers: []provider.Provider{cloud.Provider(fakes.GCP)}, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP driftless_reconcile_status_changes_total Status changes the reconciler wrote.
# TYPE driftless_reconcile_status_changes_total counter
driftless_reconcile_status_changes_total{from="unknown",provider="gcp",to="running"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "driftless_reconcile_status_changes_total"); err != nil {
		t.Error(err)
	}
	if n, _ := testutil.GatherAndCount(reg, "driftless_reconcile_ticks_total", "driftless_provider_calls_total"); n == 0 {
		t.Error("a tick left no tick or provider-call series")
	}
}
