package hostapi

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

func TestTimeline(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	seg := func(from, to int, v string) Segment { return Segment{From: at(from), To: at(to), Value: v} }
	tests := []struct {
		name string
		rec  hoststate.Record
		hist []store.Transition
		want Timeline
	}{
		{
			name: "no history: the current status throughout",
			rec:  hoststate.Record{Status: hoststate.StatusOff},
			want: Timeline{Start: at(0), End: at(60), Status: []Segment{seg(0, 60, "off")}, Provider: []Segment{seg(0, 60, "")}},
		},
		{
			name: "a stop",
			rec:  hoststate.Record{Status: hoststate.StatusOff, ProviderStatus: "TERMINATED", ObservedAt: at(30)},
			hist: []store.Transition{
				{From: hoststate.StatusUnknown, To: hoststate.StatusRunning, RawStatus: "RUNNING", At: at(10)},
				{From: hoststate.StatusRunning, To: hoststate.StatusStopping, RawStatus: "RUNNING", At: at(20)},
				{From: hoststate.StatusStopping, To: hoststate.StatusOff, RawStatus: "TERMINATED", At: at(25)},
			},
			want: Timeline{Start: at(0), End: at(60),
				Status:   []Segment{seg(0, 10, "unknown"), seg(10, 20, "running"), seg(20, 25, "stopping"), seg(25, 60, "off")},
				Provider: []Segment{seg(0, 10, ""), seg(10, 25, "RUNNING"), seg(25, 60, "TERMINATED")},
			},
		},
		{
			name: "the last observation moves the provider lane",
			rec:  hoststate.Record{Status: hoststate.StatusRunning, ProviderStatus: "STOPPING", ObservedAt: at(40)},
			hist: []store.Transition{{From: hoststate.StatusUnknown, To: hoststate.StatusRunning, RawStatus: "RUNNING", At: at(10)}},
			want: Timeline{Start: at(0), End: at(60),
				Status:   []Segment{seg(0, 10, "unknown"), seg(10, 60, "running")},
				Provider: []Segment{seg(0, 10, ""), seg(10, 40, "RUNNING"), seg(40, 60, "STOPPING")},
			},
		},
		{
			name: "a change at the very end is still shown",
			rec:  hoststate.Record{Status: hoststate.StatusOff, ProviderStatus: "TERMINATED", ObservedAt: at(60)},
			hist: []store.Transition{
				{From: hoststate.StatusUnknown, To: hoststate.StatusStopping, RawStatus: "RUNNING", At: at(30)},
				{From: hoststate.StatusStopping, To: hoststate.StatusOff, RawStatus: "TERMINATED", At: at(60)},
			},
			want: Timeline{Start: at(0), End: at(60),
				Status:   []Segment{seg(0, 30, "unknown"), seg(30, 60, "stopping"), seg(60, 60, "off")},
				Provider: []Segment{seg(0, 30, ""), seg(30, 60, "RUNNING"), seg(60, 60, "TERMINATED")},
			},
		},
		{
			name: "times outside the window are clamped",
			rec:  hoststate.Record{Status: hoststate.StatusRunning, ProviderStatus: "RUNNING", ObservedAt: at(90)},
			hist: []store.Transition{{From: hoststate.StatusOff, To: hoststate.StatusRunning, RawStatus: "RUNNING", At: at(-5)}},
			want: Timeline{Start: at(0), End: at(60), Status: []Segment{seg(0, 60, "running")}, Provider: []Segment{seg(0, 60, "RUNNING")}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := timeline(tc.rec, tc.hist, at(0), at(60))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("timeline (-want +got):\n%s", diff)
			}
		})
	}
}
