package nebius

import (
	"context"
	"sync"

	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// grpcOperation is an Operation read with OperationService.Get, on the
// same connection as the call that started it (Nebius serves operations
// where they were started).
type grpcOperation struct {
	c        *Client
	resource string

	mu sync.Mutex
	op *nebiuspb.Operation
}

var _ Operation = (*grpcOperation)(nil)

// ID implements Operation.
func (o *grpcOperation) ID() string { return o.get().GetId() }

// ResourceID implements Operation: the resource the operation acts on (a
// Create's new resource).
func (o *grpcOperation) ResourceID() string {
	if id := o.get().GetResourceId(); id != "" {
		return id
	}
	return o.resource
}

// Done implements Operation: an operation is done once its status is set.
func (o *grpcOperation) Done() bool { return o.get().GetStatus() != nil }

// Status implements Operation: nil while running; the finished status,
// ServiceError details included, after.
func (o *grpcOperation) Status() *status.Status {
	if st := o.get().GetStatus(); st != nil {
		return status.FromProto(st)
	}
	return nil
}

// Poll implements Operation: one OperationService.Get, unless done.
func (o *grpcOperation) Poll(ctx context.Context) error {
	cur := o.get()
	if cur.GetStatus() != nil {
		return nil
	}
	const method = "OperationService/Get"
	op, err := invoke(ctx, o.c, method, o.c.ops.Get, &nebiuspb.GetOperationRequest{Id: cur.GetId()})
	if err != nil {
		return err
	}
	if op.GetId() != cur.GetId() {
		return badResponse(method, "answer about operation %q, asked for %q", cut(op.GetId()), cut(cur.GetId()))
	}
	if _, err := operationFrom(method, o.resource, op); err != nil {
		return err
	}
	o.mu.Lock()
	o.op = op
	o.mu.Unlock()
	return nil
}

// get returns the last answer read.
func (o *grpcOperation) get() *nebiuspb.Operation {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.op
}
