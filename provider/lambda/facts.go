package lambda

import (
	"regexp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// reference is the host references the adapter accepts: printable and
// path-safe.
var reference = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_]{0,127}$`)

// idShape is a Lambda instance id: 32 lower-case hex digits. A host
// reference of that shape is an instance id; any other is an instance
// name.
var idShape = regexp.MustCompile(`^[0-9a-f]{32}$`)

// byName reports whether host is referenced by its instance's name (the
// instances the adapter launches), not by an instance id.
func byName(host provider.Host) bool { return !idShape.MatchString(host.Instance) }

// Facts returns what driftless knows of Lambda Cloud, the single source
// the adapter answers from and the simulated cloud in package fakes takes:
//   - table: [InstanceStates]; no volume table, since Lambda has no
//     separate data volume;
//   - capabilities: none — no stop, no separate volume, no operations;
//   - validation: Instance is an instance id (32 hex digits) or an
//     instance name, Volume empty;
//   - support: start and retry (a launch) for a host referenced by name
//     — a launch makes a new instance id, so a host referenced by id
//     cannot be relaunched under its reference —, reboot (restart) and
//     deprovision (terminate). Lambda has no stop (stopping a Lambda host
//     means deprovisioning it) and no data volume a reprovision could
//     keep;
//   - listing scope: the account the API key belongs to.
func Facts() provider.Facts {
	return provider.Facts{
		Name: Name, VMStates: InstanceStates,
		Capabilities: capabilities(), Validate: validate, Supports: supports, Scope: scope,
	}
}

// capabilities is what the adapter can promise about its behaviour.
func capabilities() provider.Capabilities { return provider.Capabilities{} }

// supports allows launch (for hosts referenced by name), restart and
// terminate.
func supports(host provider.Host, a hoststate.Action) error {
	switch a {
	case hoststate.ActionReboot, hoststate.ActionDeprovision:
		return nil
	case hoststate.ActionStop:
		return provider.Unsupported(Name, a, "Lambda has no stop; deprovision instead")
	case hoststate.ActionStart, hoststate.ActionRetry:
		if !byName(host) {
			return provider.Unsupported(Name, a, "a start launches a new instance with a new id, and this host is referenced by instance id (reference it by name)")
		}
		return nil
	case hoststate.ActionReprovision:
		return provider.Unsupported(Name, a, "Lambda has no separate data volume to keep; deprovision and start instead")
	}
	return provider.Unsupported(Name, a, "not an action")
}

// validate checks the instance id and that no volume is named.
func validate(host provider.Host) error {
	switch {
	case host.Instance == "":
		return &provider.HostError{Provider: Name, Field: "Instance", Reason: "empty instance id"}
	case !reference.MatchString(host.Instance):
		return &provider.HostError{Provider: Name, Field: "Instance", Reason: "not an instance id or name: " + rest.Quote(host.Instance)}
	case host.Volume != "":
		return &provider.HostError{Provider: Name, Field: "Volume", Reason: "lambda hosts have no separate data volume"}
	}
	return nil
}

// scope is the listing scope: the whole account.
func scope(provider.Host) string { return Name }
