package gcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/driftless/driftless/provider"
)

// maxRetryAfter caps a Retry-After hint so a hostile header cannot park the
// reconciler for years.
const maxRetryAfter = 24 * time.Hour

// errIncomplete is the cause of a well-formed answer that does not
// describe the resource asked for (no name or status, another name).
var errIncomplete = errors.New("gcp: answer does not describe the resource asked for")

// callError is one failed API call. Its message stays short (a googleapi
// error can quote a whole response body) while the sentinel class and the
// SDK's own error both stay reachable with errors.Is and errors.As.
type callError struct {
	call  string
	class error
	msg   string
	cause error
}

// Error implements error.
func (e *callError) Error() string {
	return fmt.Sprintf("%s: %s: %s", Name, e.call, e.msg)
}

// Unwrap exposes the class sentinel (if any) and the cause.
func (e *callError) Unwrap() []error {
	if e.class == nil {
		return []error{e.cause}
	}
	return []error{e.class, e.cause}
}

// classify turns an SDK error into the provider error contract. call names
// the request for the message, e.g. "get instance p/z/vm1".
func classify(call string, err error, now time.Time) error {
	var gerr *googleapi.Error
	var nerr net.Error
	var classified *callError
	switch {
	case errors.As(err, &classified):
		// The adapter's own verdict on the answer (an unreachable zone,
		// an incomplete entry): already in the contract.
		return err
	case errors.Is(err, errBodyTooLarge):
		return &callError{call, provider.ErrBadResponse, "response body too large", err}
	case errors.As(err, &gerr):
		return classifyHTTP(call, gerr, err, now)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &callError{call, provider.ErrUnavailable, "no answer in time", err}
	case errors.As(err, &nerr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &callError{call, provider.ErrUnavailable, "transport failure", err}
	default:
		// What is left is the SDK failing to decode a 2xx answer.
		return &callError{call, provider.ErrBadResponse, "undecodable answer", err}
	}
}

// classifyHTTP classifies an HTTP error status; Google's message is quoted
// with its credentials redacted. Only Google's JSON error
// envelope is trusted to mean what its status says about a resource: an
// HTML 404 from a proxy is a bad response, never "absent".
func classifyHTTP(call string, gerr *googleapi.Error, err error, now time.Time) error {
	googleJSON := gerr.Message != "" || len(gerr.Errors) > 0
	msg := "HTTP " + strconv.Itoa(gerr.Code)
	if googleJSON {
		msg += ": " + quote(redact(gerr.Message))
	} else {
		msg += " without Google's JSON error"
	}
	switch {
	case gerr.Code == http.StatusTooManyRequests,
		gerr.Code == http.StatusForbidden && hasReason(gerr, "rateLimitExceeded", "userRateLimitExceeded"):
		// Compute Engine's usual rate limit is a 403, not a refusal (429
		// happens too); its quota refills at the next whole minute.
		hint := retryAfter(gerr.Header, now)
		if hint == 0 {
			hint = nextMinute(now)
		}
		return &provider.RateLimitError{Provider: Name, RetryAfter: hint, Err: &callError{call, nil, msg, err}}
	case gerr.Code >= 500:
		return &callError{call, provider.ErrUnavailable, msg, err}
	case !googleJSON:
		return &callError{call, provider.ErrBadResponse, msg, err}
	case gerr.Code == http.StatusNotFound:
		return &callError{call, provider.ErrNotFound, msg, err}
	case hasReason(gerr, "resourceNotReady", "resourceInUseByAnotherResource"):
		// Refused for a state that settles by itself (an instance still
		// stopping, a disk its deleted instance still holds): worth
		// resending within the action's deadline.
		return &callError{call, provider.ErrRetryableConflict, msg, err}
	case gerr.Code == http.StatusConflict, hasReason(gerr, "alreadyExists"):
		// Refused because of a resource's current state.
		return &callError{call, provider.ErrConflict, msg, err}
	case gerr.Code == http.StatusUnauthorized || gerr.Code == http.StatusForbidden && !hasReason(gerr, "quotaExceeded"):
		// Credentials or permissions: says nothing about the resource.
		return &callError{call, nil, msg, err}
	default:
		// quotaExceeded and the other refusals: definitive, with Google's
		// message.
		return &callError{call, provider.ErrRefused, msg, err}
	}
}

// nextMinute is the time from now to the next whole minute, when Compute
// Engine's per-minute quota refills; never zero.
func nextMinute(now time.Time) time.Duration {
	return now.Truncate(time.Minute).Add(time.Minute).Sub(now)
}

// hasReason reports whether gerr carries one of reasons.
func hasReason(gerr *googleapi.Error, reasons ...string) bool {
	for _, item := range gerr.Errors {
		for _, r := range reasons {
			if item.Reason == r {
				return true
			}
		}
	}
	return false
}

// retryAfter parses a Retry-After header (delay seconds or an HTTP date);
// zero when absent or unparsable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// isNotFound reports whether err is a classified not-found answer.
func isNotFound(err error) bool { return errors.Is(err, provider.ErrNotFound) }

// absence sorts a classified error of a call on the zonal resource
// collection/name (e.g. "instances", "vm-1"): absent is true only for
// Compute Engine's 404 naming that resource itself ("The resource
// 'projects/p/zones/z/instances/vm-1' was not found"). A 404 naming
// anything else — the project, when the credentials cannot see it, or the
// zone — says nothing about the resource, and comes back as a definitive
// error that no longer matches provider.ErrNotFound.
func absence(call string, err error, collection, name string) (absent bool, _ error) {
	var gerr *googleapi.Error
	if !isNotFound(err) || !errors.As(err, &gerr) {
		return false, err
	}
	if strings.Contains(gerr.Message, "/"+collection+"/"+name+"'") {
		return true, err
	}
	return false, &callError{call, nil, "HTTP 404 about another resource (project or zone not visible to these credentials?): " + quote(redact(gerr.Message)), gerr}
}
