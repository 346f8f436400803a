package hoststate

import (
	"github.com/looplab/fsm"
)

// The reported events: the provider outcomes the table expects. Each names
// the status it leads to, so an observation that implies status s is the
// event "reported s".
const reportedPrefix = "reported "

// Events returns the transition table, declared once: the user actions of
// the product's normalized state diagram plus deprovisioning for deletes, and
// the provider reports each transitional status expects. [Apply], [Observe],
// [NewFSM] and [Mermaid] all derive from it.
//
// Unknown stands for the diagram's initial pseudo-state "[*]": a record
// never observed. Drift — a confirmed observation that contradicts the
// record, such as a VM stopped from the provider console — may move any
// status to the observed one and is deliberately not an edge here; see
// [Observe].
func Events() []fsm.EventDesc {
	const (
		unknown        = "unknown"
		off            = "off"
		deprovisioned  = "deprovisioned"
		starting       = "starting"
		running        = "running"
		stopping       = "stopping"
		restarting     = "restarting"
		reprovisioning = "reprovisioning"
		deprovisioning = "deprovisioning"
		errorStatus    = "error"
	)
	return []fsm.EventDesc{
		// User actions.
		{Name: "start", Src: []string{off, deprovisioned}, Dst: starting},
		{Name: "stop", Src: []string{running, starting, restarting, errorStatus}, Dst: stopping},
		{Name: "reboot", Src: []string{running}, Dst: restarting},
		{Name: "reprovision", Src: []string{off}, Dst: reprovisioning},
		{Name: "deprovision", Src: []string{off, running, starting, stopping, restarting, reprovisioning, errorStatus, unknown}, Dst: deprovisioning},
		{Name: "retry", Src: []string{errorStatus}, Dst: starting},
		// Provider reports: the outcomes (and first observations) the table expects.
		{Name: reportedPrefix + running, Src: []string{starting, restarting, reprovisioning, unknown}, Dst: running},
		{Name: reportedPrefix + starting, Src: []string{reprovisioning, unknown}, Dst: starting},
		{Name: reportedPrefix + stopping, Src: []string{unknown}, Dst: stopping},
		{Name: reportedPrefix + off, Src: []string{stopping, errorStatus, unknown}, Dst: off},
		{Name: reportedPrefix + deprovisioned, Src: []string{stopping, deprovisioning, errorStatus, unknown}, Dst: deprovisioned},
		{Name: reportedPrefix + errorStatus, Src: []string{starting, stopping, restarting, reprovisioning, deprovisioning, unknown}, Dst: errorStatus},
	}
}

// ReportedEvent returns the table's event name for a provider report that
// implies status s ("reported running", ...).
func ReportedEvent(s Status) string { return reportedPrefix + s.String() }

// NewFSM returns a looplab/fsm machine over [Events] starting at status, for
// callers who want enter/leave callbacks. The pure functions in this package
// do not use it; a property test keeps the two in agreement.
func NewFSM(status Status, callbacks fsm.Callbacks) *fsm.FSM {
	return fsm.NewFSM(status.String(), Events(), callbacks)
}

// noEdge marks an absent edge in the lookup table.
const noEdge = Status(0xFF)

// numEvents counts the table's event slots: one per action (index = the
// Action) and one per reported status (index = numActions + Status).
const numEvents = int(numActions) + numStatuses

// lookupTable is the compiled form of Events.
type lookupTable struct {
	// next maps (from, event) to the destination status, or noEdge.
	next [numStatuses][numEvents]Status
	// actionDst is the one destination of each action, or noEdge.
	actionDst [numActions]Status
}

// table is compiled once from Events and only read afterwards: the hot path
// of Apply and Observe is an array index, with no allocation.
var table = compile(Events())

// compile turns the event descriptions into the lookup table. Names it does
// not recognize cannot occur (Events is a literal, and a test checks every
// row compiles); they are skipped rather than panicking.
func compile(events []fsm.EventDesc) *lookupTable {
	var t lookupTable
	for i := range t.next {
		for j := range t.next[i] {
			t.next[i][j] = noEdge
		}
	}
	for i := range t.actionDst {
		t.actionDst[i] = noEdge
	}
	for _, e := range events {
		ev, ok := eventIndex(e.Name)
		dst, err := ParseStatus(e.Dst)
		if !ok || err != nil {
			continue
		}
		if ev < int(numActions) {
			t.actionDst[ev] = dst
		}
		for _, src := range e.Src {
			s, err := ParseStatus(src)
			if err != nil {
				continue
			}
			t.next[s][ev] = dst
		}
	}
	return &t
}

// eventIndex maps an event name to its lookup slot.
func eventIndex(name string) (int, bool) {
	for a := ActionStart; a < numActions; a++ {
		if name == actionNames[a] {
			return int(a), true
		}
	}
	for s := range Status(numStatuses) {
		if name == reportedPrefix+statusNames[s] {
			return int(numActions) + int(s), true
		}
	}
	return 0, false
}

// next returns the destination of user action a from status s.
func next(s Status, a Action) (Status, bool) {
	if !s.Valid() || !a.Valid() {
		return noEdge, false
	}
	d := table.next[s][a]
	return d, d != noEdge
}

// reported reports whether the table expects a provider report implying to
// while the record is in from.
func reported(from, to Status) bool {
	return from.Valid() && to.Valid() && table.next[from][int(numActions)+int(to)] != noEdge
}

// onPath reports whether status s lies on the way of action a: the status
// the action sets, or a transitional one the table reaches from it by an
// expected report (reprovisioning reports starting).
func onPath(a Action, s Status) bool {
	if !a.Valid() {
		return false
	}
	d := table.actionDst[a]
	return s == d || (d.Transitional() && s.Transitional() && reported(d, s))
}
