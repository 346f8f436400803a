package hoststate

import (
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// needsLook is the reconciler's selection before NextCheck, written out
// on its own: the statuses that are due every tick, a running host gone
// stale (a never-seen one counts as stale) or without an address, and a
// flip being confirmed.
func needsLook(r Record, t time.Time, p Policy) bool {
	switch r.Status {
	case StatusStarting, StatusStopping, StatusRestarting, StatusReprovisioning, StatusDeprovisioning, StatusError, StatusUnknown:
		return true
	case StatusRunning:
		if r.Address == "" || !r.LastSeen.After(t.Add(-p.StaleAfter)) {
			return true
		}
	}
	return r.PendingCount > 0 || !r.Status.Valid()
}

// TestPropNextCheckBounds: whatever Observe, Apply, Fail or Heartbeat
// return, a host that needs a look at any time t at or after the decision
// is due by t (NextCheck <= t), so a store's due index never lets one go
// unlooked; and no host is scheduled further out than Recheck (or, for a
// running one, StaleAfter past its last heartbeat, which may lie up to
// MaxClockSkew ahead).
func TestPropNextCheckBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRecord(t)
		r.ObservedAt = t0.Add(time.Duration(rapid.Int64Range(-int64(48*time.Hour), int64(48*time.Hour)).Draw(t, "observedAt")))
		p := genPolicy(t)
		p.Recheck = time.Duration(rapid.Int64Range(-1, int64(2*time.Hour)).Draw(t, "recheck"))
		now := t0.Add(time.Duration(rapid.Int64Range(-int64(72*time.Hour), int64(72*time.Hour)).Draw(t, "now")))
		var got Record
		switch step := rapid.IntRange(0, 3).Draw(t, "step"); step {
		case 0:
			got = r
			got.Observe(genObservation(t), now, p)
		case 1:
			got = r
			if err := got.Apply(rapid.SampledFrom(Actions()).Draw(t, "action"), now); err != nil {
				t.Skip("refused action")
			}
		case 2:
			got = r
			if err := got.Fail("boom", now); err != nil {
				t.Skip("nothing in flight")
			}
		case 3:
			got = r
			if !got.Heartbeat(now, p) {
				t.Skip("heartbeat refused")
			}
		}
		eff := p.WithDefaults()
		later := now.Add(time.Duration(rapid.Int64Range(0, int64(3*time.Hour)).Draw(t, "later")))
		if needsLook(got, later, eff) && got.NextCheck.After(later) {
			t.Fatalf("%v host needs a look at %v but is due only at %v: %+v", got.Status, later, got.NextCheck, got)
		}
		if needsLook(got, now, eff) && got.NextCheck.After(now) {
			t.Fatalf("%v host needs a look now (%v) but is due only at %v", got.Status, now, got.NextCheck)
		}
		bound := now.Add(max(eff.Recheck, eff.StaleAfter+eff.MaxClockSkew))
		if got.NextCheck.After(bound) {
			t.Fatalf("%v host scheduled at %v, beyond %v", got.Status, got.NextCheck, bound)
		}
	})
}

// TestNextCheckSchedule: the schedule of each kind of host, and a look that
// finds nothing new leaves it where it was (so it need not be written).
func TestNextCheckSchedule(t *testing.T) {
	p := DefaultPolicy()
	running := settled(StatusRunning)
	running.LastSeen = t0.Add(-time.Minute)
	off := settled(StatusOff)
	off.Address = ""
	for name, tt := range map[string]struct {
		in   Record
		o    Observation
		want time.Time
	}{
		"running, heartbeating": {running, obs(VMRunning, VolumePresent, "198.51.100.1"), running.LastSeen.Add(p.StaleAfter)},
		"running, never heard":  {settled(StatusRunning), obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(-time.Hour)},
		"running, confirming":   {running, obs(VMStopping, VolumePresent, ""), t0.Add(-time.Hour)},
		"off":                   {off, obs(VMStopped, VolumePresent, ""), t0.Add(p.Recheck)},
		"off, probe failed":     {off, Observation{Err: errors.New("HTTP 503")}, t0.Add(-time.Hour)},
		"starting":              {settled(StatusStarting), obs(VMStarting, VolumePresent, ""), t0.Add(-time.Hour)},
	} {
		t.Run(name, func(t *testing.T) {
			got := tt.in
			got.Observe(tt.o, t0, p)
			if !got.NextCheck.Equal(tt.want) {
				t.Fatalf("NextCheck = %v, want %v", got.NextCheck, tt.want)
			}
			if tt.o.Err == nil && name != "running, confirming" && name != "off" {
				again := got
				again.Observe(tt.o, t0.Add(time.Minute), p)
				if !OnlyObservedAtDiffers(got, again) {
					t.Fatalf("a second look that found nothing new moved the record: %+v", again)
				}
			}
		})
	}
	beat := running
	beat.Heartbeat(t0, p)
	if want := t0.Add(p.StaleAfter); !beat.NextCheck.Equal(want) {
		t.Fatalf("after a heartbeat NextCheck = %v, want %v", beat.NextCheck, want)
	}
}
