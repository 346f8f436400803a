package clock_test

import (
	"context"
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

// Sleep waits on any Clock, and a context ends it early.
func ExampleSleep() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := clock.Sleep(ctx, clock.System(), time.Hour)
	fmt.Println(err)
	fmt.Println(clock.Sleep(context.Background(), clock.System(), time.Millisecond))
	// Output:
	// context canceled
	// <nil>
}
