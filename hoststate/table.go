package hoststate

// Transition is one row of the transition table: an event moves a record
// whose status is one of From to To. The event is a user action, or — when
// Action is ActionNone — a provider report implying To (an outcome the
// table expects). Statuses and actions are typed constants, so a misspelt
// one does not compile.
type Transition struct {
	// Action is the user action, or ActionNone for a provider report.
	Action Action
	// From lists the statuses the event applies in.
	From []Status
	// To is where the event leads; for a report, the status it implies.
	To Status
}

// Transitions returns the transition table, declared once: the user
// actions of the product's normalized state diagram plus deprovisioning
// for deletes, and the provider reports each transitional status expects.
// [Record.Apply], [Record.Observe] and [Mermaid] all derive from it (package
// hoststate/fsmview builds a looplab/fsm machine from it).
//
// Unknown stands for the diagram's initial pseudo-state "[*]": a record
// never observed. Drift — a confirmed observation that contradicts the
// record, such as a VM stopped from the provider console — may move any
// status to the observed one and is deliberately not an edge here; see
// [Record.Observe].
func Transitions() []Transition {
	const report = ActionNone
	return []Transition{
		// User actions.
		{ActionStart, []Status{StatusOff, StatusDeprovisioned}, StatusStarting},
		{ActionStop, []Status{StatusRunning, StatusStarting, StatusRestarting, StatusError}, StatusStopping},
		{ActionReboot, []Status{StatusRunning}, StatusRestarting},
		{ActionReprovision, []Status{StatusOff}, StatusReprovisioning},
		{ActionDeprovision, []Status{StatusOff, StatusRunning, StatusStarting, StatusStopping, StatusRestarting, StatusReprovisioning, StatusError, StatusUnknown}, StatusDeprovisioning},
		{ActionRetry, []Status{StatusError}, StatusStarting},
		// Provider reports: the outcomes (and first observations) the table expects.
		{report, []Status{StatusStarting, StatusRestarting, StatusReprovisioning, StatusUnknown}, StatusRunning},
		{report, []Status{StatusReprovisioning, StatusUnknown}, StatusStarting},
		{report, []Status{StatusUnknown}, StatusStopping},
		{report, []Status{StatusStopping, StatusError, StatusUnknown}, StatusOff},
		{report, []Status{StatusStopping, StatusDeprovisioning, StatusError, StatusUnknown}, StatusDeprovisioned},
		{report, []Status{StatusStarting, StatusStopping, StatusRestarting, StatusReprovisioning, StatusDeprovisioning, StatusUnknown}, StatusError},
	}
}

// EventName names a row's event: the action's name, or "reported <to>"
// for a provider report. The diagram and the fsm view use it.
func (t Transition) EventName() string {
	if t.Action == ActionNone {
		return "reported " + t.To.String()
	}
	return t.Action.String()
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

// table is compiled once from Transitions and only read afterwards: the
// hot path of Apply and Observe is an array index, with no allocation.
var table = compile(Transitions())

// compile turns the typed table into the lookup table. Rows with invalid
// values cannot occur (Transitions is a literal of typed constants, and a
// test checks every row compiles); they are skipped rather than panicking.
func compile(rows []Transition) *lookupTable {
	var t lookupTable
	for i := range t.next {
		for j := range t.next[i] {
			t.next[i][j] = noEdge
		}
	}
	for i := range t.actionDst {
		t.actionDst[i] = noEdge
	}
	for _, row := range rows {
		ev, ok := row.slot()
		if !ok || !row.To.Valid() {
			continue
		}
		if row.Action != ActionNone {
			t.actionDst[row.Action] = row.To
		}
		for _, s := range row.From {
			if s.Valid() {
				t.next[s][ev] = row.To
			}
		}
	}
	return &t
}

// slot is the row's event slot in the lookup table: the action's index,
// or numActions + the reported status.
func (t Transition) slot() (int, bool) {
	switch {
	case t.Action == ActionNone && t.To.Valid():
		return int(numActions) + int(t.To), true
	case t.Action.Valid():
		return int(t.Action), true
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
