package hoststate

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
)

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven cha…"},
		{"ab€cd", 3, "ab…"},  // € is 3 bytes: never split
		{"ab€cd", 5, "ab€…"}, // it fits
		{"\xff\xfeok", 10, "\uFFFD\uFFFDok"},
		{"", 0, ""},
		{"x", 0, "…"},
	} {
		if got := Truncate(tc.in, tc.max); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// The result is valid UTF-8, at most max bytes plus the ellipsis, and a
// prefix of a valid input.
func TestPropTruncate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var s string
		if rapid.Bool().Draw(t, "bytes") {
			s = string(rapid.SliceOf(rapid.Byte()).Draw(t, "raw"))
		} else {
			s = rapid.String().Draw(t, "text")
		}
		max := rapid.IntRange(0, 80).Draw(t, "max")
		got := Truncate(s, max)
		if !utf8.ValidString(got) {
			t.Fatalf("Truncate(%q, %d) = %q: not valid UTF-8", s, max, got)
		}
		body := strings.TrimSuffix(got, "…")
		if len(body) > max {
			t.Fatalf("Truncate(%q, %d) kept %d bytes", s, max, len(body))
		}
		if utf8.ValidString(s) && !strings.HasPrefix(s, body) {
			t.Fatalf("Truncate(%q, %d) = %q: not a prefix", s, max, got)
		}
	})
}
