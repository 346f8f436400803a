package reconcile

import (
	"context"
	"errors"
	"time"

	"github.com/driftless/driftless/hoststate"
)

// Store errors.
var (
	// ErrConflict: Update's record carries a stale Version; someone else
	// wrote the host since it was read. Re-read and decide again.
	ErrConflict = errors.New("reconcile: version conflict")
	// ErrNotFound: no host with that id.
	ErrNotFound = errors.New("reconcile: host not found")
	// ErrInvalidRecord: the record cannot be stored (empty id, invalid status).
	ErrInvalidRecord = errors.New("reconcile: invalid record")
)

// Store persists host records. Implementations must be safe for concurrent
// use. The in-memory [MemStore] is the embedded default; a PostgreSQL store
// implements the same contract.
type Store interface {
	// Get returns the host's record, or an error matching ErrNotFound.
	Get(ctx context.Context, id string) (hoststate.Record, error)
	// List returns the records matching f, ordered by id.
	List(ctx context.Context, f Filter) ([]hoststate.Record, error)
	// Update writes rec if the stored version equals rec.Version (0 for a
	// host not yet stored) and returns it with the new version. A stale
	// version returns an error matching ErrConflict and writes nothing.
	Update(ctx context.Context, rec hoststate.Record) (hoststate.Record, error)
}

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
	// (PendingCount > 0), so the next observation comes next tick, not
	// at the next full sweep.
	Confirming bool
	// Limit, when positive, caps the number of records returned.
	Limit int
}

// Match reports whether rec satisfies f (Limit aside). Stores use it so
// every implementation filters alike.
func (f Filter) Match(rec hoststate.Record) bool {
	if len(f.Statuses) > 0 {
		found := false
		for _, s := range f.Statuses {
			if rec.Status == s {
				found = true
				break
			}
		}
		if !found {
			return false
		}
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

// Leaser is implemented by stores that can grant per-key leases, so several
// reconciler replicas sharing a store split the work (one provider each).
type Leaser interface {
	// TryLease grants or renews key to owner until now+ttl and reports
	// whether owner holds it. Another owner's unexpired lease is refused.
	TryLease(ctx context.Context, key, owner string, now time.Time, ttl time.Duration) (bool, error)
	// ReleaseLease gives key up if owner holds it.
	ReleaseLease(ctx context.Context, key, owner string) error
}
