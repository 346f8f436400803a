package hyperstack

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/driftless/driftless/provider"
)

// errBodyTooLarge is the cause of an answer longer than the size cap.
var errBodyTooLarge = errors.New("hyperstack: response body exceeds the size cap")

// APIError is Hyperstack's own error answer: the HTTP status and the
// envelope's message and error_reason. Callers reach it with errors.As,
// e.g. to tell a rejected API key (401/403) from other failures.
type APIError struct {
	// HTTPStatus is the response status code.
	HTTPStatus int
	// Reason is the envelope's error_reason ("" when absent).
	Reason string
	// Message is the envelope's message, cut to a readable length.
	Message string
}

// Error implements error.
func (e *APIError) Error() string {
	s := "HTTP " + strconv.Itoa(e.HTTPStatus)
	if e.Reason != "" {
		s += " " + e.Reason
	}
	if e.Message != "" {
		s += ": " + quote(e.Message)
	}
	return s
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

// statusError classifies a non-2xx answer. Only Hyperstack's JSON envelope
// is trusted to say what a status means for a resource: an HTML 404 from a
// proxy is a bad response, never "absent".
func statusError(call string, status int, body []byte, now time.Time) error {
	env, jerr := decodeEnvelope(body)
	hasEnvelope := jerr == nil && (env.Status != nil || env.Message != "")
	api := &APIError{HTTPStatus: status}
	if hasEnvelope {
		api.Reason, api.Message = env.ErrorReason, cut(env.Message)
	} else {
		api.Message = "non-JSON body " + snippet(body)
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &provider.RateLimitError{Provider: Name, RetryAfter: restOfMinute(now), Err: &callError{call, nil, api}}
	case status >= 500:
		return &callError{call, provider.ErrUnavailable, api}
	case !hasEnvelope:
		return &callError{call, provider.ErrBadResponse, api}
	case status == http.StatusNotFound:
		return &callError{call, provider.ErrNotFound, api}
	case status == http.StatusConflict:
		return &callError{call, provider.ErrConflict, api}
	case status >= 300 && status < 400:
		return &callError{call, provider.ErrBadResponse, api}
	default:
		return &callError{call, nil, api}
	}
}

// restOfMinute is the rate-limit hint: Hyperstack counts requests per
// minute and answers 429 for the rest of it, without Retry-After.
func restOfMinute(now time.Time) time.Duration {
	return now.Truncate(time.Minute).Add(time.Minute).Sub(now)
}

// cut shortens provider text for messages.
func cut(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// quote quotes provider or user text for messages, cut to a readable
// length.
func quote(s string) string { return strconv.Quote(cut(s)) }
