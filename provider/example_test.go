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

// One adapter serves a fleet of several regions and flavors: its
// LaunchFunc gives each host its own spec, and refuses the hosts it has
// none for (their creating actions are then unsupported).
func ExampleLaunchFunc() {
	launch := provider.LaunchFunc(func(h provider.Host) (provider.LaunchSpec, error) {
		switch h.Region {
		case "us-east-1":
			return provider.LaunchSpec{Region: h.Region, Flavor: "gpu_1x_a10", SSHKeys: []string{"ops"}}, nil
		case "europe-central-1":
			return provider.LaunchSpec{Region: h.Region, Flavor: "gpu_8x_h100_sxm5", SSHKeys: []string{"ops"}}, nil
		}
		return provider.LaunchSpec{}, fmt.Errorf("no flavor for region %q", h.Region)
	})
	for _, region := range []string{"us-east-1", "mars-1"} {
		spec, err := provider.Launch("lambda", launch, provider.Host{Instance: "host-1", Region: region}, nil)
		fmt.Println(spec.Flavor, err)
	}
	// Output:
	// gpu_1x_a10 <nil>
	//  lambda: provider: no launch spec for the host for "host-1": no flavor for region "mars-1"
}

// The VMs an adapter creates carry the host's labels and the managed
// label; a VM of the host's name without them is someone else's.
func ExampleOwns() {
	host := provider.Host{Instance: "host-1", Labels: map[string]string{"cp-host": "h-42", "driftless.stop-mode": "hibernate"}}
	fmt.Println(provider.OwnershipLabels(host))
	for _, vm := range []map[string]string{
		{"cp-host": "h-42", "driftless-managed": "true", "team": "ml"},
		{"cp-host": "h-42"},
	} {
		ok, missing := provider.Owns(vm, host)
		fmt.Printf("%t %q\n", ok, missing)
	}
	// Output:
	// map[cp-host:h-42 driftless-managed:true]
	// true ""
	// false "driftless-managed=true"
}
