package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{mu: make(chan struct{}, 1)} }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.b.String()
}

func TestRowsThatDoNotDecode(t *testing.T) {
	logs := newLockedBuffer()
	s, pool := newStore(t, pgstore.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ctx := t.Context()
	var ws []store.Write
	for i := range 9 {
		ws = append(ws, store.Write{Record: hoststate.Record{ID: fmt.Sprintf("h%d", i), Status: hoststate.StatusRunning, Provider: "gcp"}})
	}
	if _, err := s.UpdateBatch(ctx, ws); err != nil {
		t.Fatal(err)
	}
	// Corrupt three rows behind the store's back, as a hand edit or a
	// newer version would.
	bad := map[string]string{
		"h2": "UPDATE driftless_hosts SET status = 'zombie' WHERE id = 'h2'",
		"h3": `UPDATE driftless_hosts SET rest = '{"since": 5}' WHERE id = 'h3'`,
		"h5": `UPDATE driftless_hosts SET ref = '[]', next_check = '-infinity' WHERE id = 'h5'`,
	}
	for _, sql := range bad {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	snapshot := func() map[string]string {
		out := map[string]string{}
		rows, err := pool.Query(ctx, "SELECT id, version::text || status || ref::text || rest::text FROM driftless_hosts")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			out[id] = v
		}
		return out
	}
	before := snapshot()

	for id := range bad {
		_, err := s.Get(ctx, id)
		var de *pgstore.DecodeError
		if !errors.As(err, &de) || de.ID != id || !errors.Is(err, store.ErrInvalidRecord) {
			t.Errorf("Get(%s) = %v, want a *DecodeError for it matching ErrInvalidRecord", id, err)
		}
	}
	ids := func(rs []hoststate.Record) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	good := []string{"h0", "h1", "h4", "h6", "h7", "h8"}
	got, err := s.List(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(good, ids(got)); diff != "" {
		t.Errorf("List skips the bad rows (-want +got):\n%s", diff)
	}
	// A page a bad row would have shortened is refilled, so a paged sweep
	// does not stop early.
	got, err = s.List(ctx, store.Filter{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(good[:3], ids(got)); diff != "" {
		t.Errorf("List limit 3 (-want +got):\n%s", diff)
	}
	var swept []string
	for r, err := range store.All(ctx, s, store.Filter{}, 2) {
		if err != nil {
			t.Fatal(err)
		}
		swept = append(swept, r.ID)
	}
	if diff := cmp.Diff(good, swept); diff != "" {
		t.Errorf("store.All by 2 (-want +got):\n%s", diff)
	}
	due, err := s.Due(ctx, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(good, ids(due)); diff != "" {
		t.Errorf("Due (-want +got):\n%s", diff)
	}
	due, err = s.Due(ctx, time.Now(), 4)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(good[:4], ids(due)); diff != "" {
		t.Errorf("Due limit 4 (-want +got):\n%s", diff)
	}
	for id := range bad {
		if !strings.Contains(logs.String(), "host="+id) {
			t.Errorf("skipping %s was not logged with its id; logs:\n%s", id, logs)
		}
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("reading rewrote rows (-before +after):\n%s", diff)
	}
	// A write by someone who knows the version still replaces the row.
	if _, err := s.Update(context.Background(), store.Write{Record: hoststate.Record{ID: "h2", Status: hoststate.StatusOff, Version: 1}}); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, "h2", time.Time{})
	if err != nil || len(h) != 2 || h[1].From != hoststate.StatusUnknown || h[1].To != hoststate.StatusOff {
		t.Fatalf("history after replacing a bad row = %+v, %v", h, err)
	}
}
