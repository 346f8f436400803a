package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// mirror is an AfterWrite hook that keeps a control plane's own status
// table, as the hook's documentation suggests.
func mirror(ctx context.Context, tx pgx.Tx, rec hoststate.Record, tr store.Transition) error {
	_, err := tx.Exec(ctx, `INSERT INTO app_status (id, status, changed, version) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, changed = excluded.changed, version = excluded.version`,
		rec.ID, rec.Status.String(), tr.From != tr.To, int64(rec.Version))
	return err
}

func TestAfterWrite(t *testing.T) {
	var fail error
	var seen []store.Transition
	s, pool := newStore(t, pgstore.Config{AfterWrite: func(ctx context.Context, tx pgx.Tx, rec hoststate.Record, tr store.Transition) error {
		seen = append(seen, tr)
		if fail != nil {
			return fail
		}
		return mirror(ctx, tx, rec, tr)
	}})
	ctx := t.Context()
	if _, err := pool.Exec(ctx, "CREATE TABLE app_status (id text PRIMARY KEY, status text, changed bool, version bigint)"); err != nil {
		t.Fatal(err)
	}
	appStatus := func(id string) (status string, changed bool, version int64) {
		t.Helper()
		if err := pool.QueryRow(ctx, "SELECT status, changed, version FROM app_status WHERE id = $1", id).Scan(&status, &changed, &version); err != nil {
			t.Fatal(err)
		}
		return
	}
	v1, err := s.Update(ctx, store.Write{Record: hoststate.Record{ID: "h1", Status: hoststate.StatusRunning}, Reason: "created"})
	if err != nil {
		t.Fatal(err)
	}
	if st, changed, v := appStatus("h1"); st != "running" || !changed || v != 1 {
		t.Fatalf("mirror after insert: %s %v %d", st, changed, v)
	}
	same := v1
	same.ProbeFailures = 2
	v2, err := s.Update(ctx, store.Write{Record: same, Reason: "probe"})
	if err != nil {
		t.Fatal(err)
	}
	if st, changed, v := appStatus("h1"); st != "running" || changed || v != 2 {
		t.Fatalf("mirror after a write without a status change: %s %v %d", st, changed, v)
	}
	wantSeen := []store.Transition{
		{ID: "h1", From: hoststate.StatusUnknown, To: hoststate.StatusRunning, Reason: "created", At: seen[0].At, Version: 1},
		{ID: "h1", From: hoststate.StatusRunning, To: hoststate.StatusRunning, Reason: "probe", At: seen[1].At, Version: 2},
	}
	if diff := cmp.Diff(wantSeen, seen); diff != "" {
		t.Fatalf("hook transitions (-want +got):\n%s", diff)
	}

	// A failing hook rolls the write back: record, history and mirror.
	fail = errors.New("mirror table full")
	stop := v2
	stop.Status = hoststate.StatusStopping
	if _, err := s.Update(ctx, store.Write{Record: stop}); !errors.Is(err, fail) {
		t.Fatalf("Update with a failing hook = %v, want the hook's error", err)
	}
	if got, _ := s.Get(ctx, "h1"); got.Version != 2 || got.Status != hoststate.StatusRunning {
		t.Fatalf("a failed hook left the write: %v at version %d", got.Status, got.Version)
	}
	if h, _ := s.History(ctx, "h1", time.Time{}); len(h) != 1 {
		t.Fatalf("a failed hook left history: %+v", h)
	}
	_, err = s.UpdateBatch(ctx, []store.Write{{Record: stop}, {Record: hoststate.Record{ID: "h2", Status: hoststate.StatusOff}}})
	if !errors.Is(err, fail) {
		t.Fatalf("UpdateBatch with a failing hook = %v", err)
	}
	if _, err := s.Get(ctx, "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed hook left part of a batch: %v", err)
	}
	fail = nil
	res, err := s.UpdateBatch(ctx, []store.Write{{Record: stop}, {Record: hoststate.Record{ID: "h2", Status: hoststate.StatusOff}}})
	if err != nil || len(res.Written) != 2 {
		t.Fatalf("UpdateBatch = %+v, %v", res, err)
	}
	if st, changed, v := appStatus("h1"); st != "stopping" || !changed || v != 3 {
		t.Fatalf("mirror after a batch: %s %v %d", st, changed, v)
	}
}

// TestLostConnectionMidBatch cuts the connection under a batch of 1000
// after half its records went through AfterWrite: nothing may be written.
func TestLostConnectionMidBatch(t *testing.T) {
	n := 0
	s, _ := newStore(t, pgstore.Config{AfterWrite: func(ctx context.Context, tx pgx.Tx, rec hoststate.Record, tr store.Transition) error {
		if n++; n == 500 {
			_, err := tx.Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
			return err
		}
		return nil
	}})
	ctx := t.Context()
	var ws []store.Write
	for i := range 1000 {
		ws = append(ws, store.Write{Record: hoststate.Record{ID: fmt.Sprintf("h%04d", i), Status: hoststate.StatusRunning}})
	}
	if _, err := s.UpdateBatch(ctx, ws); err == nil {
		t.Fatal("a batch whose connection died succeeded")
	}
	got, err := s.List(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("a batch cut off mid-way wrote %d records", len(got))
	}
	// The pool recovers: the next batch goes through whole.
	n = 1000
	res, err := s.UpdateBatch(ctx, ws)
	if err != nil || len(res.Written) != 1000 {
		t.Fatalf("next batch: %d written, %v", len(res.Written), err)
	}
}

func TestBatchConflictsAndOrder(t *testing.T) {
	s, _ := newStore(t, pgstore.Config{})
	ctx := t.Context()
	var ws []store.Write
	for _, id := range []string{"d", "b", "a", "c"} {
		ws = append(ws, store.Write{Record: hoststate.Record{ID: id, Status: hoststate.StatusOff}})
	}
	res, err := s.UpdateBatch(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	// Again: the inserts (version 0) of existing hosts conflict, and so
	// do updates at a stale version; a fresh one and a good update apply.
	b := res.Written[1]
	b.Status = hoststate.StatusStarting
	stale := res.Written[0]
	stale.Version = 7
	res, err = s.UpdateBatch(ctx, []store.Write{{Record: hoststate.Record{ID: "a"}}, {Record: b}, {Record: hoststate.Record{ID: "e"}}, {Record: stale}})
	if err != nil {
		t.Fatal(err)
	}
	var written []string
	for _, r := range res.Written {
		written = append(written, fmt.Sprint(r.ID, "@", r.Version))
	}
	if diff := cmp.Diff([]string{"b@2", "e@1"}, written); diff != "" {
		t.Errorf("Written (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "d"}, res.Conflicts); diff != "" {
		t.Errorf("Conflicts (-want +got):\n%s", diff)
	}
}
