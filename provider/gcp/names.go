package gcp

import (
	"regexp"
	"strconv"

	"github.com/driftless/driftless/provider"
)

// rfc1035 is the name syntax Compute Engine uses for projects, zones,
// instances and disks. The SDK inserts names into URL paths unescaped, so
// anything else could address another resource.
var rfc1035 = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// labelKey and labelValue are Compute Engine's label syntax; labels end up
// in listing filter expressions, so nothing else may reach them.
var (
	labelKey   = regexp.MustCompile(`^[a-z][-_a-z0-9]{0,62}$`)
	labelValue = regexp.MustCompile(`^[-_a-z0-9]{0,63}$`)
)

// checkName returns a *provider.HostError unless s is an RFC 1035 name.
func checkName(field, s string) error {
	if s == "" {
		return &provider.HostError{Provider: Name, Field: field, Reason: "empty"}
	}
	if !rfc1035.MatchString(s) {
		return &provider.HostError{Provider: Name, Field: field, Reason: "not an RFC 1035 name ([a-z]([-a-z0-9]{0,61}[a-z0-9])?): " + quote(s)}
	}
	return nil
}

// checkLabels returns a *provider.HostError unless every label is valid.
func checkLabels(field string, labels map[string]string) error {
	for k, v := range labels {
		if !labelKey.MatchString(k) {
			return &provider.HostError{Provider: Name, Field: field, Reason: "invalid label key " + quote(k)}
		}
		if !labelValue.MatchString(v) {
			return &provider.HostError{Provider: Name, Field: field, Reason: "invalid label value " + quote(v)}
		}
	}
	return nil
}

// quote quotes s for an error message, cut to a readable length so a hostile
// input cannot flood logs.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
