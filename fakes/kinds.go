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

// The provider kinds a Cloud simulates: the Name of each real adapter, as
// in hoststate.Record.Provider.
const (
	// GCP is Google Compute Engine.
	GCP = gcp.Name
	// Nebius is Nebius AI Cloud.
	Nebius = nebius.Name
	// Hyperstack is Hyperstack (NexGen Cloud).
	Hyperstack = hyperstack.Name
	// Lambda is Lambda Cloud.
	Lambda = lambda.Name
	// SelfHost is a self-hosted VM behind a connector.
	SelfHost = selfhost.Name
	// All selects every kind in [Cloud.SetFaults], [Cloud.SetDurations] and
	// [Cloud.Calls].
	All = ""
)

// Kinds returns every simulated kind.
func Kinds() []string { return []string{GCP, Nebius, Hyperstack, Lambda, SelfHost} }

// kindSpec is one simulated kind: the provider's facts, taken from its
// adapter package and never restated here, plus what only a simulation
// needs — how the cloud behaves over time.
type kindSpec struct {
	// facts are the adapter's: name, tables, capabilities, validation,
	// Supports and listing scope.
	facts provider.Facts
	// preemptible: the kind has spot capacity that Preempt reclaims.
	preemptible bool
	// goneRaw is the raw VM status reported for a missing VM ("" for a
	// 404; a self-host connector says selfhost.NotFound).
	goneRaw string
	// initial returns the raw VM and volume statuses of a host added
	// running or not; "" means it does not exist.
	initial func(running bool) (vm, vol string)
	// plan is the cloud's answer to an action: the status changes it
	// schedules.
	plan func(in planInput, a RawAction) (plan, error)
	// attached reports whether a volume with raw status vol is attached
	// to the host's VM, given whether the VM exists.
	attached func(vmExists bool, vol string) bool
	// vmID is the provider's id of the n-th VM the cloud creates (n counts
	// across kinds), for the host named instance; first is the VM AddHost
	// creates, whose id may be the instance itself where hosts are
	// referenced by id.
	vmID func(instance string, n uint64, first bool) string
}

// name is the kind's name.
func (s *kindSpec) name() string { return s.facts.Name }

// hasVolume reports whether the kind has a separate data volume.
func (s *kindSpec) hasVolume() bool { return s.facts.Capabilities.SeparateVolume }

// newKindSpecs is the registry of simulated kinds, one entry per
// provider, built once per Cloud.
func newKindSpecs() []*kindSpec {
	attachedWhileVM := func(vmExists bool, _ string) bool { return vmExists }
	return []*kindSpec{
		{
			facts: gcp.Facts(), preemptible: true, plan: planGCP, attached: attachedWhileVM, vmID: gcpVMID,
			initial: func(running bool) (string, string) {
				if running {
					return "RUNNING", "READY"
				}
				return "TERMINATED", "READY"
			},
		},
		{
			facts: nebius.Facts(), preemptible: true, plan: planNebius, attached: attachedWhileVM, vmID: nebiusVMID,
			initial: func(running bool) (string, string) {
				if running {
					return "RUNNING", "READY"
				}
				return "STOPPED", "READY"
			},
		},
		{
			facts: hyperstack.Facts(), plan: planHyperstack, attached: hyperstackAttached, vmID: hyperstackVMID,
			initial: func(running bool) (string, string) {
				if running {
					return "ACTIVE", "in-use"
				}
				return "", "available"
			},
		},
		{
			facts: lambda.Facts(), preemptible: true, plan: planLambda, vmID: lambdaVMID,
			initial: func(running bool) (string, string) {
				if running {
					return "active", ""
				}
				return "", ""
			},
		},
		{
			facts: selfhost.Facts(), goneRaw: selfhost.NotFound, plan: planSelfHost,
			vmID: func(string, uint64, bool) string { return "" }, // connectors report no ids
			initial: func(running bool) (string, string) {
				if running {
					return "running", ""
				}
				return "stopped", ""
			},
		},
	}
}

// vmState normalizes a raw VM status with the kind's table.
func (s *kindSpec) vmState(raw string) hoststate.VMState { return s.facts.VMStates.Normalize(raw) }

// volumeState normalizes a raw volume status with the kind's table.
func (s *kindSpec) volumeState(raw string) hoststate.VolumeState {
	return s.facts.VolumeStates.Normalize(raw)
}

// hasConnector reports whether the kind's state comes from a connector's
// pushed reports, so the simulation models the connector going offline.
func (s *kindSpec) hasConnector() bool { return s.facts.Capabilities.PushReports }
