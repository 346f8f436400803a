// Package fsmview is a looplab/fsm view of the hoststate transition table,
// for callers who want a state machine with enter/leave callbacks. The
// pure core (package hoststate) decides without it; this package only
// translates its typed table, so the dependency stays out of the core's
// signatures (docs/ARCHITECTURE.md, "Deciding").
package fsmview

import (
	"github.com/looplab/fsm"

	"github.com/driftless/driftless/hoststate"
)

// Events returns hoststate.Transitions as looplab/fsm event descriptions:
// one event per row, named by Transition.EventName.
func Events() []fsm.EventDesc {
	rows := hoststate.Transitions()
	out := make([]fsm.EventDesc, 0, len(rows))
	for _, t := range rows {
		src := make([]string, len(t.From))
		for i, s := range t.From {
			src[i] = s.String()
		}
		out = append(out, fsm.EventDesc{Name: t.EventName(), Src: src, Dst: t.To.String()})
	}
	return out
}

// ReportedEvent returns the event name of a provider report implying s
// ("reported running", ...).
func ReportedEvent(s hoststate.Status) string {
	return hoststate.Transition{To: s}.EventName()
}

// New returns a looplab/fsm machine over [Events] starting at status.
func New(status hoststate.Status, callbacks fsm.Callbacks) *fsm.FSM {
	return fsm.NewFSM(status.String(), Events(), callbacks)
}
