package prom_test

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/metrics/prom"
)

// The adapter registers on a registry of the caller's and serves as both
// reconcile.Config.Metrics and waiter.Config.Metrics; promhttp.HandlerFor
// then serves reg.
func ExampleNew() {
	reg := prometheus.NewRegistry()
	m, err := prom.New(reg)
	if err != nil {
		fmt.Println(err)
		return
	}
	m.StatusChanged("gcp", hoststate.StatusStopping, hoststate.StatusOff)
	m.ActionOutcome("gcp", hoststate.ActionStop, "confirmed", 42*time.Second)

	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		fmt.Println(mf.GetName())
	}
	// Output:
	// driftless_action_duration_seconds
	// driftless_action_outcomes_total
	// driftless_reconcile_status_changes_total
}
