package lambda

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/driftless/driftless/provider"
)

// Lambda error codes the adapter classifies.
const (
	CodeNotFound             = "global/object-does-not-exist"
	CodeInvalidAPIKey        = "global/invalid-api-key"
	CodeAccountInactive      = "global/account-inactive"
	CodeInvalidParameters    = "global/invalid-parameters"
	CodeQuotaExceeded        = "global/quota-exceeded"
	CodeInternalError        = "global/internal-error"
	CodeInsufficientCapacity = "instance-operations/launch/insufficient-capacity"
	CodeFilesystemInUse      = "filesystems/filesystem-in-use"
)

// maxRetryAfter caps a Retry-After hint so a hostile header cannot park the
// reconciler for years.
const maxRetryAfter = 24 * time.Hour

// errBodyTooLarge is the cause of an answer longer than the size cap.
var errBodyTooLarge = errors.New("lambda: response body exceeds the size cap")

// APIError is Lambda's own error answer. Callers reach it with errors.As,
// e.g. to tell a rejected API key from other failures.
type APIError struct {
	// HTTPStatus is the response status code.
	HTTPStatus int
	// Code is the envelope's code, e.g. CodeQuotaExceeded; "" when the body
	// was not Lambda's envelope.
	Code string
	// Message is the envelope's message (cut to a readable length), or a
	// snippet of a body that was not the envelope.
	Message string
}

// Error implements error.
func (e *APIError) Error() string {
	s := "HTTP " + strconv.Itoa(e.HTTPStatus)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unauthorized reports whether Lambda rejected the API key or the account.
func (e *APIError) Unauthorized() bool {
	return e.Code == CodeInvalidAPIKey || e.Code == CodeAccountInactive
}

// callError is one failed API call: the call's name, its class (a provider
// sentinel, or nil) and its cause, all reachable with errors.Is / As.
type callError struct {
	call  string
	class error
	cause error
}

// Error implements error.
func (e *callError) Error() string { return fmt.Sprintf("%s: %s: %v", Name, e.call, e.cause) }

// Unwrap exposes the class sentinel (if any) and the cause.
func (e *callError) Unwrap() []error {
	if e.class == nil {
		return []error{e.cause}
	}
	return []error{e.class, e.cause}
}

// transportError classifies a failure to get an answer at all.
func transportError(call string, err error) error {
	if errors.Is(err, errBodyTooLarge) {
		return &callError{call, provider.ErrBadResponse, err}
	}
	return &callError{call, provider.ErrUnavailable, err}
}

// statusError classifies a non-2xx answer by Lambda's error code. Only the
// envelope is trusted to say what a status means for a resource.
func statusError(call string, status int, header http.Header, body []byte, now time.Time) error {
	code, msg, ok := decodeError(body)
	api := &APIError{HTTPStatus: status, Code: code, Message: cut(msg)}
	if !ok {
		api.Message = "body is not Lambda's error envelope: " + snippet(body)
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &provider.RateLimitError{Provider: Name, RetryAfter: retryAfter(header, now), Err: &callError{call, nil, api}}
	case status >= 500, code == CodeInternalError, code == CodeInsufficientCapacity:
		return &callError{call, provider.ErrUnavailable, api}
	case !ok:
		return &callError{call, provider.ErrBadResponse, api}
	case code == CodeNotFound:
		return &callError{call, provider.ErrNotFound, api}
	case code == CodeFilesystemInUse:
		return &callError{call, provider.ErrConflict, api}
	default:
		return &callError{call, nil, api}
	}
}

// retryAfter parses Retry-After (delay seconds or an HTTP date), or
// returns DefaultRetryAfter.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 {
		return min(time.Duration(min(secs, int64(maxRetryAfter/time.Second)))*time.Second, maxRetryAfter)
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfter)
	}
	return DefaultRetryAfter
}

// cut shortens provider text for messages.
func cut(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// quote quotes provider or user text for messages, cut short.
func quote(s string) string { return strconv.Quote(cut(s)) }
