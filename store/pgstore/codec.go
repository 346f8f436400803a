package pgstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// precision is what timestamptz keeps.
const precision = time.Microsecond

// restDoc is the jsonb of a record's fields that have no column of their
// own. It embeds the Record so a field added to hoststate.Record is stored
// without a change here; the fields below shadow the columns' JSON names
// (a field at depth 0 hides the embedded one of the same name) and, being
// struct{} with omitzero, are never written, so nothing is stored twice.
type restDoc struct {
	hoststate.Record
	ID           struct{} `json:"id,omitzero"`
	Version      struct{} `json:"version,omitzero"`
	Status       struct{} `json:"status,omitzero"`
	Provider     struct{} `json:"provider,omitzero"`
	NextCheck    struct{} `json:"next_check,omitzero"`
	LastSeen     struct{} `json:"last_seen,omitzero"`
	Address      struct{} `json:"address,omitzero"`
	PendingCount struct{} `json:"pending_count,omitzero"`
	Ref          struct{} `json:"ref,omitzero"`
}

// row is one host write's column values, ready to send.
type row struct {
	rec     hoststate.Record // as it will be stored; Version is the one read
	status  string
	ref     string
	rest    string
	version int64
}

// maxTime bounds the times a record may hold, from year 1 (the zero
// time) to 9999: JSON encodes four-digit years only, and timestamptz
// starts before year 1.
func maxTime() time.Time { return time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC) }

// encode validates w's record and returns it as stored, with its column
// values. Invalid input is an error matching store.ErrInvalidRecord.
func encode(rec hoststate.Record) (row, error) {
	if err := store.ValidRecord(rec); err != nil {
		return row{}, err
	}
	rec, err := storable(rec)
	if err != nil {
		return row{}, err
	}
	ref, err := json.Marshal(rec.Ref)
	if err != nil {
		return row{}, fmt.Errorf("%w: %q: ref: %v", store.ErrInvalidRecord, rec.ID, err)
	}
	rest, err := json.Marshal(restDoc{Record: rec})
	if err != nil {
		return row{}, fmt.Errorf("%w: %q: %v", store.ErrInvalidRecord, rec.ID, err)
	}
	// A version no row can have (above int64) is simply a stale one.
	v := int64(-1)
	if rec.Version <= math.MaxInt64 {
		v = int64(rec.Version)
	}
	return row{rec: rec, status: rec.Status.String(), ref: string(ref), rest: string(rest), version: v}, nil
}

// storable returns rec as PostgreSQL keeps it: times truncated to the
// microsecond, in UTC, the zero time as time.Time{}; strings as valid UTF-8
// without NUL (text holds neither), each bad byte as U+FFFD; an empty label
// map as nil. Update returns this, so a write returns exactly what a later
// read does.
func storable(rec hoststate.Record) (hoststate.Record, error) {
	rec = store.AtPrecision(rec, precision)
	for _, t := range store.RecordTimes(&rec) {
		if t.Before(time.Time{}) || t.After(maxTime()) {
			return rec, fmt.Errorf("%w: %q holds a time outside years 1–9999: %v", store.ErrInvalidRecord, rec.ID, *t)
		}
		*t = utc(*t)
	}
	for _, s := range []*string{&rec.Provider, &rec.Reason, &rec.VMID, &rec.ProviderStatus, &rec.ProviderVolumeStatus,
		&rec.ProbeError, &rec.Address, &rec.Ref.Project, &rec.Ref.Zone, &rec.Ref.Region, &rec.Ref.Instance, &rec.Ref.Volume} {
		*s = clean(*s)
	}
	switch {
	case len(rec.Ref.Labels) == 0:
		rec.Ref.Labels = nil
	case !cleanLabels(rec.Ref.Labels):
		// Copy: the caller's map is never changed.
		m := make(map[string]string, len(rec.Ref.Labels))
		for k, v := range rec.Ref.Labels {
			m[clean(k)] = clean(v)
		}
		rec.Ref.Labels = m
	}
	return rec, nil
}

// utc returns t in UTC, and the zero time as time.Time{} itself.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// clean returns s as text can hold it: invalid UTF-8 and NUL bytes become
// U+FFFD. It allocates only for such a string.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// cleanLabels reports whether every label key and value is clean already.
func cleanLabels(m map[string]string) bool {
	for k, v := range m {
		if clean(k) != k || clean(v) != v {
			return false
		}
	}
	return true
}

// hostColumns is the column list every read selects, in scanned order.
const hostColumns = "id, version, status, provider, next_check, last_seen, address, pending_count, ref, rest"

// scanned is one host row as read, before decoding: loose types, so a row
// that does not decode fails in decode (and is skipped) rather than in
// Scan (which would end the whole result).
type scanned struct {
	id, status, provider, address string
	version, pending              int64
	nextCheck, lastSeen           pgtype.Timestamptz
	ref, rest                     []byte
}

// dest returns the Scan destinations for hostColumns.
func (s *scanned) dest() []any {
	return []any{&s.id, &s.version, &s.status, &s.provider, &s.nextCheck, &s.lastSeen, &s.address, &s.pending, &s.ref, &s.rest}
}

// decode turns a scanned row into a record, or a *DecodeError.
func (s *scanned) decode() (hoststate.Record, error) {
	fail := func(err error) (hoststate.Record, error) {
		return hoststate.Record{}, &DecodeError{ID: boundedID(s.id), Err: err}
	}
	var d restDoc
	if err := json.Unmarshal(s.rest, &d); err != nil {
		return fail(fmt.Errorf("rest: %w", err))
	}
	rec := d.Record
	if err := json.Unmarshal(s.ref, &rec.Ref); err != nil {
		return fail(fmt.Errorf("ref: %w", err))
	}
	st, err := hoststate.ParseStatus(s.status)
	if err != nil {
		return fail(err)
	}
	if s.version <= 0 || s.pending < math.MinInt || s.pending > math.MaxInt {
		return fail(fmt.Errorf("version %d or pending_count %d out of range", s.version, s.pending))
	}
	rec.ID, rec.Version, rec.Status, rec.Provider, rec.Address, rec.PendingCount = s.id, uint64(s.version), st, s.provider, s.address, int(s.pending)
	if rec.NextCheck, err = finite(s.nextCheck); err != nil {
		return fail(fmt.Errorf("next_check: %w", err))
	}
	if rec.LastSeen, err = finite(s.lastSeen); err != nil {
		return fail(fmt.Errorf("last_seen: %w", err))
	}
	for _, t := range store.RecordTimes(&rec) {
		*t = utc(*t)
	}
	if len(rec.Ref.Labels) == 0 {
		rec.Ref.Labels = nil
	}
	return rec, nil
}

// errInfinite is a timestamp of ±infinity, which no record time is.
var errInfinite = errors.New("infinite timestamp")

// finite returns ts as a time in UTC, or an error for ±infinity.
func finite(ts pgtype.Timestamptz) (time.Time, error) {
	if !ts.Valid || ts.InfinityModifier != pgtype.Finite {
		return time.Time{}, errInfinite
	}
	return utc(ts.Time), nil
}

// dbTime returns t as a query parameter, inside the range a record time
// can have, so a filter far in the past or future still reads sensibly.
func dbTime(t time.Time) time.Time {
	switch {
	case t.Before(time.Time{}):
		return time.Time{}
	case t.After(maxTime()):
		return maxTime()
	}
	return t
}
