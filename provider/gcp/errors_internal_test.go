package gcp

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"99999999999999", maxRetryAfter},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Retry-After", tt.header)
		}
		if got := retryAfter(h, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "1", "120", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "9223372036854775807"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		got := retryAfter(http.Header{"Retry-After": {v}}, now)
		if got < 0 || got > maxRetryAfter {
			t.Fatalf("retryAfter(%q) = %v, out of [0, %v]", v, got, maxRetryAfter)
		}
	})
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"a", "vm-1", "a1", strings.Repeat("a", 63)} {
		if err := checkName("Instance", ok); err != nil {
			t.Errorf("checkName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{strings.Repeat("a", 64), "", "1a", "a-", "A", "a_b", "a.b", "a/b", "a b", "é"} {
		if err := checkName("Instance", bad); err == nil {
			t.Errorf("checkName(%q) accepted", bad)
		}
	}
}
