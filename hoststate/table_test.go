package hoststate

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// allowed is the user-action table written out by hand, independently of
// Events, as the specification Apply is checked against.
var allowed = map[Status]map[Action]Status{
	StatusOff:            {ActionStart: StatusStarting, ActionReprovision: StatusReprovisioning, ActionDeprovision: StatusDeprovisioning},
	StatusDeprovisioned:  {ActionStart: StatusStarting},
	StatusStarting:       {ActionStop: StatusStopping, ActionDeprovision: StatusDeprovisioning},
	StatusRunning:        {ActionStop: StatusStopping, ActionReboot: StatusRestarting, ActionDeprovision: StatusDeprovisioning},
	StatusStopping:       {ActionDeprovision: StatusDeprovisioning},
	StatusRestarting:     {ActionStop: StatusStopping, ActionDeprovision: StatusDeprovisioning},
	StatusReprovisioning: {ActionDeprovision: StatusDeprovisioning},
	StatusDeprovisioning: {},
	StatusError:          {ActionRetry: StatusStarting, ActionStop: StatusStopping, ActionDeprovision: StatusDeprovisioning},
	StatusUnknown:        {ActionDeprovision: StatusDeprovisioning},
}

func TestApplyEveryStatusAndAction(t *testing.T) {
	for _, s := range Statuses() {
		for _, a := range Actions() {
			t.Run(s.String()+"/"+a.String(), func(t *testing.T) {
				in := Record{ID: "h", Status: s, Since: t0.Add(-time.Hour), Version: 3, Pending: StatusOff, PendingCount: 1, ActionSeq: 7}
				got := in
				err := got.Apply(a, t0)
				want, ok := allowed[s][a]
				if !ok {
					if !errors.Is(err, ErrInvalidTransition) {
						t.Fatalf("err = %v, want ErrInvalidTransition", err)
					}
					var te *TransitionError
					if !errors.As(err, &te) || te.From != s || te.Action != a {
						t.Fatalf("err = %#v, want *TransitionError{%v, %v}", err, s, a)
					}
					if diff := cmp.Diff(in, got); diff != "" {
						t.Fatalf("a refused action changed the record (-want +got):\n%s", diff)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				wantRec := in
				wantRec.Status, wantRec.Since, wantRec.LastAction, wantRec.ActionAt = want, t0, a, t0
				wantRec.Pending, wantRec.PendingCount, wantRec.ActionSeq = StatusUnknown, 0, 8
				wantRec.NextCheck = t0 // a transitional status is due at once
				if diff := cmp.Diff(wantRec, got); diff != "" {
					t.Fatalf("Apply (-want +got):\n%s", diff)
				}
				if !got.InFlight() {
					t.Errorf("an applied action is in flight")
				}
			})
		}
	}
}

func TestApplyRejectsInvalidAction(t *testing.T) {
	in := Record{Status: StatusOff}
	for _, a := range []Action{ActionNone, Action(99)} {
		got := in
		err := got.Apply(a, t0)
		if !errors.Is(err, ErrUnknownAction) || !cmp.Equal(got, in) {
			t.Errorf("Apply(%v) = %v, %v", a, got, err)
		}
	}
	corrupt := Record{Status: Status(77)}
	if err := corrupt.Apply(ActionStart, t0); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("a corrupt status must refuse actions: %v", err)
	}
}

// seedEdges are the edges of the product's "Normalized State Diagram"
// (docs/ARCHITECTURE.md, "State model"), with [*] read as unknown (never observed) and the diagram's
// labels mapped to the table's event names.
var seedEdges = []string{
	"unknown --> off: reported off",
	"unknown --> deprovisioned: reported deprovisioned",
	"off --> starting: start",
	"starting --> running: reported running",
	"starting --> error: reported error",
	"running --> stopping: stop",
	"stopping --> off: reported off",
	"stopping --> deprovisioned: reported deprovisioned",
	"stopping --> error: reported error",
	"running --> restarting: reboot",
	"restarting --> running: reported running",
	"restarting --> error: reported error",
	"off --> reprovisioning: reprovision",
	"reprovisioning --> starting: reported starting",
	"reprovisioning --> error: reported error",
	"error --> starting: retry",
	"error --> deprovisioned: reported deprovisioned",
	// Deletes: what the diagram's "delete requested" needs.
	"error --> deprovisioning: deprovision",
	"deprovisioning --> deprovisioned: reported deprovisioned",
}

func TestMermaidHasEverySeedEdge(t *testing.T) {
	m := Mermaid()
	for _, e := range seedEdges {
		if !strings.Contains(m, "  "+e+"\n") {
			t.Errorf("diagram lacks seed edge %q", e)
		}
	}
	if !strings.HasPrefix(m, "stateDiagram-v2\n") {
		t.Errorf("not a mermaid stateDiagram-v2")
	}
}

func TestTransitionsCompileCompletely(t *testing.T) {
	n := 0
	for _, row := range Transitions() {
		ev, ok := row.slot()
		if !ok || !row.To.Valid() {
			t.Fatalf("row %+v has no lookup slot", row)
		}
		for _, s := range row.From {
			if table.next[s][ev] != row.To {
				t.Errorf("lookup[%v][%q] = %v, want %v", s, row.EventName(), table.next[s][ev], row.To)
			}
			n++
		}
	}
	count := 0
	for i := range table.next {
		for j := range table.next[i] {
			if table.next[i][j] != noEdge {
				count++
			}
		}
	}
	if count != n {
		t.Errorf("lookup has %d edges, table declares %d", count, n)
	}
}
