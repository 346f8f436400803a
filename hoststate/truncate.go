package hoststate

import "unicode/utf8"

// Text bounds, in bytes, for provider and caller text the library keeps or
// quotes.
const (
	// MaxQuoted bounds text quoted into an error message or log line.
	MaxQuoted = 64
	// MaxStored bounds text stored in a record (a reason, a probe error).
	MaxStored = 512
)

// Truncate is the library's one truncation rule: s cut to at most max
// bytes, never inside a UTF-8 sequence, with "…" appended when anything
// was cut. Invalid UTF-8 is replaced (before cutting, so the bound holds),
// and the result is always valid UTF-8.
func Truncate(s string, max int) string {
	if !utf8.ValidString(s) {
		s = toValid(s)
	}
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// toValid replaces each invalid byte of s with U+FFFD.
func toValid(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, r)
	}
	return string(out)
}
