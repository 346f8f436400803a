package provider_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/provider"
)

func TestRateLimitError(t *testing.T) {
	cause := errors.New("HTTP 429")
	var err error = fmt.Errorf("probe vm-1: %w", &provider.RateLimitError{Provider: "hyperstack", RetryAfter: 30 * time.Second, Err: cause})
	if !errors.Is(err, provider.ErrRateLimited) {
		t.Error("errors.Is(err, ErrRateLimited) = false")
	}
	if !errors.Is(err, cause) {
		t.Error("the cause is not reachable with errors.Is")
	}
	if errors.Is(err, provider.ErrUnavailable) {
		t.Error("a rate limit matches ErrUnavailable")
	}
	if !provider.Transient(err) {
		t.Error("Transient(rate limit) = false")
	}
	if got := provider.RetryAfter(err); got != 30*time.Second {
		t.Errorf("RetryAfter = %s, want 30s", got)
	}
	for _, want := range []string{"hyperstack", "rate limited", "30s", "HTTP 429"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err.Error(), want)
		}
	}
	bare := &provider.RateLimitError{Provider: "lambda"}
	if got := bare.Error(); got != "lambda: rate limited" {
		t.Errorf("message without hint or cause = %q", got)
	}
}

func TestHostError(t *testing.T) {
	err := fmt.Errorf("start: %w", &provider.HostError{Provider: "gcp", Field: "Instance", Reason: "contains '/'"})
	if !errors.Is(err, provider.ErrInvalidHost) {
		t.Error("errors.Is(err, ErrInvalidHost) = false")
	}
	var he *provider.HostError
	if !errors.As(err, &he) || he.Field != "Instance" {
		t.Errorf("errors.As found %+v", he)
	}
	if provider.Transient(err) {
		t.Error("an invalid host is transient: retrying cannot help")
	}
	if got := he.Error(); got != "gcp: invalid host Instance: contains '/'" {
		t.Errorf("message = %q", got)
	}
}

func TestTransient(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("x: %w", provider.ErrUnavailable), true},
		{fmt.Errorf("x: %w: %w", provider.ErrUnavailable, context.DeadlineExceeded), true},
		{&provider.RateLimitError{Provider: "gcp"}, true},
		{provider.ErrConflict, false},
		{provider.ErrNotFound, false},
		{provider.ErrUnsupported, false},
		{provider.ErrBadResponse, false},
		{provider.ErrOperationFailed, false},
		{context.Canceled, false},
		{nil, false},
	} {
		if got := provider.Transient(tc.err); got != tc.want {
			t.Errorf("Transient(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if got := provider.RetryAfter(provider.ErrUnavailable); got != 0 {
		t.Errorf("RetryAfter(no hint) = %s, want 0", got)
	}
}
