package hyperstack

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Facts returns what driftless knows of Hyperstack, the single source the
// adapter answers from and the simulated cloud in package fakes takes:
//   - tables: [VMStates] and [VolumeStates];
//   - capabilities: a stop deletes the VM and keeps the data volume (the
//     seeds' stop), a start recreates it; there are no operations to wait
//     on;
//   - validation: Instance is a VM name of at most 50 characters
//     (Hyperstack's limit), Volume a positive decimal volume id;
//   - support: every action, for an adapter with launch specs. Without a
//     spec for the host, reprovision is unsupported, and so are start and
//     retry where the host's stop mode deletes the VM (a hibernating host
//     restores its VM and needs none);
//   - listing scope: the account the API key belongs to, one for every
//     host.
func Facts() provider.Facts {
	return provider.Facts{
		Name: Name, VMStates: VMStates, VolumeStates: VolumeStates,
		Capabilities: capabilities(StopDelete), Validate: checkHost,
		Supports: func(host provider.Host, a hoststate.Action) error { return supports(host, a, nil, StopDelete) },
		Scope:    scope,
	}
}

// capabilities is what the adapter can promise about its behaviour with
// def as its default stop mode.
func capabilities(def StopMode) provider.Capabilities {
	return provider.Capabilities{StopDeletesVM: def != StopHibernate, SeparateVolume: true}
}

// supports says what an adapter can do for host. noSpec is why the host
// has no launch spec (nil: it has one); def is the default stop mode.
func supports(host provider.Host, a hoststate.Action, noSpec error, def StopMode) error {
	switch {
	case !a.Valid():
		return provider.Unsupported(Name, a, "not an action")
	case noSpec == nil || !needsSpec(host, a, def):
		return nil
	case a == hoststate.ActionReprovision:
		return provider.Unsupported(Name, a, "a reprovision creates the VM from the host's launch spec: "+noSpec.Error())
	}
	return provider.Unsupported(Name, a, "a stop deletes the VM, and a start creates it from the host's launch spec: "+noSpec.Error())
}

// needsSpec reports whether a creates the host's VM, and so needs its
// launch spec: a reprovision, and a start or retry when a stop deletes
// the VM.
func needsSpec(host provider.Host, a hoststate.Action, def StopMode) bool {
	switch a {
	case hoststate.ActionReprovision:
		return true
	case hoststate.ActionStart, hoststate.ActionRetry:
		return stopModeOf(host, def) == StopDelete
	}
	return false
}

// scope is the listing scope: the whole account.
func scope(provider.Host) string { return Name }
