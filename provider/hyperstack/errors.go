package hyperstack

import (
	"net/http"
	"strconv"
	"time"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

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
		s += ": " + rest.Quote(e.Message)
	}
	return s
}

// statusError classifies a non-2xx answer. Only Hyperstack's JSON envelope
// is trusted to say what a status means for a resource: an HTML 404 from a
// proxy is a bad response, never "absent".
func statusError(call string, status int, body []byte, now time.Time) error {
	env, jerr := decodeEnvelope(body)
	hasEnvelope := jerr == nil && (env.Status != nil || env.Message != "")
	api := &APIError{HTTPStatus: status}
	if hasEnvelope {
		api.Reason, api.Message = env.ErrorReason, rest.Cut(env.Message)
	} else {
		api.Message = "non-JSON body " + rest.Snippet(body)
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &provider.RateLimitError{Provider: Name, RetryAfter: restOfMinute(now), Err: rest.Failed(Name, call, nil, api)}
	case status >= 500:
		return rest.Failed(Name, call, provider.ErrUnavailable, api)
	case !hasEnvelope:
		return rest.Failed(Name, call, provider.ErrBadResponse, api)
	case status == http.StatusNotFound:
		return rest.Failed(Name, call, provider.ErrNotFound, api)
	case status == http.StatusConflict:
		return rest.Failed(Name, call, provider.ErrConflict, api)
	case status >= 300 && status < 400:
		return rest.Failed(Name, call, provider.ErrBadResponse, api)
	default:
		return rest.Failed(Name, call, nil, api)
	}
}

// restOfMinute is the rate-limit hint: Hyperstack counts requests per
// minute and answers 429 for the rest of it, without Retry-After.
func restOfMinute(now time.Time) time.Duration {
	return now.Truncate(time.Minute).Add(time.Minute).Sub(now)
}
