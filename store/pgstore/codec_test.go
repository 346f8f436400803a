package pgstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// fillRecord sets every field of a Record, whatever fields it has, to a
// non-zero value: strings hold a NUL and an invalid byte, times carry
// nanoseconds, enums their first non-zero value. A field added to
// hoststate.Record is covered without a change here.
func fillRecord(t *testing.T, base time.Time) hoststate.Record {
	t.Helper()
	var rec hoststate.Record
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		switch {
		case v.Type() == reflect.TypeFor[time.Time]():
			v.Set(reflect.ValueOf(base.Add(time.Duration(len(path)) * time.Minute)))
			return
		case v.Kind() == reflect.String:
			v.SetString("x\x00" + path + "\xff")
		case v.Kind() == reflect.Bool:
			v.SetBool(true)
		case v.Kind() == reflect.Int:
			v.SetInt(int64(len(path)))
		case v.Kind() == reflect.Uint64:
			v.SetUint(uint64(len(path)))
		case v.Kind() == reflect.Uint8: // the enums: 1 is valid in each
			v.SetUint(1)
		case v.Kind() == reflect.Map && v.Type() == reflect.TypeFor[map[string]string]():
			v.Set(reflect.ValueOf(map[string]string{"k\x00": "v\xff", "plain": "label"}))
		case v.Kind() == reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		default:
			t.Fatalf("fillRecord: field %s of kind %v: teach this test about it", path, v.Kind())
		}
	}
	fill(reflect.ValueOf(&rec).Elem(), "")
	rec.ID, rec.Version = "host-1", 0
	return rec
}

// zeroFields lists the fields of v that are zero.
func zeroFields(v reflect.Value, path string) []string {
	if v.Type() == reflect.TypeFor[time.Time]() || v.Kind() != reflect.Struct {
		if v.IsZero() {
			return []string{path}
		}
		return nil
	}
	var out []string
	for i := range v.NumField() {
		out = append(out, zeroFields(v.Field(i), path+"."+v.Type().Field(i).Name)...)
	}
	return out
}

func TestEveryFieldRoundTrips(t *testing.T) {
	s, _ := newStore(t, pgstore.Config{})
	ctx := t.Context()
	base := time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	in := fillRecord(t, base)
	got, err := s.Update(ctx, store.Write{Record: in})
	if err != nil {
		t.Fatal(err)
	}
	read, err := s.Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, read); diff != "" {
		t.Fatalf("Get differs from what Update returned (-update +get):\n%s", diff)
	}
	if z := zeroFields(reflect.ValueOf(read), "Record"); len(z) > 0 {
		t.Fatalf("fields lost in the round trip: %v", z)
	}
	if in.Ref.Labels["k\x00"] != "v\xff" {
		t.Fatal("Update changed the caller's label map")
	}
	// Times: truncated to microseconds, in UTC, every one of them, in what
	// Update returns as in what Get reads (cmp compares instants only).
	if !read.Since.Equal(in.Since.Truncate(time.Microsecond)) || read.Since.Location() != time.UTC {
		t.Errorf("Since = %v, want %v in UTC", read.Since, in.Since.Truncate(time.Microsecond))
	}
	for i, tm := range store.RecordTimes(&got) {
		if tm.Location() != time.UTC || store.RecordTimes(&read)[i].Location() != time.UTC {
			t.Errorf("record time %d: Update returned %v, Get read %v; want both in UTC", i, *tm, *store.RecordTimes(&read)[i])
		}
	}
	// Strings: NUL and invalid UTF-8 stored as U+FFFD.
	if want := "x\uFFFD.ProviderStatus\uFFFD"; read.ProviderStatus != want {
		t.Errorf("ProviderStatus = %q, want %q", read.ProviderStatus, want)
	}
	if diff := cmp.Diff(map[string]string{"k\uFFFD": "v\uFFFD", "plain": "label"}, read.Ref.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	// Written back unchanged, it stays equal: what Update returned is
	// what is stored.
	again, err := s.Update(ctx, store.Write{Record: read})
	if err != nil {
		t.Fatal(err)
	}
	read.Version++
	if diff := cmp.Diff(read, again); diff != "" {
		t.Fatalf("a re-written record changed (-want +got):\n%s", diff)
	}
}

func TestRefusedRecords(t *testing.T) {
	s, _ := newStore(t, pgstore.Config{})
	ctx := t.Context()
	ok := hoststate.Record{ID: "h", Status: hoststate.StatusOff}
	for _, tc := range []struct {
		name string
		rec  hoststate.Record
	}{
		{"NUL in id", hoststate.Record{ID: "a\x00b", Status: hoststate.StatusOff}},
		{"year 10000", func() hoststate.Record { r := ok; r.NextCheck = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC); return r }()},
		{"before year 1", func() hoststate.Record { r := ok; r.Since = time.Time{}.Add(-time.Hour); return r }()},
		{"invalid action", func() hoststate.Record { r := ok; r.LastAction = hoststate.Action(200); return r }()},
		{"invalid pending status", func() hoststate.Record { r := ok; r.Pending = hoststate.Status(200); return r }()},
	} {
		if _, err := s.Update(ctx, store.Write{Record: tc.rec}); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("%s: Update = %v, want ErrInvalidRecord", tc.name, err)
		}
		if _, err := s.UpdateBatch(ctx, []store.Write{{Record: ok}, {Record: tc.rec}}); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("%s: UpdateBatch = %v, want ErrInvalidRecord", tc.name, err)
		}
	}
	if got, err := s.List(ctx, store.Filter{}); err != nil || len(got) != 0 {
		t.Fatalf("after refused writes List = %v, %v", got, err)
	}
	// Lookups with bytes no stored string holds find nothing, and do not
	// fail in PostgreSQL.
	if _, err := s.Get(ctx, "a\x00b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(NUL) = %v", err)
	}
	if _, err := s.Get(ctx, "\xff"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(invalid UTF-8) = %v", err)
	}
	if got, err := s.List(ctx, store.Filter{Provider: "\xff\x00"}); err != nil || len(got) != 0 {
		t.Errorf("List(provider with bad bytes) = %v, %v", got, err)
	}
	if _, err := s.History(ctx, "\x00", time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("History(NUL) = %v", err)
	}
	if _, _, err := s.TryLease(ctx, "k\x00", "r", time.Second); !errors.Is(err, store.ErrInvalidRecord) {
		t.Errorf("TryLease(NUL key) = %v", err)
	}
	if _, err := s.Update(ctx, store.Write{Record: ok, Fence: store.Fence{Key: "\xff", Epoch: 1}}); !errors.Is(err, store.ErrFenced) {
		t.Errorf("write fenced by an impossible key = %v, want ErrFenced", err)
	}
	// Extreme filter times read sensibly.
	if _, err := s.Update(ctx, store.Write{Record: ok}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.Filter{
		{LastSeenBefore: time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{LastSeenBefore: time.Time{}.Add(time.Nanosecond)},
		{After: "a\x00"}, {After: "\x00"},
	} {
		if _, err := s.List(ctx, f); err != nil {
			t.Errorf("List(%+v) = %v", f, err)
		}
	}
	if got, err := s.Due(ctx, time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), 0); err != nil || len(got) != 1 {
		t.Errorf("Due(year 300000) = %v, %v", got, err)
	}
	if _, err := s.Due(context.Background(), time.Time{}.Add(-time.Hour), 0); err != nil {
		t.Errorf("Due(before year 1) = %v", err)
	}
}

func TestListCursorHoldingNUL(t *testing.T) {
	s, _ := newStore(t, pgstore.Config{})
	for _, id := range []string{"a", "a!", "ab", "b"} {
		if _, err := s.Update(t.Context(), store.Write{Record: hoststate.Record{ID: id}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.List(t.Context(), store.Filter{After: "a\x00z"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"a!", "ab", "b"}, ids); diff != "" {
		t.Fatalf("after %q (-want +got):\n%s", "a\x00z", diff)
	}
}
