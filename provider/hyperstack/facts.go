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
//   - support: every action, for an adapter with Config.Launch (without
//     it start, retry and reprovision are unsupported);
//   - listing scope: the account the API key belongs to, one for every
//     host.
func Facts() provider.Facts {
	return provider.Facts{
		Name: Name, VMStates: VMStates, VolumeStates: VolumeStates,
		Capabilities: capabilities(), Validate: checkHost,
		Supports: func(host provider.Host, a hoststate.Action) error { return supports(host, a, true) },
		Scope:    scope,
	}
}

// capabilities is what the adapter can promise about its behaviour.
func capabilities() provider.Capabilities {
	return provider.Capabilities{StopDeletesVM: true, SeparateVolume: true}
}

// supports says what an adapter can do; canRecreate is whether it has a
// launch spec to recreate a VM that a stop deleted.
func supports(_ provider.Host, a hoststate.Action, canRecreate bool) error {
	switch a {
	case hoststate.ActionStart, hoststate.ActionRetry, hoststate.ActionReprovision:
		if !canRecreate {
			return provider.Unsupported(Name, a, "a stop deletes the VM and Config.Launch is not set to recreate it")
		}
	}
	if !a.Valid() {
		return provider.Unsupported(Name, a, "not an action")
	}
	return nil
}

// scope is the listing scope: the whole account.
func scope(provider.Host) string { return Name }
