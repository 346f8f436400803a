package smoke_test

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/smoke"
	"github.com/driftless/driftless/smoke/smoketest"
)

// Run the lifecycle of one provider against its emulator and read the
// report step by step.
func Example() {
	ctx := context.Background()
	env, targets, err := smoketest.New(ctx, smoketest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()
	// targets[1] is Hyperstack: its stop deletes the VM and keeps the volume.
	rep, err := smoke.Run(ctx, smoke.Config{Targets: targets[1:2], Time: env.Time()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.Runs[0].Steps {
		fmt.Println(s.Step, s.Outcome)
	}
	fmt.Printf("smoke: %d passed, %d failed\n", rep.Passed, rep.Failed)
	// Output:
	// create ok
	// start ok
	// reboot ok
	// stop ok
	// reprovision ok
	// stop-2 ok
	// start-2 ok
	// deprovision ok
	// dns skipped
	// smoke: 8 passed, 0 failed
}
