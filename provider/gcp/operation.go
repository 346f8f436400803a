package gcp

import (
	"context"
	"fmt"
	"strings"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/driftless/driftless/provider"
)

// Poll pacing, as the SDK's own Wait: 1 s doubling to 60 s, but on the
// injected clock so tests drive it.
const (
	pollInitial = time.Second
	pollMax     = time.Minute
)

// operation is a zone operation polled on the adapter's clock.
type operation struct {
	p    *Provider
	call string
	op   *compute.Operation
}

// Name implements provider.Operation.
func (o *operation) Name() string { return o.op.Name() }

// Wait implements provider.Operation: it polls until the operation is DONE,
// then reports the operation's own errors, which the SDK's Wait ignores.
func (o *operation) Wait(ctx context.Context) error {
	delay := pollInitial
	for !o.op.Done() {
		if err := o.p.sleep(ctx, delay); err != nil {
			return fmt.Errorf("%s: wait for %s: %w", Name, o.call, err)
		}
		delay = min(2*delay, pollMax)
		if err := o.op.Poll(ctx, noRetry()); err != nil {
			// Poll fails on a DONE operation with an HTTP error status:
			// that is the operation's failure, not the poll's.
			if o.op.Done() {
				break
			}
			return o.p.classify("poll "+o.call, err)
		}
	}
	return opError(o.call, o.op.Proto())
}

// opError returns an error matching provider.ErrOperationFailed when a DONE
// operation carries errors or an HTTP error status.
func opError(call string, op *computepb.Operation) error {
	var msgs []string
	for _, e := range op.GetError().GetErrors() {
		msgs = append(msgs, e.GetCode()+": "+quote(e.GetMessage()))
	}
	if code := op.GetHttpErrorStatusCode(); len(msgs) == 0 && code != 0 && (code < 200 || code > 299) {
		msgs = append(msgs, fmt.Sprintf("HTTP %d: %s", code, quote(op.GetHttpErrorMessage())))
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s: operation %s finished with errors: %s: %w",
		Name, call, op.GetName(), strings.Join(msgs, "; "), provider.ErrOperationFailed)
}

// sleep waits d on the adapter's clock, or until ctx ends.
func (p *Provider) sleep(ctx context.Context, d time.Duration) error {
	t := p.cfg.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
