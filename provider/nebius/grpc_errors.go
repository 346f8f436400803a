package nebius

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// Errors of the gRPC client, beside the provider sentinels the adapter
// maps codes to.
var (
	// ErrAuth: UNAUTHENTICATED (no, a bad or an expired token) or
	// PERMISSION_DENIED. Definitive: never transient, never "absent".
	ErrAuth = errors.New("nebius: not authorized")
	// ErrQuota: RESOURCE_EXHAUSTED with a QuotaFailure detail. Retrying
	// within minutes will not help.
	ErrQuota = errors.New("nebius: quota exceeded")
	// ErrNotEnoughResources: RESOURCE_EXHAUSTED with a NotEnoughResources
	// detail (no capacity). Retrying within minutes will not help.
	ErrNotEnoughResources = errors.New("nebius: not enough resources")
	// ErrUnexpectedStatus: a code these calls are not expected to fail
	// with (InvalidArgument, Unimplemented, Unknown, OutOfRange, ...):
	// the request or the endpoint is wrong, so retrying will not help.
	ErrUnexpectedStatus = errors.New("nebius: unexpected status")
)

// maxMessage cuts server-supplied text in errors.
const maxMessage = 200

// StatusError is a call the server answered with an error status. Its
// GRPCStatus method keeps the status reachable (status.FromError, and the
// adapter's classification of NotFound, Unavailable, FailedPrecondition,
// TooManyRequests ...). It matches ErrAuth or ErrUnexpectedStatus where
// the code says so.
type StatusError struct {
	// Method is the call, e.g. "InstanceService/Get".
	Method string
	// Code is the status code.
	Code codes.Code
	// Message is the status message, cut short.
	Message string
	// Detail is the ServiceError details case, e.g. "too_many_requests",
	// or "" when the status carried no ServiceError.
	Detail string
	// RetryType is the ServiceError's retry_type, e.g. "CALL", or "".
	RetryType string

	status *status.Status
}

// Error implements error.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: %s: %s", Name, e.Method, e.Code, e.Message)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// GRPCStatus returns the status the server sent, details included.
func (e *StatusError) GRPCStatus() *status.Status { return e.status }

// Unwrap returns the class of the code: ErrAuth, ErrUnexpectedStatus, or
// nil for the codes the adapter classifies itself.
func (e *StatusError) Unwrap() error {
	switch e.Code {
	case codes.Unauthenticated, codes.PermissionDenied:
		return ErrAuth
	case codes.NotFound, codes.ResourceExhausted, codes.Unavailable, codes.DeadlineExceeded, codes.Aborted,
		codes.Canceled, codes.Internal, codes.FailedPrecondition, codes.AlreadyExists:
		return nil
	}
	return ErrUnexpectedStatus
}

// RefusalError is RESOURCE_EXHAUSTED that is not a rate limit: a quota or
// a capacity refusal, told apart by the ServiceError detail. It matches
// ErrQuota or ErrNotEnoughResources, never provider.ErrRateLimited.
//
// It has no GRPCStatus method on purpose: code that reads only the status
// code (the adapter's classification among it) would take it for a rate
// limit and retry it within seconds. Status returns the status.
type RefusalError struct {
	// Method is the call, e.g. "InstanceService/Start".
	Method string
	// Reason is ErrQuota or ErrNotEnoughResources.
	Reason error
	// Message is the status message, cut short.
	Message string
	// Violations say which quota or resource, as the detail lists them.
	Violations []string

	status *status.Status
}

// Error implements error.
func (e *RefusalError) Error() string {
	msg := fmt.Sprintf("%s %s: %v: %s", Name, e.Method, e.Reason, e.Message)
	if len(e.Violations) > 0 {
		msg += " [" + strings.Join(e.Violations, "; ") + "]"
	}
	return msg
}

// Unwrap returns Reason.
func (e *RefusalError) Unwrap() error { return e.Reason }

// Status returns the status the server sent, details included.
func (e *RefusalError) Status() *status.Status { return e.status }

// BadResponseError is an answer the client cannot use: a missing status,
// a missing id, an answer about another resource, an address that does
// not parse. It matches provider.ErrBadResponse.
type BadResponseError struct {
	// Method is the call, e.g. "DiskService/Get".
	Method string
	// Reason says what is wrong with the answer.
	Reason string
}

// Error implements error.
func (e *BadResponseError) Error() string {
	return fmt.Sprintf("%s %s: bad response: %s", Name, e.Method, e.Reason)
}

// Is makes errors.Is(err, provider.ErrBadResponse) true.
func (e *BadResponseError) Is(target error) bool { return target == provider.ErrBadResponse }

// badResponse returns a *BadResponseError.
func badResponse(method, format string, args ...any) error {
	return &BadResponseError{Method: method, Reason: fmt.Sprintf(format, args...)}
}

// callFailure turns a failed call's error into the client's typed error.
// Every error of a gRPC client call is a status; anything else passes
// through wrapped.
func callFailure(method string, err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("%s %s: %w", Name, method, err)
	}
	return statusFailure(method, st)
}

// statusFailure is callFailure of a status; it also reads failed
// operations' statuses.
func statusFailure(method string, st *status.Status) error {
	se := serviceError(st)
	if st.Code() == codes.ResourceExhausted {
		if reason, violations := refusal(se); reason != nil {
			return &RefusalError{Method: method, Reason: reason, Message: cut(st.Message()), Violations: violations, status: st}
		}
	}
	e := &StatusError{Method: method, Code: st.Code(), Message: cut(st.Message()), status: st}
	if se != nil {
		e.Detail = detailName(se)
		e.RetryType = se.GetRetryType().String()
	}
	return e
}

// serviceError returns the first ServiceError in st's details, or nil. A
// detail that does not decode is skipped: the code alone still classifies.
func serviceError(st *status.Status) *nebiuspb.ServiceError {
	for _, d := range st.Proto().GetDetails() {
		var se nebiuspb.ServiceError
		if d.MessageIs(&se) && d.UnmarshalTo(&se) == nil {
			return &se
		}
	}
	return nil
}

// refusal reads a RESOURCE_EXHAUSTED detail: ErrQuota or
// ErrNotEnoughResources with the violations, or nil for a rate limit.
// Without either detail (TooManyRequests, or none) it is a rate limit:
// retrying later is what a rate limit needs, and a refusal misread as one
// only costs a backed-off call.
func refusal(se *nebiuspb.ServiceError) (error, []string) {
	var out []string
	switch d := se.GetDetails().(type) {
	case *nebiuspb.ServiceError_QuotaFailure:
		for _, v := range d.QuotaFailure.GetViolations() {
			out = append(out, cut(fmt.Sprintf("%s: %s (limit %s, requested %s)", v.GetQuota(), v.GetMessage(), v.GetLimit(), v.GetRequested())))
		}
		return ErrQuota, out
	case *nebiuspb.ServiceError_NotEnoughResources:
		for _, v := range d.NotEnoughResources.GetViolations() {
			out = append(out, cut(fmt.Sprintf("%s: %s (requested %s)", v.GetResourceType(), v.GetMessage(), v.GetRequested())))
		}
		return ErrNotEnoughResources, out
	}
	return nil, nil
}

// detailName is the name of se's details case, "" when unset or unknown.
func detailName(se *nebiuspb.ServiceError) string {
	m := se.ProtoReflect()
	if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("details")); fd != nil {
		return string(fd.Name())
	}
	return ""
}

// cut makes server text safe and short for an error message: quoted
// control characters, at most maxMessage bytes.
func cut(s string) string {
	if len(s) > maxMessage {
		s = s[:maxMessage] + "..."
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
