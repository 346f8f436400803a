package nebius

import (
	"regexp"
	"strings"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// nid is the resource ids the adapter accepts (Nebius ids look like
// "computeinstance-e00abc..."): printable and short.
var nid = regexp.MustCompile(`^[a-z0-9][-a-z0-9_.]{0,127}$`)

// Facts returns what driftless knows of Nebius AI Cloud, the single source
// the adapter answers from and the simulated cloud in package fakes takes:
//   - tables: [InstanceStates] and [DiskStates];
//   - capabilities: a stopped instance stays (STOPPED) with its disks,
//     and actions are operations to wait on;
//   - validation: Project (the parent id), Instance and Volume are Nebius
//     ids, Instance either an instance id (computeinstance-...) or the
//     instance's name; none may be empty;
//   - support: everything but reboot — the compute API has start, stop
//     and delete, but no restart —, and reprovision only for a host
//     referenced by name: a recreated instance has a new id;
//   - listing scope: the project.
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

// supports refuses reboot, which the compute API lacks, and the
// reprovision of a host referenced by instance id.
func supports(host provider.Host, a hoststate.Action) error {
	switch {
	case a == hoststate.ActionReboot:
		return provider.Unsupported(Name, a, "the compute API has no restart (stop, then start)")
	case a == hoststate.ActionReprovision && !byName(host):
		return provider.Unsupported(Name, a, "a recreated instance has a new id, and this host is referenced by instance id (reference it by name)")
	case !a.Valid():
		return provider.Unsupported(Name, a, "not an action")
	}
	return nil
}

// validate checks the ids a call carries.
func validate(host provider.Host) error {
	for _, f := range []struct{ field, value string }{
		{"Project", host.Project}, {"Instance", host.Instance}, {"Volume", host.Volume},
	} {
		if err := checkID(f.field, f.value); err != nil {
			return err
		}
	}
	return nil
}

// checkID returns a *provider.HostError unless s is a Nebius id. ".."
// never is: an id may end up in a path (a gRPC gateway, a shim's URL).
func checkID(field, s string) error {
	if !nid.MatchString(s) || strings.Contains(s, "..") {
		return &provider.HostError{Provider: Name, Field: field, Reason: "not a Nebius id: " + quote(s)}
	}
	return nil
}

// instancePrefix starts every Nebius instance id.
const instancePrefix = "computeinstance-"

// byName reports whether host is referenced by its instance's name (unique
// in the project) rather than by its instance id.
func byName(host provider.Host) bool { return !strings.HasPrefix(host.Instance, instancePrefix) }

// scope is the listing scope: the project.
func scope(host provider.Host) string { return host.Project }
