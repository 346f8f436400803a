// Package storetest is a conformance suite for store.Store implementations,
// in the spirit of testing/fstest.TestFS: an implementation is done when
// [Run] passes against it.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return newStore(t) })
//	}
//
// The suite uses real time only where the contract does: lease expiry runs
// on the store's own clock, so those cases grant short leases and wait for
// the store to see them expire.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// NewStore returns a fresh, empty store for one test; it registers its own
// cleanup with t.
type NewStore func(t *testing.T) store.Store

// Run checks s against the whole store contract, one subtest per part.
func Run(t *testing.T, newStore NewStore) {
	t.Helper()
	c := suite{base: time.Now().Add(-time.Hour).Truncate(time.Second).Add(123456789 * time.Nanosecond).UTC()}
	cases := []struct {
		name string
		f    func(*testing.T, store.Store)
	}{
		{"GetMissing", c.testGetMissing},
		{"InsertAndGet", c.testInsertAndGet},
		{"Precision", c.testPrecision},
		{"CompareAndSwap", c.testCompareAndSwap},
		{"InvalidRecords", c.testInvalidRecords},
		{"Batch", c.testBatch},
		{"BatchAllOrNothing", c.testBatchAllOrNothing},
		{"Due", c.testDue},
		{"ListFilterAndPaging", c.testList},
		{"AllPagesEveryRecordOnce", c.testAll},
		{"Leases", c.testLeases},
		{"LeaseExpiry", c.testLeaseExpiry},
		{"FencedWrites", c.testFencedWrites},
		{"ChangeFeed", c.testChangeFeed},
		{"History", c.testHistory},
		{"Reports", c.testReports},
		{"ConcurrentWritersLoseNoUpdate", c.testConcurrentWriters},
		{"ListOrderUnderConcurrentInserts", c.testListUnderInserts},
		{"CancelledContext", c.testCancelled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.f(t, newStore(t)) })
	}
}

// suite holds what every case shares: base, an instant an hour before
// the suite started with sub-microsecond digits, so precision shows and
// no store's history retention (on its own clock) drops what a case wrote.
type suite struct{ base time.Time }

// rec returns a valid record for id with every time field set.
func (c suite) rec(id string) hoststate.Record {
	return hoststate.Record{
		ID: id, Provider: "gcp",
		Ref:    hoststate.Ref{Project: "p", Zone: "z", Instance: "vm-" + id, Volume: "disk-" + id},
		Status: hoststate.StatusRunning, Since: c.base, LastAction: hoststate.ActionStart,
		ActionAt: c.base.Add(-time.Minute), Deadline: c.base.Add(time.Minute), ActionSeq: 3,
		NextCheck: c.base.Add(time.Hour), VMID: "1234567890",
		Observed: hoststate.VMRunning, ObservedVolume: hoststate.VolumePresent,
		ProviderStatus: "RUNNING", ProviderVolumeStatus: "READY", ObservedAt: c.base.Add(time.Second),
		Address: "203.0.113.7", LastSeen: c.base.Add(2 * time.Second),
	}
}

// put inserts r and fails the test on error.
func put(t *testing.T, s store.Store, r hoststate.Record) hoststate.Record {
	t.Helper()
	got, err := s.Update(t.Context(), store.Write{Record: r})
	if err != nil {
		t.Fatalf("Update(%q): %v", r.ID, err)
	}
	return got
}

// want is r as s should return it after a write at version v.
func want(s store.Store, r hoststate.Record, v uint64) hoststate.Record {
	r = store.AtPrecision(r, s.Precision())
	r.Version = v
	return r
}

func (c suite) testGetMissing(t *testing.T, s store.Store) {
	if _, err := s.Get(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
}

func (c suite) testInsertAndGet(t *testing.T, s store.Store) {
	r := c.rec("h1")
	r.Ref.Labels = map[string]string{"driftless": "owned"}
	got := put(t, s, r)
	if diff := cmp.Diff(want(s, r, 1), got); diff != "" {
		t.Fatalf("Update returned (-want +got):\n%s", diff)
	}
	read, err := s.Get(t.Context(), "h1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, read); diff != "" {
		t.Fatalf("Get differs from what Update returned (-update +get):\n%s", diff)
	}
}

func (c suite) testPrecision(t *testing.T, s store.Store) {
	p := s.Precision()
	if p <= 0 || p > time.Millisecond {
		t.Fatalf("Precision() = %v, want (0, 1ms]", p)
	}
	r := c.rec("h1")
	got := put(t, s, r)
	read, err := s.Get(t.Context(), "h1")
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]time.Time{
		"Since": {got.Since, read.Since}, "ActionAt": {got.ActionAt, read.ActionAt},
		"Deadline": {got.Deadline, read.Deadline}, "NextCheck": {got.NextCheck, read.NextCheck},
		"ObservedAt": {got.ObservedAt, read.ObservedAt}, "LastSeen": {got.LastSeen, read.LastSeen},
	} {
		if !pair[0].Equal(pair[1]) {
			t.Errorf("%s: Update returned %v, Get %v", name, pair[0], pair[1])
		}
		if pair[1].Truncate(p) != pair[1] {
			t.Errorf("%s = %v is finer than the stated precision %v", name, pair[1], p)
		}
	}
	// A written record, written back unchanged, compares equal: the
	// waiter's "is this still my action" check relies on it.
	again, err := s.Update(t.Context(), store.Write{Record: read})
	if err != nil {
		t.Fatal(err)
	}
	read.Version++
	if diff := cmp.Diff(read, again); diff != "" {
		t.Fatalf("a re-written record changed (-want +got):\n%s", diff)
	}
}

func (c suite) testCompareAndSwap(t *testing.T, s store.Store) {
	ctx := t.Context()
	v1 := put(t, s, c.rec("h1"))
	if _, err := s.Update(ctx, store.Write{Record: c.rec("h1")}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second insert = %v, want ErrConflict", err)
	}
	ghost := c.rec("ghost")
	ghost.Version = 4
	if _, err := s.Update(ctx, store.Write{Record: ghost}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("update of a missing host at version 4 = %v, want ErrConflict", err)
	}
	next := v1
	next.Status = hoststate.StatusStopping
	v2, err := s.Update(ctx, store.Write{Record: next})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != v1.Version+1 {
		t.Fatalf("version %d after %d", v2.Version, v1.Version)
	}
	stale := v1
	stale.Status = hoststate.StatusOff
	if _, err := s.Update(ctx, store.Write{Record: stale}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale update = %v, want ErrConflict", err)
	}
	got, err := s.Get(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(v2, got); diff != "" {
		t.Fatalf("a refused write changed the record (-want +got):\n%s", diff)
	}
}

func (c suite) testInvalidRecords(t *testing.T, s store.Store) {
	bad := map[string]hoststate.Record{
		"empty id":     {Status: hoststate.StatusOff},
		"long id":      {ID: string(make([]byte, store.MaxIDLen+1)), Status: hoststate.StatusOff},
		"invalid utf8": {ID: "\xff\xfe", Status: hoststate.StatusOff},
		"control char": {ID: "h\n1", Status: hoststate.StatusOff},
		"NUL":          {ID: "h\x001", Status: hoststate.StatusOff},
		"dot":          {ID: ".", Status: hoststate.StatusOff},
		"dot dot":      {ID: "..", Status: hoststate.StatusOff},
		"slash":        {ID: "/", Status: hoststate.StatusOff},
		"bad status":   {ID: "h1", Status: hoststate.Status(200)},
	}
	for name, r := range bad {
		if _, err := s.Update(t.Context(), store.Write{Record: r}); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("%s: Update = %v, want ErrInvalidRecord", name, err)
		}
	}
	if got, err := s.List(t.Context(), store.Filter{}); err != nil || len(got) != 0 {
		t.Fatalf("after invalid writes List = %d records, %v; want none", len(got), err)
	}
}

func (c suite) testBatch(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := put(t, s, c.rec("a")), put(t, s, c.rec("b"))
	a.Status, b.Status = hoststate.StatusStopping, hoststate.StatusOff
	b.Version = 9 // stale
	res, err := s.UpdateBatch(ctx, []store.Write{{Record: a}, {Record: b}, {Record: c.rec("c")}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"b"}, res.Conflicts); diff != "" {
		t.Errorf("Conflicts (-want +got):\n%s", diff)
	}
	ids := []string{}
	for _, r := range res.Written {
		ids = append(ids, r.ID)
		read, err := s.Get(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(read, r); diff != "" {
			t.Errorf("%s: Written differs from Get (-get +written):\n%s", r.ID, diff)
		}
	}
	if diff := cmp.Diff([]string{"a", "c"}, ids); diff != "" {
		t.Errorf("Written ids (-want +got):\n%s", diff)
	}
	if got, _ := s.Get(ctx, "b"); got.Status != hoststate.StatusRunning || got.Version != 1 {
		t.Errorf("conflicting write applied: %v at version %d", got.Status, got.Version)
	}
	if res, err := s.UpdateBatch(ctx, nil); err != nil || len(res.Written)+len(res.Conflicts) != 0 {
		t.Errorf("empty batch = %+v, %v", res, err)
	}
}

func (c suite) testBatchAllOrNothing(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := put(t, s, c.rec("a"))
	a.Status = hoststate.StatusStopping
	for name, ws := range map[string][]store.Write{
		"duplicate": {{Record: a}, {Record: a}},
		"invalid":   {{Record: a}, {Record: hoststate.Record{ID: "", Status: hoststate.StatusOff}}},
	} {
		if _, err := s.UpdateBatch(ctx, ws); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("%s: UpdateBatch = %v, want ErrInvalidRecord", name, err)
		}
		if got, _ := s.Get(ctx, "a"); got.Version != 1 {
			t.Errorf("%s: a refused batch wrote a (version %d)", name, got.Version)
		}
	}
}

func (c suite) testDue(t *testing.T, s store.Store) {
	ctx := t.Context()
	next := map[string]time.Time{
		"a": c.base.Add(3 * time.Minute), "b": c.base.Add(time.Minute), "c": {},
		"d": c.base.Add(time.Minute), "e": c.base.Add(time.Hour), "f": c.base.Add(-time.Hour),
	}
	for id, at := range next {
		r := c.rec(id)
		r.NextCheck = at
		put(t, s, r)
	}
	ids := func(rs []hoststate.Record) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	now := c.base.Add(3 * time.Minute)
	got, err := s.Due(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"c", "f", "b", "d", "a"}, ids(got)); diff != "" {
		t.Errorf("Due (-want +got):\n%s", diff)
	}
	got, err = s.Due(ctx, now, 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"c", "f", "b"}, ids(got)); diff != "" {
		t.Errorf("Due limit 3 (-want +got):\n%s", diff)
	}
	// Moving a host's next check moves it in the index.
	cur, _ := s.Get(ctx, "c")
	cur.NextCheck = c.base.Add(2 * time.Hour)
	if _, err := s.Update(ctx, store.Write{Record: cur}); err != nil {
		t.Fatal(err)
	}
	cur, _ = s.Get(ctx, "e")
	cur.NextCheck = c.base
	if _, err := s.Update(ctx, store.Write{Record: cur}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Due(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"f", "e", "b", "d", "a"}, ids(got)); diff != "" {
		t.Errorf("Due after moves (-want +got):\n%s", diff)
	}
	if got, err := s.Due(ctx, c.base.Add(-2*time.Hour), 0); err != nil || len(got) != 0 {
		t.Errorf("Due before everything = %v, %v; want none", ids(got), err)
	}
}

func (c suite) testList(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i, id := range []string{"d", "a", "c", "e", "b"} {
		r := c.rec(id)
		if i%2 == 0 {
			r.Status, r.Address = hoststate.StatusOff, ""
		}
		if id == "e" {
			r.Provider, r.PendingCount, r.Pending = "nebius", 1, hoststate.StatusOff
		}
		put(t, s, r)
	}
	ids := func(f store.Filter) []string {
		t.Helper()
		rs, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"all in id order", store.Filter{}, []string{"a", "b", "c", "d", "e"}},
		{"statuses", store.Filter{Statuses: []hoststate.Status{hoststate.StatusOff}}, []string{"b", "c", "d"}},
		{"provider", store.Filter{Provider: "nebius"}, []string{"e"}},
		{"missing address", store.Filter{MissingAddress: true}, []string{"b", "c", "d"}},
		{"confirming", store.Filter{Confirming: true}, []string{"e"}},
		{"last seen before", store.Filter{LastSeenBefore: c.base.Add(time.Second)}, []string{}},
		{"last seen before later", store.Filter{LastSeenBefore: c.base.Add(time.Hour), Limit: 2}, []string{"a", "b"}},
		{"after", store.Filter{After: "b", Limit: 2}, []string{"c", "d"}},
		{"after a missing id", store.Filter{After: "bb"}, []string{"c", "d", "e"}},
		{"after the last", store.Filter{After: "e"}, []string{}},
	} {
		if diff := cmp.Diff(tc.want, ids(tc.f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		// store.AppendList (a store's own AppendList, when it is an
		// Appender) keeps what dst held and appends what List returns.
		listed, err := s.List(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		kept := hoststate.Record{ID: "kept"}
		dst := make([]hoststate.Record, 1, 2)
		dst[0] = kept
		got, err := store.AppendList(ctx, s, dst, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(append([]hoststate.Record{kept}, listed...), got); diff != "" {
			t.Errorf("%s: AppendList (-want +got):\n%s", tc.name, diff)
		}
	}
}

func (c suite) testAll(t *testing.T, s store.Store) {
	const n = 23
	for i := range n {
		put(t, s, c.rec(fmt.Sprintf("h%03d", i)))
	}
	var got []string
	for r, err := range store.All(t.Context(), s, store.Filter{}, 5) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.ID)
	}
	if len(got) != n || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != n {
		t.Fatalf("All visited %d records (%v), want %d once each in order", len(got), got, n)
	}
}

func (c suite) testLeases(t *testing.T, s store.Store) {
	ctx := t.Context()
	l1, ok, err := s.TryLease(ctx, "shard/a", "r1", time.Hour)
	if err != nil || !ok {
		t.Fatalf("first grant = %v, %v", ok, err)
	}
	if l1.Owner != "r1" || l1.Key != "shard/a" || l1.Epoch == 0 {
		t.Fatalf("lease = %+v", l1)
	}
	if _, ok, err := s.TryLease(ctx, "shard/a", "r2", time.Hour); err != nil || ok {
		t.Fatalf("another owner's grant = %v, %v; want refused", ok, err)
	}
	renewed, ok, err := s.TryLease(ctx, "shard/a", "r1", time.Hour)
	if err != nil || !ok || renewed.Epoch != l1.Epoch {
		t.Fatalf("renewal = %+v, %v, %v; want the same epoch %d", renewed, ok, err, l1.Epoch)
	}
	if other, ok, err := s.TryLease(ctx, "shard/b", "r2", time.Hour); err != nil || !ok || other.Owner != "r2" {
		t.Fatalf("another key = %+v, %v, %v", other, ok, err)
	}
	if err := s.ReleaseLease(ctx, l1); err != nil {
		t.Fatal(err)
	}
	l2, ok, err := s.TryLease(ctx, "shard/a", "r2", time.Hour)
	if err != nil || !ok || l2.Epoch <= l1.Epoch {
		t.Fatalf("grant after release = %+v, %v, %v; want a higher epoch than %d", l2, ok, err, l1.Epoch)
	}
	// Releasing a lease that moved on does nothing.
	if err := s.ReleaseLease(ctx, l1); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.TryLease(ctx, "shard/a", "r3", time.Hour); ok {
		t.Fatal("a stale release freed the new holder's lease")
	}
	for _, bad := range [][2]string{{"", "r1"}, {"k", ""}} {
		if _, _, err := s.TryLease(ctx, bad[0], bad[1], time.Hour); !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("TryLease(%q, %q) = %v, want ErrInvalidRecord", bad[0], bad[1], err)
		}
	}
	if _, _, err := s.TryLease(ctx, "k", "r1", 0); !errors.Is(err, store.ErrInvalidRecord) {
		t.Errorf("TryLease with ttl 0 = %v, want ErrInvalidRecord", err)
	}
}

// eventually polls cond every few milliseconds until it holds or 10 s of
// real time pass: lease expiry happens on the store's own clock.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not true after 10s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (c suite) testLeaseExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	l1, ok, err := s.TryLease(ctx, "shard/a", "r1", 50*time.Millisecond)
	if err != nil || !ok {
		t.Fatalf("grant = %v, %v", ok, err)
	}
	var l2 store.Lease
	eventually(t, "another owner takes an expired lease", func() bool {
		var ok bool
		l2, ok, err = s.TryLease(ctx, "shard/a", "r2", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	})
	if l2.Epoch <= l1.Epoch {
		t.Fatalf("takeover epoch %d, want above %d", l2.Epoch, l1.Epoch)
	}
	// The first owner coming back is refused, and so are its writes.
	if _, ok, _ := s.TryLease(ctx, "shard/a", "r1", time.Hour); ok {
		t.Fatal("the old owner took the lease back from an unexpired holder")
	}
	if _, err := s.Update(ctx, store.Write{Record: c.rec("h1"), Fence: l1.Fence()}); !errors.Is(err, store.ErrFenced) {
		t.Fatalf("write with the old epoch = %v, want ErrFenced", err)
	}
}

func (c suite) testFencedWrites(t *testing.T, s store.Store) {
	ctx := t.Context()
	l1, _, err := s.TryLease(ctx, "shard/a", "r1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := s.Update(ctx, store.Write{Record: c.rec("h1"), Fence: l1.Fence()})
	if err != nil {
		t.Fatalf("fenced write by the holder = %v", err)
	}
	if err := s.ReleaseLease(ctx, l1); err != nil {
		t.Fatal(err)
	}
	l2, ok, err := s.TryLease(ctx, "shard/a", "r2", time.Hour)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	next := v1
	next.Status = hoststate.StatusOff
	if _, err := s.Update(ctx, store.Write{Record: next, Fence: l1.Fence()}); !errors.Is(err, store.ErrFenced) {
		t.Fatalf("write with a stale epoch = %v, want ErrFenced", err)
	}
	if _, err := s.UpdateBatch(ctx, []store.Write{{Record: c.rec("h2")}, {Record: next, Fence: l1.Fence()}}); !errors.Is(err, store.ErrFenced) {
		t.Fatalf("batch with a stale epoch = %v, want ErrFenced", err)
	}
	if _, err := s.Get(ctx, "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a fenced batch wrote h2: %v", err)
	}
	if _, err := s.Update(ctx, store.Write{Record: next, Fence: store.Fence{Key: "never", Epoch: 1}}); !errors.Is(err, store.ErrFenced) {
		t.Fatalf("write fenced by an unknown lease = %v, want ErrFenced", err)
	}
	if _, err := s.Update(ctx, store.Write{Record: next, Fence: l2.Fence()}); err != nil {
		t.Fatalf("write by the new holder = %v", err)
	}
}

// receive returns the next transition from ch, failing after 10 s.
func receive(t *testing.T, ch <-chan store.Transition) store.Transition {
	t.Helper()
	select {
	case tr, ok := <-ch:
		if !ok {
			t.Fatal("feed closed")
		}
		return tr
	case <-time.After(10 * time.Second):
		t.Fatal("no transition within 10s")
	}
	panic("unreachable")
}

func (c suite) testChangeFeed(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	feed, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v1 := put(t, s, c.rec("h1"))
	tr := receive(t, feed)
	if tr.ID != "h1" || tr.From != hoststate.StatusUnknown || tr.To != hoststate.StatusRunning || tr.Version != 1 {
		t.Fatalf("insert transition = %+v", tr)
	}
	// A write that keeps the status publishes nothing; the next change
	// is the next event.
	same := v1
	same.ProbeFailures = 1
	v2, err := s.Update(ctx, store.Write{Record: same})
	if err != nil {
		t.Fatal(err)
	}
	stop := v2
	stop.Status, stop.Since, stop.ProviderStatus = hoststate.StatusStopping, c.base.Add(time.Minute), "STOPPING"
	if _, err := s.Update(ctx, store.Write{Record: stop, Reason: "stop"}); err != nil {
		t.Fatal(err)
	}
	tr = receive(t, feed)
	wantTr := store.Transition{ID: "h1", From: hoststate.StatusRunning, To: hoststate.StatusStopping, Reason: "stop", RawStatus: "STOPPING", At: store.AtPrecision(stop, s.Precision()).Since, Version: 3}
	if diff := cmp.Diff(wantTr, tr); diff != "" {
		t.Fatalf("transition (-want +got):\n%s", diff)
	}
	cancel()
	for {
		select {
		case _, ok := <-feed:
			if !ok {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("feed not closed 10s after its context ended")
		}
	}
}

func (c suite) testHistory(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.History(ctx, "nope", time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("History(missing) = %v, want ErrNotFound", err)
	}
	cur := put(t, s, c.rec("h1"))
	steps := []hoststate.Status{hoststate.StatusStopping, hoststate.StatusOff, hoststate.StatusStarting}
	for i, st := range steps {
		cur.Status, cur.Since = st, c.base.Add(time.Duration(i+1)*time.Minute)
		var err error
		if cur, err = s.Update(ctx, store.Write{Record: cur, Reason: fmt.Sprint("step ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.History(ctx, "h1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []hoststate.Status
	for _, tr := range all {
		got = append(got, tr.To)
	}
	if diff := cmp.Diff(append([]hoststate.Status{hoststate.StatusRunning}, steps...), got); diff != "" {
		t.Fatalf("History (-want +got):\n%s", diff)
	}
	if all[2].From != hoststate.StatusStopping || all[2].Reason != "step 1" {
		t.Errorf("entry 2 = %+v", all[2])
	}
	since, err := s.History(ctx, "h1", store.AtPrecision(cur, s.Precision()).Since.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(since) != 2 || since[0].To != hoststate.StatusOff {
		t.Fatalf("History since the off step = %+v", since)
	}
}

func (c suite) testReports(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.PutReport(ctx, "nope", store.Report{State: "running"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("PutReport(missing host) = %v, want ErrNotFound", err)
	}
	put(t, s, c.rec("h1"))
	if _, err := s.Report(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Report before any = %v, want ErrNotFound", err)
	}
	before := time.Now().Add(-time.Minute)
	stored, err := s.PutReport(ctx, "h1", store.Report{State: "running", Address: "192.0.2.4"})
	if err != nil {
		t.Fatal(err)
	}
	if stored.At.IsZero() || stored.At.Before(before) && stored.At.Before(c.base) {
		t.Errorf("report not stamped by the store's clock: %v", stored.At)
	}
	got, err := s.Report(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, got); diff != "" {
		t.Fatalf("Report (-put +got):\n%s", diff)
	}
	long := store.Report{State: string(make([]byte, store.MaxReportState+1))}
	if _, err := s.PutReport(ctx, "h1", long); !errors.Is(err, store.ErrInvalidRecord) {
		t.Fatalf("oversized report = %v, want ErrInvalidRecord", err)
	}

	// Many at once: the same reports as one Report call each, for hosts
	// with one; hosts without one, unknown and unstorable ids are absent.
	put(t, s, c.rec("h2"))
	put(t, s, c.rec("h3"))
	stored3, err := s.PutReport(ctx, "h3", store.Report{State: "stopped"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]store.Report{"h1": stored, "h3": stored3}
	ids := []string{"h3", "h2", "nope", "h1", "h3", "\x00", "\xff"}
	if rr, ok := s.(store.ReportReader); ok {
		got, err := rr.Reports(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Reports (-want +got):\n%s", diff)
		}
	}
	all, err := store.Reports(ctx, s, ids)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Fatalf("store.Reports (-want +got):\n%s", diff)
	}
	if got, err := store.Reports(ctx, s, nil); err != nil || len(got) != 0 {
		t.Fatalf("store.Reports(none) = %v, %v", got, err)
	}
}

func (c suite) testConcurrentWriters(t *testing.T, s store.Store) {
	ctx := t.Context()
	put(t, s, c.rec("h1"))
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			for range each {
				for {
					cur, err := s.Get(ctx, "h1")
					if err != nil {
						errs <- err
						return
					}
					cur.ProbeFailures++
					if _, err = s.Update(ctx, store.Write{Record: cur}); err == nil {
						break
					} else if !errors.Is(err, store.ErrConflict) {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ProbeFailures != writers*each || got.Version != writers*each+1 {
		t.Fatalf("after %d increments: ProbeFailures %d, version %d (lost updates)", writers*each, got.ProbeFailures, got.Version)
	}
}

func (c suite) testListUnderInserts(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		// Descending ids, so every insert lands before the existing ones.
		for i := 200; i > 0 && ctx.Err() == nil; i-- {
			if _, err := s.Update(ctx, store.Write{Record: c.rec(fmt.Sprintf("h%04d", i))}); err != nil && ctx.Err() == nil {
				t.Error(err)
				return
			}
		}
	})
	for range 50 {
		rs, err := s.List(ctx, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(rs, func(a, b hoststate.Record) int { return strings.Compare(a.ID, b.ID) }) {
			t.Fatal("List out of id order during concurrent inserts")
		}
	}
	cancel()
	wg.Wait()
}

func (c suite) testCancelled(t *testing.T, s store.Store) {
	put(t, s, c.rec("h1"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Get(ctx, "h1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get = %v, want context.Canceled", err)
	}
	r := c.rec("h2")
	if _, err := s.Update(ctx, store.Write{Record: r}); !errors.Is(err, context.Canceled) {
		t.Errorf("Update = %v, want context.Canceled", err)
	}
	if _, err := s.Get(t.Context(), "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a cancelled Update wrote: %v", err)
	}
}
