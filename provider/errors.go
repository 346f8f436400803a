package provider

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Adapters wrap the underlying cause so both the sentinel
// and the cause are reachable with errors.Is / errors.As.
var (
	// ErrUnsupported: the provider cannot do this (e.g. Lambda has no stop).
	ErrUnsupported = errors.New("provider: operation not supported")
	// ErrRateLimited: the provider answered 429 or equivalent. The error
	// is a *RateLimitError carrying a retry-after hint.
	ErrRateLimited = errors.New("provider: rate limited")
	// ErrUnavailable: a transient failure worth backing off from: 5xx,
	// timeouts, connection errors.
	ErrUnavailable = errors.New("provider: temporarily unavailable")
	// ErrInvalidHost: the host reference is not valid for the provider; no
	// request was made.
	ErrInvalidHost = errors.New("provider: invalid host reference")
	// ErrConflict: the provider refused because of the resource's current
	// state (e.g. Hyperstack start while the old VM still exists).
	ErrConflict = errors.New("provider: conflict with current state")
	// ErrNotFound: an action's target does not exist. Probe never returns
	// it: a missing VM is an observation, not an error.
	ErrNotFound = errors.New("provider: not found")
	// ErrBadResponse: the provider's answer could not be understood
	// (malformed JSON, an HTML error page, an oversized body).
	ErrBadResponse = errors.New("provider: bad response")
	// ErrOperationFailed: a native operation finished with an error.
	ErrOperationFailed = errors.New("provider: operation failed")
	// ErrNoProvider: a host's record names a provider that is not
	// configured; nothing was sent.
	ErrNoProvider = errors.New("provider: no provider configured for host")
)

// RateLimitError reports a rate-limited call and when to try again.
type RateLimitError struct {
	// Provider is the provider's name.
	Provider string
	// RetryAfter is the provider's hint (from Retry-After, or the rest of
	// the rate window); zero when unknown.
	RetryAfter time.Duration
	// Err is the underlying cause.
	Err error
}

// Error implements error.
func (e *RateLimitError) Error() string {
	msg := e.Provider + ": rate limited"
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// HostError reports an invalid host reference.
type HostError struct {
	// Provider is the provider that rejected the reference.
	Provider string
	// Field is the offending Host field ("Instance", "Zone", ...).
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error implements error.
func (e *HostError) Error() string {
	return fmt.Sprintf("%s: invalid host %s: %s", e.Provider, e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidHost) true.
func (e *HostError) Is(target error) bool { return target == ErrInvalidHost }

// Transient reports whether err is worth retrying after a backoff: rate
// limits and temporary unavailability.
func Transient(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrUnavailable)
}

// RetryAfter returns the rate-limit hint carried by err, or zero.
func RetryAfter(err error) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}
