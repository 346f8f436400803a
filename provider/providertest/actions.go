package providertest

import (
	"errors"
	"strings"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// act sends action a on h and settles it until the ground truth implies
// the action's goal, checking check at every step, then checks that a
// probe agrees with the truth. It skips the case when the adapter does
// not support a (case Unsupported covers that).
func (w *world) act(a hoststate.Action, h provider.Host, check func(fakes.Truth)) {
	w.t.Helper()
	if !w.supports(h, a) {
		w.t.Skipf("%s does not support %s", w.facts.Name, a)
	}
	op, err := provider.ActionCall(w.Provider, a)(w.ctx(), h)
	if err != nil {
		w.t.Fatalf("%s: %v", a, err)
	}
	w.sync()
	if err := w.settle(op, h, implies(a.Goal()), check); err != nil {
		w.t.Fatalf("%s: the operation's Wait: %v", a, err)
	}
	w.checkProbe("after "+a.String(), h)
}

// testStart: a stopped host starts and runs.
func testStart(w *world) {
	h := w.Host(0)
	w.create(h, false)
	w.act(hoststate.ActionStart, h, nil)
}

// testStop: a running host stops: off, with its data volume kept.
func testStop(w *world) {
	h := w.Host(0)
	w.create(h, true)
	w.act(hoststate.ActionStop, h, nil)
	if w.facts.Capabilities.SeparateVolume && !w.truth(h).VolumeExists {
		w.t.Error("stop lost the data volume")
	}
}

// testReboot: a running host restarts and runs again.
func testReboot(w *world) {
	h := w.Host(0)
	w.create(h, true)
	w.act(hoststate.ActionReboot, h, nil)
}

// testDeprovision: a running host is deprovisioned with the real timing:
// the VM takes time to go, and the data volume goes only after it — no
// provider deletes a volume its VM still holds. The host ends with VM and
// volume gone.
func testDeprovision(w *world) {
	h := w.Host(0)
	w.create(h, true)
	w.act(hoststate.ActionDeprovision, h, func(tr fakes.Truth) {
		if w.facts.Capabilities.SeparateVolume && tr.VMExists && (!tr.VolumeExists || strings.EqualFold(tr.RawVolume, "deleting")) {
			w.t.Fatalf("the volume goes while the VM still exists: %+v", tr)
		}
	})
	if tr := w.truth(h); w.facts.Capabilities.SeparateVolume && tr.VolumeExists {
		w.t.Errorf("after deprovision the volume is still there: %+v", tr)
	}
}

// testUnsupported: every action Supports refuses matches
// provider.ErrUnsupported, and its method (unless it also sends a
// supported action: Start sends retry) refuses the same way without
// sending anything. A supported action's method never answers
// ErrUnsupported (the action cases send them).
func testUnsupported(w *world) {
	h := w.Host(0)
	w.create(h, true)
	for _, a := range hoststate.Actions() {
		err := w.Provider.Supports(h, a)
		if err == nil {
			continue
		}
		if !errors.Is(err, provider.ErrUnsupported) {
			w.t.Errorf("Supports(%s) = %v, which does not match provider.ErrUnsupported", a, err)
		}
		if a == hoststate.ActionRetry && w.supports(h, hoststate.ActionStart) {
			// Sent with Start, which is supported: the caller's Supports
			// check is what keeps it from being sent.
			continue
		}
		before := w.Requests()
		if _, err := provider.ActionCall(w.Provider, a)(w.ctx(), h); !errors.Is(err, provider.ErrUnsupported) {
			w.t.Errorf("%s, which Supports refuses: %v, want provider.ErrUnsupported", a, err)
		}
		if n := w.Requests() - before; n != 0 {
			w.t.Errorf("%s, which Supports refuses, sent %d requests", a, n)
		}
	}
}
