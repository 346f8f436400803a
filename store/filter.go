package store

import (
	"slices"
	"time"

	"github.com/driftless/driftless/hoststate"
)

// Filter selects records in [Store.List]. Every set field must match (AND);
// the zero Filter matches everything.
type Filter struct {
	// Statuses, when non-empty, keeps records whose status is one of them.
	Statuses []hoststate.Status
	// Provider, when set, keeps records of that provider.
	Provider string
	// LastSeenBefore, when set, keeps records last seen before it (a
	// never-seen record counts as before).
	LastSeenBefore time.Time
	// MissingAddress keeps records without a public address.
	MissingAddress bool
	// Confirming keeps records with a flip awaiting confirmation
	// (PendingCount > 0).
	Confirming bool
	// After, when set, keeps records whose id sorts after it: the cursor
	// of an id-paged sweep (see [All]).
	After string
	// Limit, when positive, caps the number of records returned.
	Limit int
}

// Match reports whether rec satisfies f (After and Limit aside). Stores use
// it so every implementation filters alike.
func (f Filter) Match(rec hoststate.Record) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, rec.Status) {
		return false
	}
	if f.Provider != "" && rec.Provider != f.Provider {
		return false
	}
	if !f.LastSeenBefore.IsZero() && !rec.LastSeen.Before(f.LastSeenBefore) {
		return false
	}
	if f.MissingAddress && rec.Address != "" {
		return false
	}
	if f.Confirming && rec.PendingCount <= 0 {
		return false
	}
	return true
}

// unselective reports whether f keeps every record (After and Limit
// aside), so a store can size its answer before reading.
func (f Filter) unselective() bool {
	return len(f.Statuses) == 0 && f.Provider == "" && f.LastSeenBefore.IsZero() && !f.MissingAddress && !f.Confirming
}
