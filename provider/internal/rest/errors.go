package rest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/driftless/driftless/provider"
)

// CallError is one failed API call: the provider, the call's name, its
// class (a provider sentinel such as provider.ErrUnavailable, or nil) and
// the cause. errors.Is matches the class; errors.As reaches the cause.
type CallError struct {
	Provider, Call string
	Class, Cause   error
}

// Failed returns a *CallError.
func Failed(providerName, call string, class, cause error) error {
	return &CallError{Provider: providerName, Call: call, Class: class, Cause: cause}
}

// Error implements error.
func (e *CallError) Error() string { return fmt.Sprintf("%s: %s: %v", e.Provider, e.Call, e.Cause) }

// Unwrap exposes the class sentinel (if any) and the cause.
func (e *CallError) Unwrap() []error {
	if e.Class == nil {
		return []error{e.Cause}
	}
	return []error{e.Class, e.Cause}
}

// TransportError classifies a failure to get an answer at all (an error
// from Client.Do): an oversized body is a bad response, a request that
// could not be built is unclassified, anything else is unavailability
// worth backing off from.
func TransportError(providerName, call string, err error) error {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return Failed(providerName, call, provider.ErrBadResponse, err)
	case errors.Is(err, ErrBuildRequest):
		return Failed(providerName, call, nil, err)
	}
	return Failed(providerName, call, provider.ErrUnavailable, err)
}

// Cut shortens provider text for messages.
func Cut(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// Quote quotes provider or user text for messages, cut short.
func Quote(s string) string { return strconv.Quote(Cut(s)) }

// Snippet is the start of a body for messages: printable, short, quoted.
func Snippet(body []byte) string {
	const max = 120
	return strconv.Quote(strings.ToValidUTF8(string(body[:min(len(body), max)]), "?"))
}

// KeyState says whether a secret is set, never what it is.
func KeyState(key string) string {
	if key == "" {
		return "unset"
	}
	return "[redacted]"
}
