package gcp

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Facts returns what driftless knows of Compute Engine, the single source
// the adapter answers from and the simulated cloud in package fakes takes:
//   - tables: [InstanceStates] and [DiskStates];
//   - capabilities: a stopped instance stays (TERMINATED) with its disks,
//     and actions are zone operations to wait on;
//   - validation: project, zone, instance and data disk are RFC 1035
//     names, host labels Compute Engine label syntax;
//   - support: every action;
//   - listing scope: the project, one aggregated listing for all its
//     zones; listed entries carry their zone, since instance and disk
//     names are unique only per zone.
func Facts() provider.Facts {
	return provider.Facts{
		Name: Name, VMStates: InstanceStates, VolumeStates: DiskStates,
		Capabilities: capabilities(), Validate: validate, Supports: supports, Scope: scope,
	}
}

// capabilities is what the adapter can promise about its behaviour.
func capabilities() provider.Capabilities {
	return provider.Capabilities{SeparateVolume: true, NativeWait: true}
}

// supports refuses only what is not an action.
func supports(_ provider.Host, a hoststate.Action) error {
	if !a.Valid() {
		return provider.Unsupported(Name, a, "not an action")
	}
	return nil
}

// validate checks every field a request path carries.
func validate(host provider.Host) error {
	for _, f := range []struct{ field, value string }{
		{"Project", host.Project}, {"Zone", host.Zone}, {"Instance", host.Instance}, {"Volume", host.Volume},
	} {
		if err := checkName(f.field, f.value); err != nil {
			return err
		}
	}
	return checkLabels("Labels", host.Labels)
}

// scope is the listing scope of host.
func scope(host provider.Host) string { return host.Project }
