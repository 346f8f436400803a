package fakes

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/clock"
)

// operation is a gcp or nebius operation of the fake cloud; Wait blocks on
// the cloud's clock, so a test drives it with Clock.Advance.
type operation struct {
	c    *Cloud
	kind string
	id   string
}

// Name returns the operation id.
func (o *operation) Name() string { return o.id }

// Wait blocks until the clock reaches the operation's done time, then
// returns its error (matching provider.ErrOperationFailed) if it failed.
// It returns early, with ctx's error, when ctx ends. Polling is free: Wait
// counts no API calls and draws no faults.
func (o *operation) Wait(ctx context.Context) error {
	for {
		done, opErr, ok := o.c.Operation(o.kind, o.id)
		if !ok {
			return fmt.Errorf("fakes: %s operation %s: unknown", o.kind, o.id)
		}
		if done {
			return opErr
		}
		at, _ := o.c.operationDone(o.kind, o.id)
		if err := clock.Sleep(ctx, o.c.clock, at.Sub(o.c.clock.Now())); err != nil {
			return fmt.Errorf("fakes: waiting for %s operation %s: %w", o.kind, o.id, err)
		}
	}
}
