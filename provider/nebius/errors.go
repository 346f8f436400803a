package nebius

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/provider"
)

// maxRetryAfter caps a server's retry hint so a hostile answer cannot park
// the reconciler for years.
const maxRetryAfter = 24 * time.Hour

// Causes of answers the adapter cannot use.
var (
	// errForeign: a Get answered about another resource, or without a
	// state.
	errForeign = errors.New("nebius: the answer does not describe the resource asked for")
	// errIncomplete: a listed item without its id or state; a listing
	// that cannot be read is never "the end".
	errIncomplete = errors.New("nebius: a listed item has no id or state")
)

// callError is one failed call: the call's name, its class (a provider
// sentinel, or nil) and its cause, all reachable with errors.Is / As.
type callError struct {
	call  string
	class error
	cause error
}

// Error implements error. The cause's text comes from the service (or a
// shim) and is quoted inside, so that a newline in it cannot forge a log
// line.
func (e *callError) Error() string {
	return fmt.Sprintf("%s: %s: %s", Name, e.call, cut(e.cause.Error()))
}

// Unwrap exposes the class sentinel (if any) and the cause.
func (e *callError) Unwrap() []error {
	if e.class == nil {
		return []error{e.cause}
	}
	return []error{e.class, e.cause}
}

// grpcStatus returns the gRPC status carried by err, however deeply it is
// wrapped.
func grpcStatus(err error) (*status.Status, bool) {
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		return se.GRPCStatus(), true
	}
	return nil, false
}

// classify applies the provider error contract to a service error.
func classify(call string, err error) error {
	if errors.Is(err, ErrQuota) || errors.Is(err, ErrNotEnoughResources) {
		// The gRPC client's quota or capacity refusal: definitive.
		return &callError{call, provider.ErrRefused, err}
	}
	if st, ok := grpcStatus(err); ok {
		switch st.Code() {
		case codes.NotFound:
			return &callError{call, provider.ErrNotFound, err}
		case codes.ResourceExhausted:
			return &provider.RateLimitError{Provider: Name, RetryAfter: retryDelay(st), Err: &callError{call, nil, err}}
		case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.Canceled, codes.Internal:
			return &callError{call, provider.ErrUnavailable, err}
		case codes.FailedPrecondition:
			// The resource's state forbids the call (BadResourceState):
			// an instance still stopping, a disk still attached. It
			// settles by itself, so it is worth resending within the
			// action's deadline.
			return &callError{call, provider.ErrRetryableConflict, err}
		case codes.AlreadyExists:
			return &callError{call, provider.ErrConflict, err}
		case codes.InvalidArgument, codes.OutOfRange:
			// The request itself was refused: resending will not help.
			return &callError{call, provider.ErrRefused, err}
		default:
			return &callError{call, nil, err}
		}
	}
	var nerr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.As(err, &nerr) {
		return &callError{call, provider.ErrUnavailable, err}
	}
	return &callError{call, nil, err}
}

// retryDelay is the RetryInfo hint of a status, or zero.
func retryDelay(st *status.Status) time.Duration {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay().IsValid() {
			return min(max(ri.GetRetryDelay().AsDuration(), 0), maxRetryAfter)
		}
	}
	return 0
}
