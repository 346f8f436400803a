package kernel

import (
	"context"
	"errors"
	"fmt"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// MaxConflicts bounds how often Modify re-reads and re-decides after a
// version conflict before it gives up: enough for any real contention on
// one host, finite so a hot host cannot spin a caller forever.
const MaxConflicts = 8

// ErrUnchanged is returned by a Modify decision to say "nothing to write";
// Modify then returns the current record and no error.
var ErrUnchanged = errors.New("kernel: nothing to write")

// Modify is the one compare-and-swap loop: it reads host id, lets decide
// turn the current record into a write, and writes it with the version it
// read. On a conflict it re-reads and decides again, at most MaxConflicts
// times. decide's error (other than ErrUnchanged) ends the loop unwritten.
func Modify(ctx context.Context, st store.Store, id string, decide func(cur hoststate.Record) (store.Write, error)) (hoststate.Record, error) {
	cur, err := st.Get(ctx, id)
	if err != nil {
		return cur, err
	}
	return ModifyFrom(ctx, st, cur, decide)
}

// ModifyFrom is Modify starting from a record the caller has just read, so
// the common case costs one write and no read.
func ModifyFrom(ctx context.Context, st store.Store, cur hoststate.Record, decide func(cur hoststate.Record) (store.Write, error)) (hoststate.Record, error) {
	for attempt := 1; ; attempt++ {
		w, err := decide(cur)
		if errors.Is(err, ErrUnchanged) {
			return cur, nil
		}
		if err != nil {
			return cur, err
		}
		w.Record.ID, w.Record.Version = cur.ID, cur.Version
		written, err := st.Update(ctx, w)
		if err == nil {
			return written, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return cur, err
		}
		if attempt == MaxConflicts {
			return cur, fmt.Errorf("kernel: %q: %w %d times in a row", cur.ID, err, MaxConflicts)
		}
		if cur, err = st.Get(ctx, cur.ID); err != nil {
			return cur, err
		}
	}
}
