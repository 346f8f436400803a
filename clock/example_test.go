package clock_test

import (
	"fmt"
	"time"

	"github.com/driftless/driftless/clock"
)

// A timer from the system clock fires after its duration.
func ExampleSystem() {
	clk := clock.System()
	start := clk.Now()
	t := clk.NewTimer(time.Millisecond)
	<-t.C()
	fmt.Println(clk.Now().Sub(start) >= time.Millisecond)
	// Output: true
}
