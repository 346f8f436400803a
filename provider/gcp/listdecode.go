package gcp

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/driftless/driftless/provider"
)

// listing is what the adapter reads of one page of an aggregated listing:
// its scopes ("zones/<zone>", or a region's key) in key order, their
// entries (in the answer's order), the next page token and the scopes it could not reach.
type listing[T any] struct {
	scopes       []listScope
	entries      []T
	next         string
	unreachables []string
}

// listScope is one scope of a listing: its key, its warning code, its
// entries (entries[lo:hi]) and whether one of them lacks name or status.
type listScope struct {
	key        string
	warning    string
	lo, hi     int
	incomplete bool
}

// Member bits, to refuse a field sent twice as protojson does (its JSON
// and its proto name count as one field).
const (
	bit0 uint8 = 1 << iota
	bit1
	bit2
	bit3
)

// seenOnce marks bit in *seen and fails if it was already marked.
func (l *lexer) seenOnce(seen *uint8, bit uint8) error {
	if *seen&bit != 0 {
		return l.fail("duplicate field")
	}
	*seen |= bit
	return nil
}

// decodeListing decodes an aggregated listing whose scoped lists hold
// their entries under collection ("instances" or "disks"), each read by
// entry (which reports whether the entry is complete). It accepts what
// the SDK's protojson decoding accepts, with the same meaning; the fields
// it does not read are only checked to be well-formed JSON (no type
// checks, no nesting limit like protojson's 10000).
func decodeListing[T any](body []byte, collection string, entry func(*lexer) (T, bool, error)) (listing[T], error) {
	l := lexer{b: body}
	var out listing[T]
	if err := l.begin('{'); err != nil {
		return out, err
	}
	var seen uint8
	for first := true; ; first = false {
		more, err := l.more('}', first)
		if err != nil {
			return out, err
		}
		if !more {
			break
		}
		k, err := l.key()
		if err != nil {
			return out, err
		}
		switch string(k) {
		case "items":
			err = l.seenOnce(&seen, bit0)
			if err == nil {
				err = readScopes(&l, &out, collection, entry)
			}
		case "nextPageToken", "next_page_token":
			err = l.seenOnce(&seen, bit1)
			if err == nil {
				out.next, _, err = l.optString()
			}
		case "unreachables":
			err = l.seenOnce(&seen, bit2)
			if err == nil {
				out.unreachables, err = l.stringList()
			}
		default:
			err = l.skip()
		}
		if err != nil {
			return out, err
		}
	}
	if err := l.end(); err != nil {
		return out, err
	}
	// The SDK iterates the scopes in key order; a key sent twice is an
	// error to protojson.
	slices.SortStableFunc(out.scopes, func(a, b listScope) int { return cmp.Compare(a.key, b.key) })
	for i := 1; i < len(out.scopes); i++ {
		if out.scopes[i].key == out.scopes[i-1].key {
			return out, l.fail("duplicate scope " + strconv.Quote(out.scopes[i].key))
		}
	}
	return out, nil
}

// readScopes reads the items map of a listing: scope key → scoped list.
func readScopes[T any](l *lexer, out *listing[T], collection string, entry func(*lexer) (T, bool, error)) error {
	return l.object(func(k []byte) error {
		sc := listScope{key: string(k), lo: len(out.entries)}
		if err := readScope(l, out, &sc, collection, entry); err != nil {
			return err
		}
		sc.hi = len(out.entries)
		out.scopes = append(out.scopes, sc)
		return nil
	})
}

// readScope reads one scoped list: its entries and its warning's code.
func readScope[T any](l *lexer, out *listing[T], sc *listScope, collection string, entry func(*lexer) (T, bool, error)) error {
	var seen uint8
	return l.members(func(k []byte) error {
		var err error
		switch string(k) {
		case collection:
			if err := l.seenOnce(&seen, bit0); err != nil {
				return err
			}
			err = l.array(func() error {
				e, complete, err := entry(l)
				out.entries = append(out.entries, e)
				sc.incomplete = sc.incomplete || !complete
				return err
			})
		case "warning":
			if err := l.seenOnce(&seen, bit1); err != nil {
				return err
			}
			var seenCode uint8
			err = l.object(func(k []byte) error {
				if string(k) != "code" {
					return l.skip()
				}
				if err := l.seenOnce(&seenCode, bit0); err != nil {
					return err
				}
				sc.warning, _, err = l.optString()
				return err
			})
		default:
			err = l.skip()
		}
		return err
	})
}

// object reads an object or null (an unset field), as members.
func (l *lexer) object(member func(k []byte) error) error {
	if null, err := l.null(); null || err != nil {
		return err
	}
	return l.members(member)
}

// members reads an object, calling member for each member with its name
// (valid until the next string is read).
func (l *lexer) members(member func(k []byte) error) error {
	if err := l.begin('{'); err != nil {
		return err
	}
	for first := true; ; first = false {
		more, err := l.more('}', first)
		if err != nil || !more {
			return err
		}
		k, err := l.key()
		if err != nil {
			return err
		}
		if err := member(k); err != nil {
			return err
		}
	}
}

// array reads an array or null, calling elem for each element. As in
// protojson, a null element of a repeated field is an error (elem's
// reader refuses it).
func (l *lexer) array(elem func() error) error {
	if null, err := l.null(); null || err != nil {
		return err
	}
	if err := l.begin('['); err != nil {
		return err
	}
	for first := true; ; first = false {
		more, err := l.more(']', first)
		if err != nil || !more {
			return err
		}
		if err := elem(); err != nil {
			return err
		}
	}
}

// optString reads a string field: null is unset (ok false).
func (l *lexer) optString() (s string, ok bool, _ error) {
	if null, err := l.null(); null || err != nil {
		return "", false, err
	}
	b, err := l.str()
	if err != nil {
		return "", false, err
	}
	return string(b), true, nil
}

// stringList reads a repeated string field.
func (l *lexer) stringList() ([]string, error) {
	var out []string
	err := l.array(func() error {
		b, err := l.str()
		out = append(out, string(b))
		return err
	})
	return out, err
}

// uint64Field reads a uint64 field as its decimal text ("" for null): a
// decimal string or number; anything else is decoded by protojson itself
// (it also accepts e.g. 1e3), so the answer means what it meant to the SDK.
func (l *lexer) uint64Field() (string, error) {
	if null, err := l.null(); null || err != nil {
		return "", err
	}
	start := l.i
	var text []byte
	var err error
	if l.peek() == '"' {
		text, err = l.str()
	} else {
		text, err = l.number()
	}
	if err != nil {
		return "", err
	}
	canonical := len(text) > 0 && (text[0] != '0' || len(text) == 1)
	if n, err := strconv.ParseUint(string(text), 10, 64); err == nil && canonical {
		return strconv.FormatUint(n, 10), nil
	}
	var inst computepb.Instance
	raw := append([]byte(`{"id":`), l.b[start:l.i]...)
	if err := protojson.Unmarshal(append(raw, '}'), &inst); err != nil {
		return "", l.fail("invalid uint64")
	}
	return strconv.FormatUint(inst.GetId(), 10), nil
}

// entryHead is what the adapter reads of every listed entry: its name and
// status.
type entryHead struct {
	name, status string
	hasStatus    bool
}

// member reads member k into h when it is the name or the status (bits 0
// and 1 of seen), reporting whether it was one of them.
func (h *entryHead) member(l *lexer, k []byte, seen *uint8) (bool, error) {
	var err error
	switch string(k) {
	case "name":
		if err = l.seenOnce(seen, bit0); err == nil {
			h.name, _, err = l.optString()
		}
	case "status":
		if err = l.seenOnce(seen, bit1); err == nil {
			h.status, h.hasStatus, err = l.optString()
		}
	default:
		return false, nil
	}
	return true, err
}

// complete reports whether the entry has a name and a status.
func (h *entryHead) complete() bool { return h.name != "" && h.hasStatus }

// instanceEntry is what the adapter reads of a listed instance.
type instanceEntry struct {
	entryHead
	natIP, id string
}

// readInstance reads one listed instance; complete when it has a name and
// a status.
func readInstance(l *lexer) (instanceEntry, bool, error) {
	var e instanceEntry
	var seen uint8
	err := l.members(func(k []byte) error {
		if ok, err := e.member(l, k, &seen); ok {
			return err
		}
		var err error
		switch string(k) {
		case "id":
			if err = l.seenOnce(&seen, bit2); err == nil {
				e.id, err = l.uint64Field()
			}
		case "networkInterfaces", "network_interfaces":
			if err = l.seenOnce(&seen, bit3); err == nil {
				err = l.interfaces(&e.natIP)
			}
		default:
			err = l.skip()
		}
		return err
	})
	return e, e.complete(), err
}

// interfaces reads an instance's network interfaces and keeps the first
// external address of their access configs in *natIP.
func (l *lexer) interfaces(natIP *string) error {
	return l.array(func() error {
		var seen uint8
		return l.members(func(k []byte) error {
			if string(k) != "accessConfigs" && string(k) != "access_configs" {
				return l.skip()
			}
			if err := l.seenOnce(&seen, bit0); err != nil {
				return err
			}
			return l.array(func() error {
				var seen uint8
				return l.members(func(k []byte) error {
					if string(k) != "natIP" && string(k) != "nat_i_p" {
						return l.skip()
					}
					if err := l.seenOnce(&seen, bit0); err != nil {
						return err
					}
					ip, _, err := l.optString()
					if *natIP == "" {
						*natIP = ip
					}
					return err
				})
			})
		})
	})
}

// diskEntry is what the adapter reads of a listed disk.
type diskEntry struct{ entryHead }

// readDisk reads one listed disk; complete when it has a name and a
// status.
func readDisk(l *lexer) (diskEntry, bool, error) {
	var e diskEntry
	var seen uint8
	err := l.members(func(k []byte) error {
		if ok, err := e.member(l, k, &seen); ok {
			return err
		}
		return l.skip()
	})
	return e, e.complete(), err
}

// listedVMs turns a decoded instance listing of call (e.g. "list
// instances p") into the page's VMs, checking its scopes in key order (see
// eachZone), then the unreachable scopes.
func listedVMs(call string, ls listing[instanceEntry]) ([]provider.ListedVM, error) {
	var vms []provider.ListedVM
	err := eachZone(call, ls, false, func(zone string, e instanceEntry) {
		vms = append(vms, provider.ListedVM{
			Instance: e.name,
			Zone:     zone,
			VM:       InstanceStates.Normalize(e.status),
			Raw:      e.status,
			Address:  e.natIP,
			VMID:     e.id,
		})
	})
	return vms, err
}

// listedVolumes turns a decoded disk listing into the page's volumes, as
// listedVMs.
func listedVolumes(call string, ls listing[diskEntry]) ([]provider.ListedVolume, error) {
	var vols []provider.ListedVolume
	err := eachZone(call, ls, true, func(zone string, e diskEntry) {
		vols = append(vols, provider.ListedVolume{
			Volume: e.name,
			Zone:   zone,
			State:  DiskStates.Normalize(e.status),
			Raw:    e.status,
		})
	})
	return vols, err
}

// eachZone calls each for the entries of the listing's zones in key order
// and returns the first failure: an UNREACHABLE warning on any scope,
// whatever its key, fails the page (unavailable), as does an incomplete
// entry of a zone; entries under a key that names no zone ("zones/" with
// nothing after it, a region, anything else) are a bad response, but for
// a region's in the disk listing (regionalOK): regional disks exist and
// belong to no host, so they are skipped.
func eachZone[T any](call string, ls listing[T], regionalOK bool, each func(zone string, e T)) error {
	for _, sc := range ls.scopes {
		zone, ok := zoneOf(sc.key)
		switch {
		case sc.warning == computepb.Warning_UNREACHABLE.String():
			return errUnreachable(call, sc.key)
		case !ok && (sc.lo == sc.hi || regionalOK && isRegion(sc.key)):
			continue
		case !ok:
			return &callError{call, provider.ErrBadResponse, "entries under scope " + quote(sc.key) + ", not a zone", errIncomplete}
		case sc.incomplete:
			return errIncomplete
		}
		for _, e := range ls.entries[sc.lo:sc.hi] {
			each(zone, e)
		}
	}
	return checkReachable(call, ls.unreachables)
}

// isRegion reports whether an aggregated listing's key names a region
// ("regions/<region>").
func isRegion(key string) bool {
	region, ok := strings.CutPrefix(key, "regions/")
	return ok && region != ""
}
