package lambda

import (
	"regexp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// instanceID is the instance ids the adapter accepts (Lambda's are 32 hex
// digits; this is looser but keeps ids printable and path-safe).
var instanceID = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_]{0,127}$`)

// Facts returns what driftless knows of Lambda Cloud, the single source
// the adapter answers from and the simulated cloud in package fakes takes:
//   - table: [InstanceStates]; no volume table, since Lambda has no
//     separate data volume;
//   - capabilities: none — no stop, no separate volume, no operations;
//   - validation: Instance is an instance id, Volume empty;
//   - support: reboot (restart) and deprovision (terminate) only. Lambda
//     has no stop (stopping a Lambda host means deprovisioning it), and
//     this adapter does not launch instances, so start, retry and
//     reprovision are unsupported;
//   - listing scope: the account the API key belongs to.
func Facts() provider.Facts {
	return provider.Facts{
		Name: Name, VMStates: InstanceStates,
		Capabilities: capabilities(), Validate: validate, Supports: supports, Scope: scope,
	}
}

// capabilities is what the adapter can promise about its behaviour.
func capabilities() provider.Capabilities { return provider.Capabilities{} }

// supports allows restart and terminate.
func supports(_ provider.Host, a hoststate.Action) error {
	switch a {
	case hoststate.ActionReboot, hoststate.ActionDeprovision:
		return nil
	case hoststate.ActionStop:
		return provider.Unsupported(Name, a, "Lambda has no stop; deprovision instead")
	case hoststate.ActionStart, hoststate.ActionRetry, hoststate.ActionReprovision:
		return provider.Unsupported(Name, a, "this adapter does not launch instances")
	}
	return provider.Unsupported(Name, a, "not an action")
}

// validate checks the instance id and that no volume is named.
func validate(host provider.Host) error {
	switch {
	case host.Instance == "":
		return &provider.HostError{Provider: Name, Field: "Instance", Reason: "empty instance id"}
	case !instanceID.MatchString(host.Instance):
		return &provider.HostError{Provider: Name, Field: "Instance", Reason: "not an instance id: " + rest.Quote(host.Instance)}
	case host.Volume != "":
		return &provider.HostError{Provider: Name, Field: "Volume", Reason: "lambda hosts have no separate data volume"}
	}
	return nil
}

// scope is the listing scope: the whole account.
func scope(provider.Host) string { return Name }
