package waiter

import (
	"context"
	"sync"

	"github.com/driftless/driftless/hoststate"
)

// Handle follows one action started with [Actions.Begin]. Its methods are
// safe for concurrent use.
type Handle struct {
	// HostID and Action name the action; Seq is its action sequence
	// number (Record.ActionSeq), which identifies it in the store.
	HostID string
	Action hoststate.Action
	Seq    uint64

	begun hoststate.Record
	sent  chan struct{}
	done  chan struct{}

	mu  sync.Mutex
	rec hoststate.Record
	err error
}

func newHandle(begun hoststate.Record, act hoststate.Action) *Handle {
	return &Handle{HostID: begun.ID, Action: act, Seq: begun.ActionSeq, begun: begun, rec: begun,
		sent: make(chan struct{}), done: make(chan struct{})}
}

// Begun returns the record as Begin wrote it: the transitional status, the
// action and its deadline.
func (h *Handle) Begun() hoststate.Record { return h.begun }

// Sent is closed once the provider call has gone out (or the action ended
// before it could).
func (h *Handle) Sent() <-chan struct{} { return h.sent }

// Done is closed once the action's outcome is known.
func (h *Handle) Done() <-chan struct{} { return h.done }

// Outcome returns the action's result once Done is closed — the record as
// last written or read and the error the blocking method would have
// returned — and ok false before.
func (h *Handle) Outcome() (rec hoststate.Record, err error, ok bool) {
	select {
	case <-h.done:
	default:
		return h.begun, nil, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rec, h.err, true
}

// Wait blocks until the outcome is known or ctx ends. A ctx that ends
// returns ctx's error and leaves the action running.
func (h *Handle) Wait(ctx context.Context) (hoststate.Record, error) {
	select {
	case <-h.done:
		rec, err, _ := h.Outcome()
		return rec, err
	case <-ctx.Done():
		return h.begun, ctx.Err()
	}
}

// markSent closes Sent once.
func (h *Handle) markSent() {
	select {
	case <-h.sent:
	default:
		close(h.sent)
	}
}

// finish records the outcome and closes Done.
func (h *Handle) finish(rec hoststate.Record, err error) {
	h.mu.Lock()
	h.rec, h.err = rec, err
	h.mu.Unlock()
	h.markSent()
	close(h.done)
}
