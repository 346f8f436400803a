package fakes

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/driftless/driftless/provider"
)

// maxIDLen bounds provider ids and names; real ones are far shorter.
const maxIDLen = 128

// checkID validates one reference field the way an adapter must before
// putting it into a URL path: non-empty (when required), bounded, valid
// UTF-8, and free of path, query and escape characters, whitespace,
// control characters and "..".
func checkID(kind, field, v string, required bool) error {
	bad := func(reason string) error {
		return &provider.HostError{Provider: kind, Field: field, Reason: reason}
	}
	switch {
	case v == "":
		if required {
			return bad("empty")
		}
		return nil
	case len(v) > maxIDLen:
		return bad(fmt.Sprintf("longer than %d bytes", maxIDLen))
	case !utf8.ValidString(v):
		return bad("not valid UTF-8")
	case strings.Contains(v, ".."):
		return bad(`contains ".."`)
	}
	for _, r := range v {
		switch {
		case r == '/' || r == '?' || r == '#' || r == '%' || r == '\\':
			return bad(fmt.Sprintf("contains %q", r))
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return bad("contains whitespace or a control character")
		}
	}
	return nil
}

// checkRFC1035 validates a Compute Engine name: [a-z]([-a-z0-9]{0,61}[a-z0-9])?.
func checkRFC1035(kind, field, v string) error {
	bad := func(reason string) error {
		return &provider.HostError{Provider: kind, Field: field, Reason: reason}
	}
	if v == "" {
		return bad("empty")
	}
	if len(v) > 63 {
		return bad("longer than 63 characters")
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		letter, digit := b >= 'a' && b <= 'z', b >= '0' && b <= '9'
		switch {
		case i == 0 && !letter:
			return bad("must start with a lower-case letter (RFC 1035)")
		case i == len(v)-1 && !letter && !digit:
			return bad("must end with a lower-case letter or digit (RFC 1035)")
		case !letter && !digit && b != '-':
			return bad("may hold only lower-case letters, digits and '-' (RFC 1035)")
		}
	}
	return nil
}

// validateGCP checks project, zone, instance and disk names.
func validateGCP(h provider.Host) error {
	for _, f := range []struct{ field, v string }{
		{"Project", h.Project}, {"Zone", h.Zone}, {"Instance", h.Instance}, {"Volume", h.Volume},
	} {
		if err := checkRFC1035(GCP, f.field, f.v); err != nil {
			return err
		}
	}
	return nil
}

// validateIDs returns the check of a kind addressed by id; volume says
// whether the host must name its data volume. Region and Project are
// optional (listing scopes use the region when set).
func validateIDs(kind string, volume bool) func(provider.Host) error {
	return func(h provider.Host) error {
		for _, f := range []struct {
			field, v string
			required bool
		}{
			{"Instance", h.Instance, true}, {"Region", h.Region, false},
			{"Volume", h.Volume, volume}, {"Project", h.Project, false},
		} {
			if err := checkID(kind, f.field, f.v, f.required); err != nil {
				return err
			}
		}
		return nil
	}
}
