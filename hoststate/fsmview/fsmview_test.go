package fsmview_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/hoststate/fsmview"
)

// TestApplyAgreesWithFSM: Apply and the looplab/fsm machine agree on
// every (status, action), and on every reported event.
func TestApplyAgreesWithFSM(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SampledFrom(hoststate.Statuses()).Draw(t, "status")
		a := rapid.SampledFrom(hoststate.Actions()).Draw(t, "action")
		m := fsmview.New(s, nil)
		fsmErr := m.Event(context.Background(), a.String())
		got := hoststate.Record{Status: s}
		err := got.Apply(a, t0)
		if (fsmErr == nil) != (err == nil) {
			t.Fatalf("%v/%v: fsm err %v, Apply err %v", s, a, fsmErr, err)
		}
		if err == nil && m.Current() != got.Status.String() {
			t.Fatalf("%v/%v: fsm -> %s, Apply -> %v", s, a, m.Current(), got.Status)
		}
	})
}

// The machine moves as Apply does; a report the table expects moves it too.
func ExampleNew() {
	m := fsmview.New(hoststate.StatusRunning, nil)
	fmt.Println(m.Event(context.Background(), "stop"), m.Current())
	fmt.Println(m.Event(context.Background(), fsmview.ReportedEvent(hoststate.StatusOff)), m.Current())
	fmt.Println(m.Can("reboot"))
	// Output:
	// <nil> stopping
	// <nil> off
	// false
}
