package reconcile

import (
	"time"

	"github.com/driftless/driftless/hoststate"
)

// Metrics receives the reconciler's counters. The core imports no metrics
// library: package metrics/prom adapts it to Prometheus, and embedding
// [NopMetrics] implements whatever a partial adapter leaves out.
// Implementations must be safe for concurrent use.
type Metrics interface {
	// HostsProbed counts hosts observed (successfully or not) per provider.
	HostsProbed(provider string, n int)
	// StatusChanged counts a written change from → to.
	StatusChanged(provider string, from, to hoststate.Status)
	// ProbeError counts failed probes or listings per provider.
	ProbeError(provider string)
	// Conflict counts compare-and-swap conflicts (a concurrent write won).
	Conflict(provider string)
	// FlipHeld counts flips held back, by reason (grace, confirmations,
	// in progress, ...).
	FlipHeld(provider string, reason hoststate.Reason)
	// BrakeEngaged counts ticks in which the mass-anomaly brake held a
	// provider's flips; flips is how many it held.
	BrakeEngaged(provider string, flips int)
	// ProviderCall counts API calls made to a provider, by method.
	ProviderCall(provider, method string)
	// TickDone reports a finished tick: how long it took, whether it was a
	// full sweep, and whether it failed.
	TickDone(took time.Duration, fullSweep bool, failed bool)
	// LeaseHeld reports, each tick, whether this replica holds the
	// provider's lease.
	LeaseHeld(provider string, held bool)
}

// NopMetrics discards everything; embed it in a partial implementation.
type NopMetrics struct{}

// HostsProbed implements Metrics.
func (NopMetrics) HostsProbed(string, int) {}

// StatusChanged implements Metrics.
func (NopMetrics) StatusChanged(string, hoststate.Status, hoststate.Status) {}

// ProbeError implements Metrics.
func (NopMetrics) ProbeError(string) {}

// Conflict implements Metrics.
func (NopMetrics) Conflict(string) {}

// FlipHeld implements Metrics.
func (NopMetrics) FlipHeld(string, hoststate.Reason) {}

// BrakeEngaged implements Metrics.
func (NopMetrics) BrakeEngaged(string, int) {}

// ProviderCall implements Metrics.
func (NopMetrics) ProviderCall(string, string) {}

// TickDone implements Metrics.
func (NopMetrics) TickDone(time.Duration, bool, bool) {}

// LeaseHeld implements Metrics.
func (NopMetrics) LeaseHeld(string, bool) {}
