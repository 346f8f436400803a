package selfhost

import (
	"regexp"
	"strings"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// ident is the connector ids and VM names the adapter accepts.
var ident = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_.:]{0,127}$`)

// Facts returns what driftless knows of self-hosted machines, the single
// source the adapter answers from and the simulated cloud in package fakes
// takes:
//   - table: [States], the connector's reported states; no volume table,
//     since a self-host has no separate data volume;
//   - capabilities: state arrives as pushed reports;
//   - validation: Project is the connector id, Instance the VM's name on
//     it;
//   - support: start, retry and stop, which a connector forwards to its VM
//     manager; it neither restarts, recreates nor deletes VMs;
//   - no listing: the adapter knows only the VMs connectors reported, and
//     a listing that left out a VM would say it is gone. Probes cost no
//     request anyway.
func Facts() provider.Facts {
	return provider.Facts{
		Name: Name, VMStates: States,
		Capabilities: capabilities(), Validate: validate, Supports: supports,
	}
}

// capabilities is what the adapter can promise about its behaviour.
func capabilities() provider.Capabilities { return provider.Capabilities{PushReports: true} }

// supports allows what a connector forwards.
func supports(_ provider.Host, a hoststate.Action) error {
	switch a {
	case hoststate.ActionStart, hoststate.ActionRetry, hoststate.ActionStop:
		return nil
	case hoststate.ActionReboot, hoststate.ActionReprovision, hoststate.ActionDeprovision:
		return provider.Unsupported(Name, a, "a connector only starts and stops VMs")
	}
	return provider.Unsupported(Name, a, "not an action")
}

// validate checks the connector id and the VM name.
func validate(host provider.Host) error {
	if err := checkIdent("Project", host.Project); err != nil {
		return err
	}
	return checkIdent("Instance", host.Instance)
}

// checkIdent returns a *provider.HostError unless s is an accepted id. A
// name is never ".." or holds it: connectors may put names into paths.
func checkIdent(field, s string) error {
	if !ident.MatchString(s) || strings.Contains(s, "..") {
		return &provider.HostError{Provider: Name, Field: field, Reason: "not a connector id or VM name ([A-Za-z0-9][-A-Za-z0-9_.:]{0,127}, no \"..\"): " + quote(s)}
	}
	return nil
}
