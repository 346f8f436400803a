package storetest_test

import (
	"flag"
	"fmt"
	"testing"

	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/storetest"
)

// A store passes the conformance suite from its own test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return newStore(t) })
//	}
//
// Here the suite runs against the in-memory store inside testing.RunTests,
// quietly (under -v its subtests would print into the example's output),
// so that the example can report the verdict.
func ExampleRun() {
	if v := flag.Lookup("test.v"); v != nil {
		was := v.Value.String()
		_ = v.Value.Set("false")
		defer func() { _ = v.Value.Set(was) }()
	}
	all := func(pattern, name string) (bool, error) { return true, nil }
	passed := testing.RunTests(all, []testing.InternalTest{{
		Name: "TestMemStoreConformance",
		F: func(t *testing.T) {
			storetest.Run(t, func(*testing.T) store.Store { return store.NewMemStore(store.MemConfig{}) })
		},
	}})
	fmt.Println("MemStore conforms:", passed)
	// Output:
	// MemStore conforms: true
}
