package hostapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// Problem is the body of every error answer.
type Problem struct {
	// Error says what went wrong, in words (secrets scrubbed).
	Error string `json:"error"`
	// Code is a stable word for programs: "not_found", "not_allowed", ...
	// (see the package doc).
	Code string `json:"code"`
	// Allowed lists the actions offered now, when an action was refused
	// because the table or the provider does not allow it.
	Allowed []hoststate.Action `json:"allowed,omitempty"`
}

// Errors of the API's own making, matched with errors.Is.
var (
	// ErrBadRequest: the request is malformed (JSON, id, query, body size).
	ErrBadRequest = errors.New("hostapi: bad request")
	// ErrUnauthorized: a host daemon's request lacks a valid token for its
	// host.
	ErrUnauthorized = errors.New("hostapi: unauthorized")
	// ErrMediaType: a POST body is not application/json.
	ErrMediaType = errors.New("hostapi: request body must be application/json")
	// ErrNotConfigured: the endpoint needs a part the Config left out.
	ErrNotConfigured = errors.New("hostapi: not configured")
	// ErrNoAction: no remembered action has that reference.
	ErrNoAction = errors.New("hostapi: no such action")
	// ErrClosed: the handler is shutting down.
	ErrClosed = errors.New("hostapi: closed")

	// errNoEndpoint: a path under /api/ that names no endpoint.
	errNoEndpoint = errors.New("hostapi: no such endpoint")
)

// classify maps an error to its HTTP status and code. The order matters
// where one error matches several sentinels: the most specific first.
func classify(err error) (status int, code string) {
	var rl *provider.RateLimitError
	switch {
	case errors.Is(err, ErrBadRequest), errors.Is(err, store.ErrInvalidRecord), errors.Is(err, hoststate.ErrUnknownAction):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, ErrMediaType):
		return http.StatusUnsupportedMediaType, "unsupported_media_type"
	case errors.Is(err, store.ErrNotFound), errors.Is(err, ErrNoAction), errors.Is(err, errNoEndpoint):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, hoststate.ErrInvalidTransition):
		return http.StatusConflict, "not_allowed"
	case errors.Is(err, provider.ErrUnsupported):
		return http.StatusConflict, "unsupported"
	case errors.Is(err, store.ErrConflict), errors.Is(err, waiter.ErrSuperseded):
		return http.StatusConflict, "conflict"
	case errors.Is(err, provider.ErrNoProvider):
		return http.StatusConflict, "no_provider"
	case errors.Is(err, provider.ErrInvalidHost):
		return http.StatusConflict, "invalid_host"
	case errors.As(err, &rl):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, provider.ErrUnavailable), errors.Is(err, provider.ErrBadResponse),
		errors.Is(err, provider.ErrOperationFailed), errors.Is(err, provider.ErrConflict),
		errors.Is(err, provider.ErrNotFound), errors.Is(err, kernel.ErrProviderPanic):
		return http.StatusBadGateway, "provider_error"
	case errors.Is(err, ErrNotConfigured):
		return http.StatusNotImplemented, "not_configured"
	case errors.Is(err, ErrClosed), errors.Is(err, waiter.ErrClosed),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

// retryAfter returns the Retry-After seconds of a rate-limit error, or "".
func retryAfter(err error) string {
	var rl *provider.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return strconv.Itoa(max(1, int(rl.RetryAfter.Seconds()+0.5)))
	}
	return ""
}

// scrubber replaces secrets in text bound for a response or a log line.
type scrubber struct{ r *strings.Replacer }

// newScrubber returns a scrubber of the non-empty secrets.
func newScrubber(secrets []string) scrubber {
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "[redacted]")
		}
	}
	if len(pairs) == 0 {
		return scrubber{}
	}
	return scrubber{strings.NewReplacer(pairs...)}
}

// text returns s with every secret replaced.
func (s scrubber) text(t string) string {
	if s.r == nil {
		return t
	}
	return s.r.Replace(t)
}
