package store_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Compare-and-swap: a write carries the version it read; a stale one is
// refused and the writer re-reads and decides again.
func ExampleMemStore() {
	ctx := context.Background()
	s := store.NewMemStore(store.MemConfig{})
	rec, _ := s.Update(ctx, store.Write{Record: hoststate.Record{ID: "h1", Status: hoststate.StatusRunning}})

	stale := rec
	rec.Status = hoststate.StatusStopping
	rec, _ = s.Update(ctx, store.Write{Record: rec, Reason: "stop"})

	stale.Status = hoststate.StatusOff
	_, err := s.Update(ctx, store.Write{Record: stale})
	fmt.Println(errors.Is(err, store.ErrConflict), rec.Status, rec.Version)

	h, _ := s.History(ctx, "h1", rec.Since)
	for _, tr := range h {
		fmt.Printf("%s -> %s %q\n", tr.From, tr.To, tr.Reason)
	}
	// Output:
	// true stopping 2
	// unknown -> running ""
	// running -> stopping "stop"
}
