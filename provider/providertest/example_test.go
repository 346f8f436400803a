package providertest_test

import (
	"fmt"

	"github.com/driftless/driftless/provider/providertest"
)

// InvalidIDs are the values every adapter refuses before any request; an
// adapter's own tests can feed them to its validation too.
func ExampleInvalidIDs() {
	ids := providertest.InvalidIDs()
	fmt.Println(len(ids), "values, e.g.")
	for _, id := range ids[:4] {
		fmt.Printf("%q\n", id)
	}
	// Output:
	// 21 values, e.g.
	// ".."
	// "../x"
	// "x/../y"
	// "a/b"
}
