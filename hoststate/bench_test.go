package hoststate

import (
	"testing"
	"time"
)

func BenchmarkApply(b *testing.B) {
	r := Record{ID: "h", Status: StatusRunning, Address: "203.0.113.1"}
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		out := r
		err := out.Apply(ActionStop, now)
		if err != nil || out.Status != StatusStopping {
			b.Fatal(out.Status, err)
		}
	}
}

// BenchmarkObserve measures one Observe call on the common reconcile path:
// a stop in flight observed stopping, then stopped twice (a confirmation,
// then the flip to off). Each op is one call; the record restarts every
// three calls. The record changes in place, as it does in the reconciler.
func BenchmarkObserve(b *testing.B) {
	p := DefaultPolicy()
	start := Record{ID: "h", Status: StatusStopping, Since: t0, LastAction: ActionStop, ActionAt: t0}
	seq := [...]Observation{
		{VM: VMStopping, Volume: VolumePresent, RawVM: "STOPPING", RawVolume: "READY"},
		{VM: VMStopped, Volume: VolumePresent, RawVM: "TERMINATED", RawVolume: "READY"},
		{VM: VMStopped, Volume: VolumePresent, RawVM: "TERMINATED", RawVolume: "READY"},
	}
	at := [...]time.Time{t0, t0.Add(time.Second), t0.Add(2 * time.Second)}
	r, i := start, 0
	b.ReportAllocs()
	for b.Loop() {
		r.Observe(seq[i], at[i], p)
		if i++; i == len(seq) {
			if r.Status != StatusOff {
				b.Fatal(r.Status)
			}
			r, i = start, 0
		}
	}
}
