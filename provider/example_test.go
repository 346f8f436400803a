package provider_test

import (
	"fmt"
	"strings"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// A table is built once, as a package-level value of its adapter package,
// and lists its rows, e.g. for a UI's help page.
func ExampleNewVMTable() {
	tab := provider.NewVMTable("example instance",
		provider.VMRow{Raw: "up", VM: hoststate.VMRunning},
		provider.VMRow{Raw: "gone", VM: hoststate.VMAbsent, Note: "deleted for good"},
	)
	fmt.Println(tab.Name())
	for _, r := range tab.Rows() {
		fmt.Println(strings.TrimRight(fmt.Sprintf("%-5s %-7s %s", r.Raw, r.VM, r.Note), " "))
	}
	// Output:
	// example instance
	// up    running
	// gone  absent  deleted for good
}

// Normalize ignores case and surrounding space, and fails closed: a status
// it does not know is unknown, never absent or running.
func ExampleVMTable_Normalize() {
	tab := provider.NewVMTable("example instance",
		provider.VMRow{Raw: "RUNNING", VM: hoststate.VMRunning},
		provider.VMRow{Raw: "TERMINATED", VM: hoststate.VMStopped},
	)
	for _, raw := range []string{"RUNNING", " terminated ", "SOMETHING_NEW"} {
		fmt.Printf("%q → %s\n", raw, tab.Normalize(raw))
	}
	// Output:
	// "RUNNING" → running
	// " terminated " → stopped
	// "SOMETHING_NEW" → unknown
}

// Volume tables work the same way; the zero table (a provider without a
// separate volume) knows nothing.
func ExampleVolumeTable_Normalize() {
	tab := provider.NewVolumeTable("example volume",
		provider.VolumeRow{Raw: "in-use", Volume: hoststate.VolumePresent},
		provider.VolumeRow{Raw: "reserved", Volume: hoststate.VolumeTransitional},
	)
	for _, raw := range []string{"in-use", "reserved", "error"} {
		fmt.Printf("%s → %s\n", raw, tab.Normalize(raw))
	}
	fmt.Println((provider.VolumeTable{}).Normalize("in-use"))
	// Output:
	// in-use → present
	// reserved → transitional
	// error → unknown
	// unknown
}
