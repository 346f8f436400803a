package provider_test

import (
	"fmt"
	"strings"

	"github.com/driftless/driftless/provider"
)

// A table is plain data: list it, e.g. in a UI's help page.
func ExampleLambdaInstanceStates() {
	tab := provider.LambdaInstanceStates()
	fmt.Println(tab.Provider)
	for _, r := range tab.Rows {
		line := fmt.Sprintf("%-12s %-9s %s", r.Raw, r.VM, r.Note)
		fmt.Println(strings.TrimRight(line, " "))
	}
	// Output:
	// lambda instance
	// booting      starting
	// active       running
	// unhealthy    error     the instance runs but Lambda reports it unusable
	// terminating  stopping  being deleted: stopping until gone
	// terminated   absent    terminated instances are gone for good
	// preempted    absent    reclaimed by Lambda: gone for good
}

// Normalize ignores case and surrounding space, and fails closed: a status
// it does not know is unknown, never absent or running.
func ExampleVMTable_Normalize() {
	gcp := provider.GCPInstanceStates()
	for _, raw := range []string{"RUNNING", " terminated ", "STOPPING", "SOMETHING_NEW"} {
		fmt.Printf("%q → %s\n", raw, gcp.Normalize(raw))
	}
	// Output:
	// "RUNNING" → running
	// " terminated " → stopped
	// "STOPPING" → stopping
	// "SOMETHING_NEW" → unknown
}

// Volume tables work the same way; Hyperstack's reserved is transitional.
func ExampleVolumeTable_Normalize() {
	hs := provider.HyperstackVolumeStates()
	for _, raw := range []string{"in-use", "reserved", "available", "error"} {
		fmt.Printf("%s → %s\n", raw, hs.Normalize(raw))
	}
	// Output:
	// in-use → present
	// reserved → transitional
	// available → present
	// error → unknown
}
