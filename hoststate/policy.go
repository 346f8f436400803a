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
	// ConsistencyWindow is how long the provider may keep answering the
	// state from before a change (eventual consistency): contradicting
	// observations within it of a user action or of a status change are
	// recorded but neither change the status nor count.
	// Default 0 (a strongly consistent API); set it per provider.
	ConsistencyWindow time.Duration
	// MaxClockSkew bounds how far in the future a stored time may lie
	// before Observe treats it as corrupt and clamps it to now, so a
	// skewed or hostile record can open no unbounded grace window.
	// Default 5 min.
	MaxClockSkew time.Duration
	// Recheck is how long after its last observation an off or
	// deprovisioned host next needs a look of its own (Record.NextCheck);
	// the reconciler's full sweeps look at it meanwhile. Default 90 min:
	// three of the reconciler's default full-sweep periods, so a sweep
	// that skips an unchanged write never leaves the host due in between
	// (the reconciler sets it from its own sweep period when zero).
	Recheck time.Duration
}

// MaxDeadline bounds how far after its action an in-flight deadline may
// lie; a stored deadline beyond it is clamped, so no record can hold a
// transitional status forever.
const MaxDeadline = 24 * time.Hour

// MaxAddress bounds a stored public address, in bytes; a longer one is
// corrupt and dropped.
const MaxAddress = 256

// The defaults, as constants so defaulting a Policy on the hot path
// builds nothing.
const (
	defaultGrace            = 2 * time.Minute
	defaultConfirmations    = 2
	defaultStaleAfter       = 2 * time.Minute
	defaultNoAddressTimeout = 10 * time.Minute
	defaultActionTimeout    = 30 * time.Minute
	defaultMaxClockSkew     = 5 * time.Minute
	defaultRecheck          = 90 * time.Minute
)

// DefaultPolicy returns the documented defaults.
func DefaultPolicy() Policy { return Policy{}.WithDefaults() }

// WithDefaults returns p with every zero or negative field replaced by
// its [DefaultPolicy] value. There is deliberately no value that turns a
// rule off: a Grace of one nanosecond is as good as none, and it says so.
func (p Policy) WithDefaults() Policy {
	p.fill()
	return p
}

// fill is WithDefaults in place, for the hot path.
func (p *Policy) fill() {
	if p.Grace <= 0 {
		p.Grace = defaultGrace
	}
	if p.Confirmations <= 0 {
		p.Confirmations = defaultConfirmations
	}
	if p.StaleAfter <= 0 {
		p.StaleAfter = defaultStaleAfter
	}
	if p.NoAddressTimeout <= 0 {
		p.NoAddressTimeout = defaultNoAddressTimeout
	}
	if p.ActionTimeout <= 0 {
		p.ActionTimeout = defaultActionTimeout
	}
	if p.MaxClockSkew <= 0 {
		p.MaxClockSkew = defaultMaxClockSkew
	}
	if p.Recheck <= 0 {
		p.Recheck = defaultRecheck
	}
	p.ConsistencyWindow = max(p.ConsistencyWindow, 0)
}
