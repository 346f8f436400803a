package prom

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/waiter"
)

// ErrNoRegisterer is returned by New without a Registerer: falling back to
// the global default registry would hide the series from a caller who
// serves its own.
var ErrNoRegisterer = errors.New("prom: a Registerer is required")

// Metrics implements reconcile.Metrics and waiter.Metrics over Prometheus
// collectors. It is safe for concurrent use.
type Metrics struct {
	ticks                 *prometheus.CounterVec
	tickHist              *prometheus.HistogramVec
	lease                 *prometheus.GaugeVec
	probed, changes, errs *prometheus.CounterVec
	conflicts, held       *prometheus.CounterVec
	brake, brakeFlips     *prometheus.CounterVec
	calls                 *prometheus.CounterVec
	outcomes              *prometheus.CounterVec
	actionHist            *prometheus.HistogramVec
}

var (
	_ reconcile.Metrics = (*Metrics)(nil)
	_ waiter.Metrics    = (*Metrics)(nil)
)

// Buckets of the duration histograms, in seconds: a tick takes
// milliseconds to a minute; an action seconds to the half hour of its
// longest timeout.
var (
	tickBuckets   = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	actionBuckets = []float64{1, 5, 10, 30, 60, 120, 300, 600, 900, 1200, 1800}
)

// New registers the driftless series on reg and returns the adapter. A
// series already registered (two adapters on one registry) is an error
// that matches prometheus.AlreadyRegisteredError, with nothing registered.
func New(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, ErrNoRegisterer
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "driftless", Name: name, Help: help}, labels)
	}
	m := &Metrics{
		ticks: counter("reconcile_ticks_total", "Reconcile ticks, by sweep (full, partial) and result (ok, failed).", "sweep", "result"),
		tickHist: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "driftless", Name: "reconcile_tick_duration_seconds",
			Help: "Duration of reconcile ticks on the reconciler's clock.", Buckets: tickBuckets}, []string{"sweep"}),
		lease: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "driftless", Name: "reconcile_lease_held",
			Help: "1 while this replica holds the provider's reconcile lease, else 0."}, []string{"provider"}),
		probed:     counter("reconcile_hosts_probed_total", "Hosts observed by the reconciler, successfully or not.", "provider"),
		changes:    counter("reconcile_status_changes_total", "Status changes the reconciler wrote.", "provider", "from", "to"),
		errs:       counter("reconcile_probe_errors_total", "Failed probes and listings.", "provider"),
		conflicts:  counter("reconcile_conflicts_total", "Compare-and-swap conflicts the reconciler re-decided.", "provider"),
		held:       counter("reconcile_flips_held_total", "Flips held back, by reason.", "provider", "reason"),
		brake:      counter("reconcile_brake_engaged_total", "Ticks in which the mass-anomaly brake held a provider's flips.", "provider"),
		brakeFlips: counter("reconcile_brake_held_flips_total", "Flips the mass-anomaly brake held.", "provider"),
		calls:      counter("provider_calls_total", "API calls made to providers, by method.", "provider", "method"),
		outcomes:   counter("action_outcomes_total", "Finished user actions, by outcome.", "provider", "action", "outcome"),
		actionHist: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "driftless", Name: "action_duration_seconds",
			Help: "How long user actions ran, from the transitional status to the outcome, on the waiter's clock.", Buckets: actionBuckets},
			[]string{"provider", "action", "outcome"}),
	}
	cs := []prometheus.Collector{m.ticks, m.tickHist, m.lease, m.probed, m.changes, m.errs, m.conflicts, m.held,
		m.brake, m.brakeFlips, m.calls, m.outcomes, m.actionHist}
	for i, c := range cs {
		if err := reg.Register(c); err != nil {
			for _, done := range cs[:i] {
				reg.Unregister(done)
			}
			return nil, fmt.Errorf("prom: %w", err)
		}
	}
	return m, nil
}

// HostsProbed implements reconcile.Metrics.
func (m *Metrics) HostsProbed(provider string, n int) {
	if n > 0 {
		m.probed.WithLabelValues(provider).Add(float64(n))
	}
}

// StatusChanged implements reconcile.Metrics.
func (m *Metrics) StatusChanged(provider string, from, to hoststate.Status) {
	m.changes.WithLabelValues(provider, from.String(), to.String()).Inc()
}

// ProbeError implements reconcile.Metrics.
func (m *Metrics) ProbeError(provider string) { m.errs.WithLabelValues(provider).Inc() }

// Conflict implements reconcile.Metrics.
func (m *Metrics) Conflict(provider string) { m.conflicts.WithLabelValues(provider).Inc() }

// FlipHeld implements reconcile.Metrics.
func (m *Metrics) FlipHeld(provider string, reason hoststate.Reason) {
	m.held.WithLabelValues(provider, reason.String()).Inc()
}

// BrakeEngaged implements reconcile.Metrics.
func (m *Metrics) BrakeEngaged(provider string, flips int) {
	m.brake.WithLabelValues(provider).Inc()
	if flips > 0 {
		m.brakeFlips.WithLabelValues(provider).Add(float64(flips))
	}
}

// ProviderCall implements reconcile.Metrics.
func (m *Metrics) ProviderCall(provider, method string) {
	m.calls.WithLabelValues(provider, method).Inc()
}

// TickDone implements reconcile.Metrics.
func (m *Metrics) TickDone(took time.Duration, fullSweep, failed bool) {
	sweep, result := "partial", "ok"
	if fullSweep {
		sweep = "full"
	}
	if failed {
		result = "failed"
	}
	m.ticks.WithLabelValues(sweep, result).Inc()
	m.tickHist.WithLabelValues(sweep).Observe(took.Seconds())
}

// LeaseHeld implements reconcile.Metrics.
func (m *Metrics) LeaseHeld(provider string, held bool) {
	v := 0.0
	if held {
		v = 1
	}
	m.lease.WithLabelValues(provider).Set(v)
}

// ActionOutcome implements waiter.Metrics.
func (m *Metrics) ActionOutcome(provider string, a hoststate.Action, outcome string, took time.Duration) {
	m.outcomes.WithLabelValues(provider, a.String(), outcome).Inc()
	m.actionHist.WithLabelValues(provider, a.String(), outcome).Observe(took.Seconds())
}
