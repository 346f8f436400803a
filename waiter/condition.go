package waiter

import (
	"slices"

	"github.com/driftless/driftless/hoststate"
)

// Condition is a test over one observation, on normalized states rather
// than a provider's raw strings: a set of VM states, a set of volume
// states and an optional predicate, all of which must hold. An empty set
// accepts any state; the zero Condition accepts nothing, so a forgotten
// target never ends a wait by accident.
type Condition struct {
	// VM, when non-empty, lists the accepted VM states.
	VM []hoststate.VMState
	// Volume, when non-empty, lists the accepted data-volume states.
	Volume []hoststate.VolumeState
	// Match, when set, must also accept the observation: for what sets
	// cannot say, e.g. "running with a public address".
	Match func(hoststate.Observation) bool
}

// VMIn returns the Condition "the VM is in one of states".
func VMIn(states ...hoststate.VMState) Condition {
	return Condition{VM: states}
}

// IsZero reports whether c constrains nothing (and so accepts nothing).
func (c Condition) IsZero() bool {
	return len(c.VM) == 0 && len(c.Volume) == 0 && c.Match == nil
}

// Met reports whether o satisfies c. The zero Condition is never met.
func (c Condition) Met(o hoststate.Observation) bool {
	if c.IsZero() {
		return false
	}
	if len(c.VM) > 0 && !slices.Contains(c.VM, o.VM) {
		return false
	}
	if len(c.Volume) > 0 && !slices.Contains(c.Volume, o.Volume) {
		return false
	}
	return c.Match == nil || c.Match(o)
}

// admitsAbsent reports whether c lists VMAbsent: such targets need a
// second look by default, since a missing VM can be eventual consistency.
func (c Condition) admitsAbsent() bool {
	return slices.Contains(c.VM, hoststate.VMAbsent)
}
