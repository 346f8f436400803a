package smoke

import (
	"context"
	"fmt"
	"time"

	"github.com/driftless/driftless/hoststate"
)

// cleanupLimit bounds the cleanup of one target on the run's clock.
const cleanupLimit = 30 * time.Minute

// cleanup deletes whatever of the run's host still exists — after a
// failed step or an interrupted run — and returns what remains. It runs
// even when ctx has ended, within cleanupLimit.
func (h *harness) cleanup(ctx context.Context) []string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupLimit)
	defer cancel()
	h.clearFaults()
	left, err := h.t.Inspector.Leftovers(ctx, h.t.Host)
	if err != nil {
		return []string{fmt.Sprintf("unknown: the provider's leftovers could not be read: %v", err)}
	}
	if len(left) == 0 {
		return nil
	}
	if h.t.Provider.Supports(h.t.Host, hoststate.ActionDeprovision) != nil {
		// Nothing the library can delete (a self-host's VM is the user's).
		return nil
	}
	if err := h.restart(); err == nil {
		if _, err := h.perform(ctx, hoststate.ActionDeprovision); err != nil {
			h.deleteDirectly(ctx)
		}
	} else {
		h.deleteDirectly(ctx)
	}
	h.st.take()
	if left, err = h.t.Inspector.Leftovers(ctx, h.t.Host); err != nil {
		return []string{fmt.Sprintf("unknown: the provider's leftovers could not be read: %v", err)}
	}
	return left
}

// deleteDirectly sends the provider's deprovision and waits for its
// operation, for a host whose record cannot take the action (one still
// deprovisioning after a crash), within cleanupLimit on the run's clock.
func (h *harness) deleteDirectly(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The deadline is a timer of the run's clock, as a waiter's is, so a
	// fake clock moves on while the operation waits.
	deadline := h.cfg.Time.Clock().NewTimer(cleanupLimit)
	defer deadline.Stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		op, err := h.t.Provider.Deprovision(ctx, h.t.Host)
		if err == nil && op != nil {
			_ = op.Wait(ctx)
		}
	}()
	go func() {
		select {
		case <-deadline.C():
			cancel()
		case <-done:
		}
	}()
	_ = h.cfg.Time.Await(ctx, done)
}
