package provider

import (
	"errors"
	"fmt"
	"strconv"
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
	// state (e.g. a GCP reset of a stopped instance). Not transient: the
	// state will not change by itself. A refusal for a state that is still
	// settling is ErrRetryableConflict, which matches ErrConflict too.
	ErrConflict = errors.New("provider: conflict with current state")
	// ErrRetryableConflict: the provider refused because of a state that
	// settles by itself — a VM name still held by a VM being deleted, a
	// volume still detaching, a VM still being created (Hyperstack's 400
	// bad_request preconditions). It matches ErrConflict as well, and
	// [Transient] reports it, so a waiter resends the action on its
	// backoff schedule until the action's deadline, as the seeds' system
	// retries "name is not available" 12 × 5 s.
	ErrRetryableConflict error = &classError{msg: "provider: conflict with a state still settling", parent: ErrConflict}
	// ErrRefused: the provider refused the request, in its own error
	// envelope and with its own message, for a reason that resending will
	// not cure: a quota or capacity limit, invalid parameters. Nothing was
	// done, so an action refused so has failed. An authentication or
	// permission failure is not ErrRefused: a rotated key or a broken role
	// says nothing about the host, so it stays ambiguous.
	ErrRefused = errors.New("provider: request refused")
	// ErrOverridden: a native operation ended aborted by a later operation
	// on the same resource (someone stopped the VM from the console during
	// our start: Nebius ABORTED). It is drift for the reconciler, not a
	// failed action: the host is wherever the later operation took it,
	// which probes tell. Not transient: resending would fight the later
	// operation.
	ErrOverridden = errors.New("provider: operation overridden by a later one")
	// ErrNotOurs: the VM found under the host's name does not carry the
	// host's ownership labels (see [Owns]): someone else's VM of the same
	// name. The action was not sent. The error is a *NotOursError naming
	// the VM found.
	ErrNotOurs = errors.New("provider: the VM is not ours")
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
// limits, temporary unavailability and conflicts with a state that is
// still settling ([ErrRetryableConflict]).
func Transient(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrRetryableConflict)
}

// classError is a sentinel that also matches a broader one, as
// ErrRetryableConflict matches ErrConflict.
type classError struct {
	msg    string
	parent error
}

// Error implements error.
func (e *classError) Error() string { return e.msg }

// Is makes errors.Is(err, e.parent) true.
func (e *classError) Is(target error) bool { return target == e.parent }

// NotOursError reports a VM found under a host's name that is not the
// host's: it lacks the ownership labels. It matches [ErrNotOurs].
type NotOursError struct {
	// Provider is the provider's name.
	Provider string
	// Instance is the host's VM name or reference.
	Instance string
	// VMID is the provider's immutable id of the VM found ("" when the
	// provider gave none).
	VMID string
	// Missing is the first ownership label the VM lacks, as key=value.
	Missing string
}

// Error implements error.
func (e *NotOursError) Error() string {
	msg := fmt.Sprintf("%s: the VM %s", e.Provider, strconv.Quote(e.Instance))
	if e.VMID != "" {
		msg += " (id " + strconv.Quote(e.VMID) + ")"
	}
	msg += " is not ours"
	if e.Missing != "" {
		msg += ": it lacks the label " + strconv.Quote(e.Missing)
	}
	return msg + "; nothing was sent"
}

// Is makes errors.Is(err, ErrNotOurs) true.
func (e *NotOursError) Is(target error) bool { return target == ErrNotOurs }

// RetryAfter returns the rate-limit hint carried by err, or zero.
func RetryAfter(err error) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}
