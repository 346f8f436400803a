package smoke

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Step is one step of a lifecycle plan.
type Step struct {
	// Name names the step in reports ("stop-2" is the plan's second stop).
	Name string
	// Action is the user action the step performs; ActionNone for the
	// create and dns steps, which the harness does itself.
	Action hoststate.Action
	// Skip, when not empty, is why the provider cannot do the step: its
	// Supports answer.
	Skip string
	// Fault is the fault the step runs under (FaultNone outside the fault
	// mode).
	Fault Fault
}

// Step names beyond the actions' own.
const (
	stepCreate = "create"
	stepDNS    = "dns"
)

// PlanFor returns the lifecycle plan for host at p: the steps of the
// package doc, each action the provider does not support marked skipped
// with its reason. With faults, the steps that run get their faults in
// the fault mode's rotation.
func PlanFor(p provider.Provider, host provider.Host, faults bool) []Step {
	acts := []struct {
		name string
		act  hoststate.Action
	}{
		{"start", hoststate.ActionStart},
		{"reboot", hoststate.ActionReboot},
		{"stop", hoststate.ActionStop},
		{"reprovision", hoststate.ActionReprovision},
		{"stop-2", hoststate.ActionStop},
		{"start-2", hoststate.ActionStart},
		{"deprovision", hoststate.ActionDeprovision},
	}
	steps := []Step{{Name: stepCreate}}
	k := 0
	for _, a := range acts {
		s := Step{Name: a.name, Action: a.act}
		if err := p.Supports(host, a.act); err != nil {
			s.Skip = err.Error()
		} else if faults {
			s.Fault = rotation[k%len(rotation)]
			k++
		}
		steps = append(steps, s)
	}
	return append(steps, Step{Name: stepDNS})
}
