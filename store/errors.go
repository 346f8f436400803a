package store

import "errors"

// Errors every Store returns, matched with errors.Is.
var (
	// ErrConflict: a write carries a stale Version; someone else wrote the
	// host since it was read. Re-read and decide again.
	ErrConflict = errors.New("store: version conflict")
	// ErrNotFound: no host with that id.
	ErrNotFound = errors.New("store: host not found")
	// ErrInvalidRecord: the record or argument cannot be stored (empty or
	// oversized id, invalid status, a host twice in one batch).
	ErrInvalidRecord = errors.New("store: invalid record")
	// ErrFenced: the write's lease is no longer held at the write's epoch
	// (it expired, was released or moved to another owner). Nothing was
	// written; the writer has lost its shard.
	ErrFenced = errors.New("store: lease lost (fenced write)")
)
