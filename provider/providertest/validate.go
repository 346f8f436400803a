package providertest

import (
	"strings"

	"github.com/driftless/driftless/provider"
)

// InvalidIDs returns reference values no adapter may accept in any field
// it puts into a request: path traversal, path, query, fragment and escape
// characters, white space, control characters, non-ASCII look-alikes and
// an over-long id. Each could address another resource, break a URL or
// forge a log line. The slice is fresh on every call.
func InvalidIDs() []string {
	return []string{
		"..", "../x", "x/../y", "a/b", "/a", "a?b", "a#b", "a%2fb", "%2e%2e",
		"a b", " a", "a ", "a\tb", "a\nb", "a\rb", "a\x00b", "a\x7fb", "a\u200bb",
		"\u0430", "a\\b", strings.Repeat("a", 300),
	}
}

// variant is one host with one field replaced by a malformed value.
type variant struct {
	field, value string
	host         provider.Host
}

// hostVariants returns h with each field it sets replaced by each invalid
// id in turn.
func hostVariants(h provider.Host) []variant {
	fields := []struct {
		name string
		get  func(*provider.Host) *string
	}{
		{"Project", func(h *provider.Host) *string { return &h.Project }},
		{"Zone", func(h *provider.Host) *string { return &h.Zone }},
		{"Region", func(h *provider.Host) *string { return &h.Region }},
		{"Instance", func(h *provider.Host) *string { return &h.Instance }},
		{"Volume", func(h *provider.Host) *string { return &h.Volume }},
	}
	var out []variant
	for _, f := range fields {
		if *f.get(&h) == "" {
			continue
		}
		for _, id := range append(InvalidIDs(), "") {
			v := h
			*f.get(&v) = id
			out = append(out, variant{f.name, id, v})
		}
	}
	return out
}

// testInvalidHost: a malformed value in any field the adapter reads is
// refused by every method with a *provider.HostError (matching
// provider.ErrInvalidHost) before any request; so is a listing of a scope
// that is not one.
func testInvalidHost(w *world) {
	w.create(w.Host(0), true)
	before := w.Requests()
	for _, v := range hostVariants(w.Host(0)) {
		p := w.Provider
		for name, call := range map[string]func() error{
			"Validate":    func() error { return p.Validate(v.host) },
			"Probe":       func() error { _, err := p.Probe(w.ctx(), v.host); return err },
			"Start":       func() error { _, err := p.Start(w.ctx(), v.host); return err },
			"Stop":        func() error { _, err := p.Stop(w.ctx(), v.host); return err },
			"Reboot":      func() error { _, err := p.Reboot(w.ctx(), v.host); return err },
			"Reprovision": func() error { _, err := p.Reprovision(w.ctx(), v.host); return err },
			"Deprovision": func() error { _, err := p.Deprovision(w.ctx(), v.host); return err },
		} {
			if err := call(); !isInvalidHost(err) {
				w.t.Errorf("%s with %s %q: %v, want a *provider.HostError", name, v.field, v.value, err)
			}
		}
	}
	if l, ok := w.Provider.(provider.Lister); ok {
		for _, scope := range append(InvalidIDs(), "") {
			if scope == "a/b" {
				continue // a well-formed "project/zone" scope
			}
			if _, err := l.ListPage(w.ctx(), scope, ""); !isInvalidHost(err) {
				w.t.Errorf("ListPage of scope %q: %v, want a *provider.HostError", scope, err)
			}
		}
	}
	if n := w.Requests() - before; n != 0 {
		w.t.Errorf("invalid references sent %d requests, want none", n)
	}
}
