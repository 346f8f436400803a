package hyperstack

import (
	"net/http"
	"strconv"
	"strings"
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
// is trusted to say what a status means for a resource, and only its own
// not-found (status false, error_reason "not_found") is a resource's
// absence: a 404 from a gateway or a wrong endpoint — an HTML page, a
// front end's {"message":"no Route matched"} — is a bad response, so a
// misrouted base URL can never make every host look deprovisioned.
func statusError(call string, status int, body []byte) error {
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
		return &provider.RateLimitError{Provider: Name, RetryAfter: RateLimitHint, Err: rest.Failed(Name, call, nil, api)}
	case status >= 500:
		return rest.Failed(Name, call, provider.ErrUnavailable, api)
	case !hasEnvelope:
		return rest.Failed(Name, call, provider.ErrBadResponse, api)
	case status == http.StatusNotFound && isNotFound(env):
		return rest.Failed(Name, call, provider.ErrNotFound, api)
	case status == http.StatusNotFound:
		return rest.Failed(Name, call, provider.ErrBadResponse, api)
	case status == http.StatusBadRequest && stateConflict(env):
		// A state that settles by itself: worth resending within the
		// action's deadline.
		return rest.Failed(Name, call, provider.ErrRetryableConflict, api)
	case status == http.StatusConflict:
		return rest.Failed(Name, call, provider.ErrConflict, api)
	case status >= 300 && status < 400:
		return rest.Failed(Name, call, provider.ErrBadResponse, api)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		// The key or its permissions: says nothing about the resource.
		return rest.Failed(Name, call, nil, api)
	default:
		// A malformed request, a quota: definitive, with the message.
		return rest.Failed(Name, call, provider.ErrRefused, api)
	}
}

// isNotFound reports whether env is Hyperstack's own not-found answer.
func isNotFound(env envelope) bool {
	return env.Status != nil && !*env.Status && strings.EqualFold(env.ErrorReason, "not_found")
}

// conflictMessages are the parts of the messages with which Hyperstack
// refuses a request because of a resource's current state. Hyperstack
// answers these as 400 bad_request, like a malformed request, so only the
// message tells them apart; they are worth retrying within an action's
// deadline (provider.ErrRetryableConflict), a malformed request is not.
var conflictMessages = []string{
	"currently attached",         // deleting a volume a VM still holds
	"currently being created",    // deleting a VM still being created
	"is not available",           // a name still taken by a VM being deleted
	"not in the correct state",   // start, stop or restore in the wrong state
	"state and cannot",           // the same, in other words
	"must be in",                 // "the virtual machine must be in SHUTOFF ..."
	"the action is not possible", // an action the current state forbids
}

// stateConflict reports whether env is a state-precondition refusal.
func stateConflict(env envelope) bool {
	if !strings.EqualFold(env.ErrorReason, "bad_request") {
		return false
	}
	msg := strings.ToLower(env.Message)
	for _, m := range conflictMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// RateLimitHint is the retry hint of a 429: Hyperstack blocks a client
// that went over its limit for the next minute, counted from then (not to
// the next whole minute), and sends no Retry-After.
const RateLimitHint = time.Minute
