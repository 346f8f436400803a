package fakes

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/selfhost"
)

// The provider kinds a Cloud simulates. Each matches the Name of the real
// adapter and hoststate.Record.Provider.
const (
	// GCP is Google Compute Engine.
	GCP = "gcp"
	// Nebius is Nebius AI Cloud.
	Nebius = "nebius"
	// Hyperstack is Hyperstack (NexGen Cloud).
	Hyperstack = "hyperstack"
	// Lambda is Lambda Cloud.
	Lambda = "lambda"
	// SelfHost is a self-hosted VM behind a connector.
	SelfHost = "selfhost"
	// All selects every kind in [Cloud.SetFaults], [Cloud.SetDurations] and
	// [Cloud.Calls].
	All = ""
)

// Kinds returns every simulated kind.
func Kinds() []string { return []string{GCP, Nebius, Hyperstack, Lambda, SelfHost} }

// kindSpec is everything that differs between kinds: tables, capabilities,
// the planner of actions, host validation and listing scopes.
type kindSpec struct {
	name     string
	vmTable  provider.VMTable
	volTable provider.VolumeTable
	// hasVolume: the kind has a separate data volume.
	hasVolume bool
	caps      provider.Capabilities
	// cannot lists the actions the kind cannot do, with the reason.
	cannot map[hoststate.Action]string
	// preemptible: the kind has spot capacity that Preempt reclaims.
	preemptible bool
	// goneRaw is the raw VM status reported for a missing VM ("" for a
	// 404; the self-host connector says "not_found").
	goneRaw string
	// initial returns the raw VM and volume statuses of a host added
	// running or not; "" means it does not exist.
	initial func(running bool) (vm, vol string)
	plan    func(in planInput, a RawAction) (plan, error)
	// attached reports whether a volume with raw status vol is attached
	// to the host's VM, given whether the VM exists.
	attached func(vmExists bool, vol string) bool
	validate func(h provider.Host) error
	scope    func(h provider.Host) string
}

// newKindSpecs builds the specs once per Cloud, so the tables are not
// rebuilt per call.
func newKindSpecs() []*kindSpec {
	attachedWhileVM := func(vmExists bool, _ string) bool { return vmExists }
	regionScope := func(h provider.Host) string { return h.Region }
	return []*kindSpec{
		{
			name: GCP, vmTable: gcp.InstanceStates, volTable: gcp.DiskStates,
			hasVolume: true, preemptible: true,
			caps: provider.Capabilities{SeparateVolume: true, NativeWait: true},
			initial: func(running bool) (string, string) {
				if running {
					return "RUNNING", "READY"
				}
				return "TERMINATED", "READY"
			},
			plan: planGCP, attached: attachedWhileVM, validate: validateGCP,
			scope: func(h provider.Host) string { return h.Project + "/" + h.Zone },
		},
		{
			name: Nebius, vmTable: nebius.InstanceStates, volTable: nebius.DiskStates,
			hasVolume: true, preemptible: true,
			cannot: map[hoststate.Action]string{hoststate.ActionReboot: "the compute API has no restart"},
			caps:   provider.Capabilities{SeparateVolume: true, NativeWait: true},
			initial: func(running bool) (string, string) {
				if running {
					return "RUNNING", "READY"
				}
				return "STOPPED", "READY"
			},
			plan: planNebius, attached: attachedWhileVM, validate: validateIDs(Nebius, true), scope: regionScope,
		},
		{
			name: Hyperstack, vmTable: hyperstack.VMStates, volTable: hyperstack.VolumeStates,
			hasVolume: true,
			caps:      provider.Capabilities{StopDeletesVM: true, SeparateVolume: true},
			initial: func(running bool) (string, string) {
				if running {
					return "ACTIVE", "in-use"
				}
				return "", "available"
			},
			plan: planHyperstack,
			attached: func(_ bool, vol string) bool {
				return vol == "in-use" || vol == "attaching" || vol == "detaching"
			},
			validate: validateIDs(Hyperstack, true), scope: regionScope,
		},
		{
			name: Lambda, vmTable: lambda.InstanceStates,
			preemptible: true,
			cannot:      map[hoststate.Action]string{hoststate.ActionStop: "Lambda has no stop; deprovision instead"},
			initial: func(running bool) (string, string) {
				if running {
					return "active", ""
				}
				return "", ""
			},
			plan: planLambda, validate: validateIDs(Lambda, false), scope: regionScope,
		},
		{
			name: SelfHost, vmTable: selfhost.States, goneRaw: "not_found",
			caps: provider.Capabilities{PushReports: true},
			initial: func(running bool) (string, string) {
				if running {
					return "running", ""
				}
				return "stopped", ""
			},
			plan: planSelfHost, validate: validateIDs(SelfHost, false), scope: regionScope,
		},
	}
}
