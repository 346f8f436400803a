package hoststate

import "time"

// Policy holds the thresholds of the reconcile decision. Every zero (or
// negative) field means its default, field by field, so a partial Policy
// — only Grace set, say — never weakens another rule: see
// [Policy.WithDefaults]. Every function here applies it.
type Policy struct {
	// Grace is how long after a user action contradicting observations are
	// recorded but neither change the status nor count toward
	// confirmations, so the reconciler never fights an action in flight.
	// Default 2 min.
	Grace time.Duration
	// Confirmations is how many consecutive agreeing observations a drift
	// (a contradicting observation) and every flip to off or
	// deprovisioned need. Default 2.
	Confirmations int
	// StaleAfter is how long a running host may go without a heartbeat
	// before the view says "host offline" and the reconciler probes it.
	// Default 2 min.
	StaleAfter time.Duration
	// NoAddressTimeout is how long a VM that runs without a public address
	// stays starting; after it the host is running with a "no address"
	// flag, never error. Default 10 min.
	NoAddressTimeout time.Duration
	// ActionTimeout bounds an in-flight action that no waiter gave a
	// deadline: past it, intermediate provider states no longer hold the
	// transitional status (an orphaned action expires). Default 30 min.
	ActionTimeout time.Duration
}

// DefaultPolicy returns the documented defaults.
func DefaultPolicy() Policy {
	return Policy{
		Grace:            2 * time.Minute,
		Confirmations:    2,
		StaleAfter:       2 * time.Minute,
		NoAddressTimeout: 10 * time.Minute,
		ActionTimeout:    30 * time.Minute,
	}
}

// WithDefaults returns p with every zero or negative field replaced by
// its [DefaultPolicy] value. There is deliberately no value that turns a
// rule off: a Grace of one nanosecond is as good as none, and it says so.
func (p Policy) WithDefaults() Policy {
	d := DefaultPolicy()
	if p.Grace <= 0 {
		p.Grace = d.Grace
	}
	if p.Confirmations <= 0 {
		p.Confirmations = d.Confirmations
	}
	if p.StaleAfter <= 0 {
		p.StaleAfter = d.StaleAfter
	}
	if p.NoAddressTimeout <= 0 {
		p.NoAddressTimeout = d.NoAddressTimeout
	}
	if p.ActionTimeout <= 0 {
		p.ActionTimeout = d.ActionTimeout
	}
	return p
}
