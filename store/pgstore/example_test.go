package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// Open a store in a schema of its own, write with compare-and-swap, and
// fence writes with a lease on the database's clock. The tests' TestMain
// points DRIFTLESS_PG_URL at the server it starts, so this runs there.
func Example() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DRIFTLESS_PG_URL"))
	if err != nil {
		fmt.Println("bad DRIFTLESS_PG_URL") // not the URL: it may hold a password
		return
	}
	// The store's tables live in the pool's current schema.
	cfg.ConnConfig.RuntimeParams["search_path"] = "driftless_example"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS driftless_example"); err != nil {
		fmt.Println(err)
		return
	}
	// Dropped at the end, so the example runs again on the same server.
	defer pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA driftless_example CASCADE")

	s, err := pgstore.Open(ctx, pool, pgstore.Config{Migrate: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := s.Update(ctx, store.Write{Record: hoststate.Record{ID: "gcp/vm-1", Provider: "gcp", Status: hoststate.StatusRunning,
		Since: time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.UTC)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Status, rec.Version, rec.Since) // microseconds, as stored

	// A write at a stale version is refused.
	stale := rec
	rec.Status = hoststate.StatusStopping
	if rec, err = s.Update(ctx, store.Write{Record: rec, Reason: "stop"}); err != nil {
		fmt.Println(err)
		return
	}
	stale.Status = hoststate.StatusOff
	_, err = s.Update(ctx, store.Write{Record: stale})
	fmt.Println("stale write:", errors.Is(err, store.ErrConflict))

	// A write under a lease that moved on is refused too.
	l1, _, _ := s.TryLease(ctx, "reconcile/gcp", "replica-a", time.Minute)
	_ = s.ReleaseLease(ctx, l1)
	l2, _, _ := s.TryLease(ctx, "reconcile/gcp", "replica-b", time.Minute)
	_, err = s.Update(ctx, store.Write{Record: rec, Fence: l1.Fence()})
	fmt.Println("old fence:", errors.Is(err, store.ErrFenced), "epochs", l1.Epoch, l2.Epoch)

	h, _ := s.History(ctx, "gcp/vm-1", time.Time{})
	for _, tr := range h {
		fmt.Printf("%s -> %s %q (v%d)\n", tr.From, tr.To, tr.Reason, tr.Version)
	}
	// Output:
	// running 1 2026-11-21 12:00:00.123456 +0000 UTC
	// stale write: true
	// old fence: true epochs 1 2
	// unknown -> running "" (v1)
	// running -> stopping "stop" (v2)
}
