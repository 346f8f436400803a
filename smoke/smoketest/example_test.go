package smoketest_test

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/smoke"
	"github.com/driftless/driftless/smoke/smoketest"
)

// The emulated targets, one per provider, with a fault-mode target after
// each.
func Example() {
	env, targets, err := smoketest.New(context.Background(), smoketest.Options{Faults: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()
	for _, t := range targets {
		fmt.Println(t.Provider.Name(), t.Host.Instance, t.Faults != nil)
	}
	rep, err := smoke.Run(context.Background(), smoke.Config{Targets: targets[4:5], Time: env.Time()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("smoke: %d passed, %d failed\n", rep.Passed, rep.Failed)
	// Output:
	// gcp smoke-gcp-1 false
	// gcp smoke-gcp-2 true
	// hyperstack smoke-hs-1 false
	// hyperstack smoke-hs-2 true
	// lambda smoke-lambda-1 false
	// lambda smoke-lambda-2 true
	// nebius smoke-nebius-1 false
	// nebius smoke-nebius-2 true
	// selfhost smoke-vm-1 false
	// selfhost smoke-vm-2 true
	// smoke: 4 passed, 0 failed
}
