package kernel_test

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/store"
)

// Modify is the one compare-and-swap loop: decide from the current record,
// write with its version, re-decide on a conflict.
func ExampleModify() {
	ctx := context.Background()
	s := store.NewMemStore(store.MemConfig{})
	if _, err := s.Update(ctx, store.Write{Record: hoststate.Record{ID: "h1", Status: hoststate.StatusOff}}); err != nil {
		panic(err)
	}
	rec, err := kernel.Modify(ctx, s, "h1", func(cur hoststate.Record) (store.Write, error) {
		next := cur
		err := next.Apply(hoststate.ActionStart, cur.Since)
		return store.Write{Record: next, Reason: "start"}, err
	})
	fmt.Println(rec.Status, rec.Version, err)
	// Output: starting 2 <nil>
}
