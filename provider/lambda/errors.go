package lambda

import (
	"net/http"
	"strconv"
	"time"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
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
	CodeUnknown              = "global/unknown"
	CodeInvalidAddress       = "global/invalid-address"
	CodeFileSystemWrongPlace = "global/file-system-in-wrong-region"
	CodeKeyInUse             = "ssh-keys/key-in-use"
)

// maxRetryAfter caps a Retry-After hint so a hostile header cannot park the
// reconciler for years.
const maxRetryAfter = 24 * time.Hour

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
		// Quoted: a newline in Lambda's text cannot forge a log line.
		s += ": " + strconv.Quote(e.Message)
	}
	return s
}

// Unauthorized reports whether Lambda rejected the API key or the account.
func (e *APIError) Unauthorized() bool {
	return e.Code == CodeInvalidAPIKey || e.Code == CodeAccountInactive
}

// statusError classifies a non-2xx answer by Lambda's error code. Only the
// envelope is trusted to say what a status means for a resource.
func statusError(call string, status int, header http.Header, body []byte, now time.Time) error {
	code, msg, ok := decodeError(body)
	api := &APIError{HTTPStatus: status, Code: code, Message: rest.Cut(msg)}
	if !ok {
		api.Message = "body is not Lambda's error envelope: " + rest.Snippet(body)
	}
	switch {
	case status == http.StatusTooManyRequests:
		return &provider.RateLimitError{Provider: Name, RetryAfter: retryAfter(header, now), Err: rest.Failed(Name, call, nil, api)}
	case status >= 500, code == CodeInternalError, code == CodeUnknown, code == CodeInsufficientCapacity:
		// An unknown error and a capacity shortage pass: worth a retry
		// after a backoff.
		return rest.Failed(Name, call, provider.ErrUnavailable, api)
	case !ok:
		return rest.Failed(Name, call, provider.ErrBadResponse, api)
	case code == CodeNotFound:
		return rest.Failed(Name, call, provider.ErrNotFound, api)
	case code == CodeFilesystemInUse:
		// The file system is held by an instance still terminating.
		return rest.Failed(Name, call, provider.ErrRetryableConflict, api)
	case code == CodeKeyInUse:
		return rest.Failed(Name, call, provider.ErrConflict, api)
	case api.Unauthorized() || status == http.StatusUnauthorized || status == http.StatusForbidden:
		// A rejected key or account: says nothing about the instance.
		return rest.Failed(Name, call, nil, api)
	default:
		// Invalid parameters, addresses, a file system in another region,
		// a quota: definitive, with Lambda's message.
		return rest.Failed(Name, call, provider.ErrRefused, api)
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
