package pgstore

import (
	"fmt"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// DecodeError reports a stored host row that does not decode into a
// hoststate.Record: an unknown status name, jsonb of the wrong shape, an
// infinite timestamp — a row edited by hand or written by a newer
// version. Get returns it; List and Due skip the row and log it, so one bad
// row neither hides the rest nor gets rewritten by a reconciler that never
// saw it. It matches store.ErrInvalidRecord.
type DecodeError struct {
	// ID is the row's host id (cut to store.MaxIDLen).
	ID string
	// Err is what failed.
	Err error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("pgstore: host %q: stored row does not decode: %v", e.ID, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is reports that a DecodeError matches store.ErrInvalidRecord.
func (e *DecodeError) Is(target error) bool { return target == store.ErrInvalidRecord }

// boundedID cuts id to store.MaxIDLen for messages.
func boundedID(id string) string { return hoststate.Truncate(id, store.MaxIDLen) }
