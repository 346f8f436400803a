package store

import (
	"context"
	"time"

	"github.com/driftless/driftless/hoststate"
)

// MaxIDLen bounds a host id, in bytes; longer ids are refused with
// [ErrInvalidRecord] so no input grows an index without bound.
const MaxIDLen = 256

// Store persists host records. Implementations are safe for concurrent
// use; store/storetest checks an implementation against this contract.
type Store interface {
	// Get returns the host's record, or an error matching ErrNotFound.
	Get(ctx context.Context, id string) (hoststate.Record, error)
	// List returns the records matching f, ordered by id, starting after
	// f.After and at most f.Limit of them (all when Limit <= 0).
	List(ctx context.Context, f Filter) ([]hoststate.Record, error)
	// Due returns the records whose NextCheck is at or before now (a zero
	// NextCheck is due), ordered by NextCheck then id, at most limit of
	// them (all when limit <= 0). It reads an index: a store with nothing
	// due answers without looking at every host.
	Due(ctx context.Context, now time.Time, limit int) ([]hoststate.Record, error)
	// Update writes w.Record if the stored version equals its Version (0
	// for a host not yet stored) and returns the record as stored, with the
	// new version. A stale version returns an error matching ErrConflict; a
	// stale fence ErrFenced; an invalid record ErrInvalidRecord. Nothing is
	// written on error.
	Update(ctx context.Context, w Write) (hoststate.Record, error)
	// UpdateBatch applies each write as Update would, in one round trip:
	// writes with a stale version are skipped and reported in
	// BatchResult.Conflicts, the rest are written. An invalid write, a host
	// twice in the batch or a stale fence on any write refuses the whole
	// batch and writes nothing.
	UpdateBatch(ctx context.Context, ws []Write) (BatchResult, error)

	Leaser

	// Subscribe streams every status change as it is written, until ctx
	// ends. A subscriber that falls behind the store's buffer has its
	// channel closed: it re-reads what it needs and subscribes again.
	Subscribe(ctx context.Context) (<-chan Transition, error)
	// History returns the host's status changes at or after since, oldest
	// first, as far back as the store's retention keeps them; an unknown
	// host is an error matching ErrNotFound.
	History(ctx context.Context, id string, since time.Time) ([]Transition, error)

	// PutReport stores a self-host connector's latest report for host id,
	// stamped with the store's clock, and returns it as stored. An unknown
	// host is an error matching ErrNotFound.
	PutReport(ctx context.Context, id string, r Report) (Report, error)
	// Report returns the latest connector report for host id, or an error
	// matching ErrNotFound when there is none.
	Report(ctx context.Context, id string) (Report, error)

	// Precision is how finely the store keeps times: written times come
	// back truncated to it (see AtPrecision), and a write returns exactly
	// what a later read returns.
	Precision() time.Duration
}

// Appender is implemented by stores that can list into a caller's
// buffer: AppendList appends what List(ctx, f) returns to dst and returns
// the extended slice, so a reconciler that lists every tick reuses one
// buffer rather than allocating a copy of every record each time. Use
// [AppendList], which falls back to List for stores without it. A wrapper
// that embeds a store and overrides List must override AppendList too,
// or the embedded one answers in its place.
type Appender interface {
	AppendList(ctx context.Context, dst []hoststate.Record, f Filter) ([]hoststate.Record, error)
}

// AppendList appends the records matching f to dst, through s's
// AppendList when it is an [Appender], else through List.
func AppendList(ctx context.Context, s Store, dst []hoststate.Record, f Filter) ([]hoststate.Record, error) {
	if a, ok := s.(Appender); ok {
		return a.AppendList(ctx, dst, f)
	}
	recs, err := s.List(ctx, f)
	return append(dst, recs...), err
}

// Write is one compare-and-swap write.
type Write struct {
	// Record is the new record; its Version is the version it was read at.
	Record hoststate.Record
	// Reason says why the status changed, for History and the change feed
	// (a hoststate.Reason's name, or an action's). Ignored when the status
	// did not change.
	Reason string
	// Fence, when set, makes the write conditional on that lease still
	// being held at that epoch.
	Fence Fence
}

// BatchResult is what [Store.UpdateBatch] did.
type BatchResult struct {
	// Written holds the records as stored, with their new versions, in
	// the order of the writes that applied.
	Written []hoststate.Record
	// Conflicts holds the ids whose version was stale; nothing was written
	// for them.
	Conflicts []string
}

// Transition is one status change of a host: an entry of its History and
// an event of the change feed.
type Transition struct {
	// ID is the host.
	ID string `json:"id"`
	// From and To are the statuses before and after the write.
	From hoststate.Status `json:"from"`
	To   hoststate.Status `json:"to"`
	// Reason is the write's Reason.
	Reason string `json:"reason,omitempty"`
	// RawStatus is the provider's raw VM status the record held.
	RawStatus string `json:"raw_status,omitempty"`
	// At is when the status changed: the record's Since.
	At time.Time `json:"at"`
	// Version is the record's version after the write.
	Version uint64 `json:"version"`
}

// Report is a self-host connector's latest report about one host.
type Report struct {
	// State is the VM manager's raw state, e.g. "running" or "not_found".
	State string `json:"state"`
	// Address is the VM's public address, "" if none.
	Address string `json:"address,omitempty"`
	// At is when the store received the report, on the store's clock.
	At time.Time `json:"at"`
}

// Limits on report fields: a connector is outside the trust boundary.
const (
	MaxReportState   = 64
	MaxReportAddress = 256
)
