package nebius

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/provider"
)

// PollInterval is how often Wait polls an operation: gosdk's default.
const PollInterval = time.Second

// operation is a Nebius operation polled on the adapter's clock.
type operation struct {
	p    *Provider
	call string
	op   Operation
}

// Name implements provider.Operation.
func (o *operation) Name() string { return o.op.ID() }

// Wait implements provider.Operation: it polls until the operation is done
// and returns an error matching provider.ErrOperationFailed when it
// finished with a non-OK status — but provider.ErrOverridden when it ended
// ABORTED: a later operation on the resource (a console stop during our
// start) overtook it, which is drift for the reconciler, not a failed
// action.
func (o *operation) Wait(ctx context.Context) error {
	for !o.op.Done() {
		if err := clock.Sleep(ctx, o.p.cfg.Clock, PollInterval); err != nil {
			return fmt.Errorf("%s: wait for %s: %w", Name, o.call, err)
		}
		if err := o.op.Poll(ctx); err != nil {
			return classify("poll "+o.call, err)
		}
	}
	if st := o.op.Status(); st != nil && st.Code() == codes.Aborted {
		return fmt.Errorf("%s: %s: operation %s was aborted by a later one: %s: %w",
			Name, o.call, o.op.ID(), quote(st.Message()), provider.ErrOverridden)
	}
	if st := o.op.Status(); st != nil && st.Code() != codes.OK {
		return fmt.Errorf("%s: %s: operation %s finished with %s: %w: %w",
			Name, o.call, o.op.ID(), st.Code(), provider.ErrOperationFailed, st.Err())
	}
	return nil
}
