package provider

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/hoststate"
)

// Unsupported returns the error a Provider's Supports (and an action method
// called anyway) returns: it matches [ErrUnsupported] and says why.
func Unsupported(name string, a hoststate.Action, why string) error {
	return fmt.Errorf("%s cannot %s: %s: %w", name, a, why, ErrUnsupported)
}

// Supporter says what it can do for a host: a Provider, or a wrapper of
// one (kernel.Provider, which guards the call).
type Supporter interface {
	Supports(host Host, a hoststate.Action) error
}

// Offered returns the actions a UI may offer for rec: those the transition
// table allows from its status that p supports for its host, in
// hoststate.Actions order.
func Offered(p Supporter, rec hoststate.Record) []hoststate.Action {
	var out []hoststate.Action
	for _, a := range hoststate.Actions() {
		if hoststate.Allowed(rec.Status, a) && p.Supports(rec.Ref, a) == nil {
			out = append(out, a)
		}
	}
	return out
}

// ActionCall returns p's method that sends action a (Retry sends Start,
// Reprovision sends Reprovision), or nil for an invalid action.
func ActionCall(p Provider, a hoststate.Action) func(ctx context.Context, host Host) (Operation, error) {
	switch a {
	case hoststate.ActionStart, hoststate.ActionRetry:
		return p.Start
	case hoststate.ActionReprovision:
		return p.Reprovision
	case hoststate.ActionStop:
		return p.Stop
	case hoststate.ActionReboot:
		return p.Reboot
	case hoststate.ActionDeprovision:
		return p.Deprovision
	}
	return nil
}
