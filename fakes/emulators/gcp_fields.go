package emulators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// fieldMask is a parsed partial-response selection (the fields parameter):
// all selects a whole value, sub the named members of an object ("*": any
// member, e.g. every scope of an aggregated list).
type fieldMask struct {
	all bool
	sub map[string]*fieldMask
}

// parseFieldMask parses the syntax of Google's partial responses: a
// comma-separated list of selections, each a path of member names
// separated by "/" ("*" for any member), optionally followed by a
// parenthesized list selecting within it, e.g.
// "items/*/instances(name,status),nextPageToken".
func parseFieldMask(s string) (*fieldMask, error) {
	p := maskParser{s: s}
	m := &fieldMask{}
	if err := p.list(m, 0); err != nil {
		return nil, err
	}
	if p.i != len(s) {
		return nil, fmt.Errorf("emulator: invalid field selection %q at offset %d", s, p.i)
	}
	return m, nil
}

// maskParser reads a field selection.
type maskParser struct {
	s string
	i int
}

// list reads selections into m, depth members deep, until the text or a
// ')' ends.
func (p *maskParser) list(m *fieldMask, depth int) error {
	for {
		if err := p.selection(m, depth); err != nil {
			return err
		}
		if p.i == len(p.s) || p.s[p.i] != ',' {
			return nil
		}
		p.i++
	}
}

// selection reads one path and its optional sub-selection into m, depth
// members deep; past maxMaskDepth it fails.
func (p *maskParser) selection(m *fieldMask, depth int) error {
	node := m
	for {
		name := p.name()
		if name == "" {
			return fmt.Errorf("emulator: invalid field selection %q at offset %d: want a field name", p.s, p.i)
		}
		if depth++; depth > maxMaskDepth {
			return fmt.Errorf("emulator: invalid field selection %q at offset %d: deeper than %d members", p.s, p.i, maxMaskDepth)
		}
		node = node.child(name)
		if p.i == len(p.s) || p.s[p.i] != '/' {
			break
		}
		p.i++
	}
	if p.i == len(p.s) || p.s[p.i] != '(' {
		node.all = true
		return nil
	}
	p.i++
	if err := p.list(node, depth); err != nil {
		return err
	}
	if p.i == len(p.s) || p.s[p.i] != ')' {
		return fmt.Errorf("emulator: invalid field selection %q at offset %d: want )", p.s, p.i)
	}
	p.i++
	return nil
}

// name reads a member name or "*".
func (p *maskParser) name() string {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == '*' || p.s[p.i] == '_' || 'a' <= p.s[p.i] && p.s[p.i] <= 'z' ||
		'A' <= p.s[p.i] && p.s[p.i] <= 'Z' || '0' <= p.s[p.i] && p.s[p.i] <= '9') {
		p.i++
	}
	return p.s[start:p.i]
}

// child returns m's selection of member name, adding it.
func (m *fieldMask) child(name string) *fieldMask {
	if m.sub == nil {
		m.sub = map[string]*fieldMask{}
	}
	c := m.sub[name]
	if c == nil {
		c = &fieldMask{}
		m.sub[name] = c
	}
	return c
}

// apply returns what m selects of v (a value decoded from JSON) and
// whether anything is selected: an object keeps its selected members (a
// member named in m also gets what "*" selects), an array every element
// — an object of which nothing is selected as {}, so an entry lacking the
// selected fields still shows, as an incomplete entry, rather than
// vanishing from a listing — and what ends up empty is left out, as a
// partial response omits it.
func (m *fieldMask) apply(v any) (any, bool) {
	if m.all {
		return v, true
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range v {
			sel := union(m.sub[k], m.sub["*"])
			if sel == nil {
				continue
			}
			if kept, ok := sel.apply(val); ok {
				out[k] = kept
			}
		}
		return out, len(out) > 0
	case []any:
		var out []any
		for _, el := range v {
			kept, ok := m.apply(el)
			if _, object := el.(map[string]any); !ok && object {
				kept, ok = map[string]any{}, true
			}
			if ok {
				out = append(out, kept)
			}
		}
		return out, len(out) > 0
	}
	// A scalar has no members to select.
	return nil, false
}

// union is the selection of both a and b (either may be nil).
func union(a, b *fieldMask) *fieldMask {
	if a == nil || a == b {
		return b
	}
	if b == nil {
		return a
	}
	u := &fieldMask{all: a.all || b.all}
	for _, sub := range []map[string]*fieldMask{a.sub, b.sub} {
		for k, c := range sub {
			if u.sub == nil {
				u.sub = map[string]*fieldMask{}
			}
			u.sub[k] = union(u.sub[k], c)
		}
	}
	return u
}

// writeMasked writes m as writeProto does, reduced to the request's
// fields parameter when it has one (Compute Engine's partial response);
// an invalid selection is a 400.
func writeMasked(w http.ResponseWriter, r *http.Request, m proto.Message) {
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		writeProto(w, m)
		return
	}
	mask, err := parseFieldMask(fields)
	if err != nil {
		renderGCPReason(w, http.StatusBadRequest, "Invalid field selection "+strconv.Quote(fields), "invalidParameter")
		return
	}
	b, err := maskJSON(m, mask)
	if err != nil {
		renderGCPError(w, http.StatusInternalServerError, "emulator: encode answer: "+err.Error())
		return
	}
	writeRaw(w, http.StatusOK, "application/json", b)
}

// maskJSON renders m as the REST API's JSON and applies mask to it.
func maskJSON(m proto.Message, mask *fieldMask) ([]byte, error) {
	full, err := protojson.Marshal(m)
	if err != nil {
		return nil, err
	}
	return maskBytes(full, mask)
}

// maskBytes applies mask to a JSON document; numbers keep their text.
func maskBytes(doc []byte, mask *fieldMask) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	kept, ok := mask.apply(v)
	if !ok {
		return []byte("{}"), nil
	}
	return json.Marshal(kept)
}

// maxMaskDepth bounds how deep a field selection goes (its path's members
// and its parentheses together), so a hostile mask cannot recurse the
// parser or the masking without end.
const maxMaskDepth = 32
