package reconcile

import "github.com/driftless/driftless/hoststate"

// Report summarizes one tick of [Reconciler.RunOnce].
type Report struct {
	// Tick numbers the ticks from 1; FullSweep tells whether this one
	// probed every host.
	Tick      int
	FullSweep bool
	// DryRun: nothing was written; Changed and Changes say what would have
	// been.
	DryRun bool
	// Selected hosts were due this tick; Probed were observed (successfully
	// or not); Changed had their status written to a new value.
	Selected, Probed, Changed int
	// Errors counts failed probes and listings (hosts whose status the tick
	// therefore left alone).
	Errors int
	// ProviderCalls counts API calls made to providers.
	ProviderCalls int
	// Held counts flips held back by grace, confirmations, an action in
	// progress or the brake.
	Held int
	// Deferred hosts were due but not probed (cap, rate limit, backoff);
	// they go first next tick.
	Deferred int
	// Skipped hosts have no configured provider or an invalid reference;
	// they are reported, never fatal.
	Skipped int
	// Conflicts counts compare-and-swap conflicts that were re-decided.
	Conflicts int
	// Braked lists the "provider scope" pairs (scope: a zone or region)
	// whose guardrails held flips: the mass-anomaly brake or the windowed
	// disruption budget.
	Braked []string
	// BackedOff lists providers skipped because they are backing off.
	BackedOff []string
	// Changes lists the written status changes.
	Changes []HostChange
}

// HostChange is one host's written status change.
type HostChange struct {
	ID       string
	Provider string
	hoststate.Change
}
