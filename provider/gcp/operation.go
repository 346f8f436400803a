package gcp

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/driftless/driftless/clock"
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
	// name is the operation's name when it was returned: every answer
	// must be about it.
	name string
}

// opName is the syntax of Compute Engine operation names
// ("operation-1712345678901-61a2b3c4d5e6f-7a8b9c0d-1e2f3a4b"). The SDK
// puts the name into the poll's path unescaped, so an answer naming
// anything else is refused before it can address another resource.
var opName = regexp.MustCompile(`^[a-z0-9][-a-z0-9_]{0,127}$`)

// checkOpName returns an error matching provider.ErrBadResponse unless
// name is an operation name.
func checkOpName(call, name string) error {
	if !opName.MatchString(name) {
		return &callError{call, provider.ErrBadResponse, "the answer names operation " + quote(name), errIncomplete}
	}
	return nil
}

// Name implements provider.Operation.
func (o *operation) Name() string { return o.op.Name() }

// Wait implements provider.Operation: it polls until the operation is DONE,
// then reports the operation's own errors, which the SDK's Wait ignores.
func (o *operation) Wait(ctx context.Context) error {
	delay := pollInitial
	for !o.op.Done() {
		if err := clock.Sleep(ctx, o.p.cfg.Clock, delay); err != nil {
			return fmt.Errorf("%s: wait for %s: %w", Name, o.call, err)
		}
		delay = min(2*delay, pollMax)
		err := o.op.Poll(ctx, noRetry())
		if name := o.op.Name(); name != o.name {
			// The next poll would go to the path this answer names.
			return &callError{"poll " + o.call, provider.ErrBadResponse, "an answer about operation " + quote(name) + ", not " + quote(o.name), errIncomplete}
		}
		if err != nil {
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
		msgs = append(msgs, e.GetCode()+": "+quote(redact(e.GetMessage())))
	}
	if code := op.GetHttpErrorStatusCode(); len(msgs) == 0 && code != 0 && (code < 200 || code > 299) {
		msgs = append(msgs, fmt.Sprintf("HTTP %d: %s", code, quote(redact(op.GetHttpErrorMessage()))))
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s: operation %s finished with errors: %s: %w",
		Name, call, op.GetName(), strings.Join(msgs, "; "), provider.ErrOperationFailed)
}
