package hoststate

import (
	"testing"
	"time"
)

// The pure core allocates nothing on any of its entry points, for records
// of every status and liveness: the reconciler calls them per host per tick.
func TestEntryPointsAllocateNothing(t *testing.T) {
	p := DefaultPolicy()
	now := t0.Add(time.Hour)
	seen := Record{ID: "h", Status: StatusRunning, Since: t0, LastSeen: now.Add(-time.Minute), Address: "203.0.113.1", BootstrapDone: true}
	silent := Record{ID: "h", Status: StatusRunning, Since: t0, Address: "203.0.113.1"}
	fresh := Record{ID: "h", Status: StatusRunning, Since: now.Add(-time.Second)}
	stopping := Record{ID: "h", Status: StatusStopping, Since: now, LastAction: ActionStop, ActionAt: now}
	stopped := Observation{VM: VMStopped, Volume: VolumePresent, RawVM: "TERMINATED", RawVolume: "READY"}
	for name, f := range map[string]func(){
		"Apply":            func() { r := seen; _ = r.Apply(ActionStop, now) },
		"Observe":          func() { r := stopping; _ = r.Observe(stopped, now, p) },
		"Heartbeat":        func() { r := seen; _ = r.Heartbeat(now, p) },
		"Fail":             func() { r := stopping; _ = r.Fail("refused", now) },
		"View active":      func() { _ = View(seen, now, p) },
		"View offline":     func() { _ = View(silent, now, p) },
		"View waiting":     func() { _ = View(fresh, now, p) },
		"View in flight":   func() { _ = View(stopping, now, p) },
		"View off":         func() { _ = View(Record{ID: "h", Status: StatusOff}, now, p) },
		"View unknown/new": func() { _ = View(Record{ID: "h"}, now, p) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s allocates %.0f times per call, want 0", name, n)
		}
	}
}
