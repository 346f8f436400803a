package reconcile

import "github.com/driftless/driftless/hoststate"

// Metrics receives the reconciler's counters. The core imports no metrics
// library: adapt this to Prometheus, OpenTelemetry or expvar in a few lines.
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
}

type nopMetrics struct{}

func (nopMetrics) HostsProbed(string, int)                                  {}
func (nopMetrics) StatusChanged(string, hoststate.Status, hoststate.Status) {}
func (nopMetrics) ProbeError(string)                                        {}
func (nopMetrics) Conflict(string)                                          {}
func (nopMetrics) FlipHeld(string, hoststate.Reason)                        {}
func (nopMetrics) BrakeEngaged(string, int)                                 {}
func (nopMetrics) ProviderCall(string, string)                              {}
