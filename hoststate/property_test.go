package hoststate

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// genRecord draws an arbitrary record, including corrupt statuses and times
// far in the past or future (clock skew).
func genRecord(t *rapid.T) Record {
	offset := func(label string) time.Time {
		if rapid.Bool().Draw(t, label+"Zero") {
			return time.Time{}
		}
		return t0.Add(time.Duration(rapid.Int64Range(-int64(48*time.Hour), int64(48*time.Hour)).Draw(t, label)))
	}
	return Record{
		ID:             "h",
		Status:         Status(rapid.IntRange(0, numStatuses+2).Draw(t, "status")),
		Since:          offset("since"),
		LastAction:     Action(rapid.IntRange(0, numActions+1).Draw(t, "action")),
		ActionAt:       offset("actionAt"),
		Deadline:       offset("deadline"),
		LastSeen:       offset("lastSeen"),
		Address:        rapid.SampledFrom([]string{"", "203.0.113.5"}).Draw(t, "address"),
		Pending:        Status(rapid.IntRange(0, numStatuses).Draw(t, "pending")),
		PendingCount:   rapid.IntRange(-1, 5).Draw(t, "pendingCount"),
		PendingSince:   offset("pendingSince"),
		Observed:       VMState(rapid.IntRange(0, numVMStates).Draw(t, "observed")),
		BootstrapDone:  rapid.Bool().Draw(t, "bootstrap"),
		ProbeFailures:  rapid.IntRange(0, 3).Draw(t, "failures"),
		ObservedVolume: VolumeState(rapid.IntRange(0, numVolumeStates).Draw(t, "observedVolume")),
	}
}

func genObservation(t *rapid.T) Observation {
	o := Observation{
		VM:          VMState(rapid.IntRange(0, numVMStates).Draw(t, "vm")),
		Volume:      VolumeState(rapid.IntRange(0, numVolumeStates).Draw(t, "volume")),
		Address:     rapid.SampledFrom([]string{"", "203.0.113.7"}).Draw(t, "obsAddress"),
		RawVM:       rapid.String().Draw(t, "raw"),
		Unreachable: rapid.IntRange(0, 9).Draw(t, "unreachable") == 0,
	}
	if rapid.IntRange(0, 4).Draw(t, "fail") == 0 {
		o.Err = errors.New("probe failed")
	}
	return o
}

func genPolicy(t *rapid.T) Policy {
	return Policy{
		Grace:            time.Duration(rapid.Int64Range(-int64(time.Minute), int64(10*time.Minute)).Draw(t, "grace")),
		Confirmations:    rapid.IntRange(-1, 4).Draw(t, "confirmations"),
		StaleAfter:       time.Duration(rapid.Int64Range(0, int64(10*time.Minute)).Draw(t, "stale")),
		NoAddressTimeout: time.Duration(rapid.Int64Range(-1, int64(20*time.Minute)).Draw(t, "noAddr")),
		ActionTimeout:    time.Duration(rapid.Int64Range(0, int64(time.Hour)).Draw(t, "actionTimeout")),
	}
}

// Property (a): a failed probe never changes status (or anything but the
// error bookkeeping).
func TestPropFailedProbeNeverChangesStatus(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRecord(t)
		r.Status = rapid.SampledFrom(Statuses()).Draw(t, "valid")
		o := genObservation(t)
		o.Err = errors.New("HTTP 503")
		p := genPolicy(t)
		got := r
		c := got.Observe(o, t0, p)
		eff := p.WithDefaults()
		if c.Changed() || got.Status != r.Status {
			t.Fatalf("a failed probe moved %v to %v (%+v)", r.Status, got.Status, c)
		}
		if got.ProbeFailures != r.ProbeFailures+1 || got.ProbeError != "HTTP 503" {
			t.Fatalf("failure bookkeeping: %d %q, want %d %q", got.ProbeFailures, got.ProbeError, r.ProbeFailures+1, "HTTP 503")
		}
		// A stored record is input too: a time beyond the clock-skew
		// bound becomes now, a deadline beyond MaxDeadline after its
		// action is cut to it, a confirmation run no valid record holds
		// is forgotten; nothing else changes.
		limit := t0.Add(eff.MaxClockSkew)
		clamped := func(name string, before, after time.Time) {
			if want := before; !before.After(limit) && !after.Equal(want) || before.After(limit) && !after.Equal(t0) {
				t.Fatalf("%s: %v became %v (now %v, skew bound %v)", name, before, after, t0, limit)
			}
		}
		clamped("Since", r.Since, got.Since)
		clamped("ActionAt", r.ActionAt, got.ActionAt)
		clamped("LastSeen", r.LastSeen, got.LastSeen)
		wantDeadline := r.Deadline
		if !r.Deadline.IsZero() && !got.ActionAt.IsZero() && r.Deadline.Sub(got.ActionAt) > MaxDeadline {
			wantDeadline = got.ActionAt.Add(MaxDeadline)
		}
		if !got.Deadline.Equal(wantDeadline) {
			t.Fatalf("Deadline %v became %v, want %v", r.Deadline, got.Deadline, wantDeadline)
		}
		if r.PendingCount > 0 && r.PendingCount < eff.Confirmations {
			if got.Pending != r.Pending || got.PendingCount != r.PendingCount {
				t.Fatalf("a valid confirmation run %v×%d became %v×%d", r.Pending, r.PendingCount, got.Pending, got.PendingCount)
			}
			clamped("PendingSince", r.PendingSince, got.PendingSince)
		} else if got.Pending != StatusUnknown || got.PendingCount != 0 || !got.PendingSince.IsZero() {
			t.Fatalf("an invalid run %v×%d was kept as %v×%d since %v", r.Pending, r.PendingCount, got.Pending, got.PendingCount, got.PendingSince)
		}
		// The fields checked above (and NextCheck, which
		// TestPropNextCheckBounds checks) aside, the record is as stored.
		rest := func(x Record) Record {
			x.Since, x.ActionAt, x.LastSeen, x.Deadline, x.NextCheck = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
			x.Pending, x.PendingCount, x.PendingSince = 0, 0, time.Time{}
			x.ProbeFailures, x.ProbeError = 0, ""
			return x
		}
		if diff := cmp.Diff(rest(r), rest(got)); diff != "" {
			t.Fatalf("failed probe changed the record (-stored +got):\n%s", diff)
		}
	})
}

// Property (e): Observe never panics and always returns a valid status, and
// every change is either an edge of the table or confirmed drift.
func TestPropObserveTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRecord(t)
		o := genObservation(t)
		now := t0.Add(time.Duration(rapid.Int64Range(-int64(72*time.Hour), int64(72*time.Hour)).Draw(t, "now")))
		got := r
		c := got.Observe(o, now, genPolicy(t))
		if !got.Status.Valid() || got.Status != c.To {
			t.Fatalf("invalid result %v (change %+v)", got.Status, c)
		}
		if c.Changed() {
			switch c.Reason {
			case ReasonReported:
				if !reported(c.From, c.To) {
					t.Fatalf("%v --> %v reported but not in the table", c.From, c.To)
				}
			case ReasonDrift, ReasonConnectorOffline, ReasonNoAddressTimeout:
			default:
				t.Fatalf("changed with reason %v", c.Reason)
			}
		}
		v := View(got, now, genPolicy(t))
		if v.Status != got.Status {
			t.Fatalf("view disagrees with record")
		}
	})
}

// Property (b): off and deprovisioned come only after Confirmations
// consecutive successful observations implying them, and never from a
// contradicting observation inside the grace window.
func TestPropOffOnlyAfterConfirmations(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Any policy, partial ones included: each zero field must mean its
		// default, so the oracle checks against the effective policy.
		p := genPolicy(t)
		eff := p.WithDefaults()
		r := Record{ID: "h", Status: rapid.SampledFrom(Statuses()).Draw(t, "start")}
		now := t0
		var streak []Status // implied statuses of successful observations, newest last
		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			now = now.Add(time.Duration(rapid.IntRange(0, 180).Draw(t, "advance")) * time.Second)
			if rapid.IntRange(0, 5).Draw(t, "act") == 0 {
				if r.Apply(rapid.SampledFrom(Actions()).Draw(t, "action"), now) == nil {
					streak = nil
				}
				continue
			}
			o := genObservation(t)
			o.Unreachable = false
			prev := r
			var c Change
			c = r.Observe(o, now, p)
			if o.Err == nil {
				implied, ok := Implied(o.VM, o.Volume)
				if !ok {
					implied = StatusUnknown
				}
				streak = append(streak, implied)
			}
			if !c.Changed() || (r.Status != StatusOff && r.Status != StatusDeprovisioned) {
				continue
			}
			if len(streak) < eff.Confirmations {
				t.Fatalf("%v --> %v after only %d observations", prev.Status, r.Status, len(streak))
			}
			for _, s := range streak[len(streak)-eff.Confirmations:] {
				if s != r.Status {
					t.Fatalf("%v --> %v but the last %d observations were %v", prev.Status, r.Status, eff.Confirmations, streak)
				}
			}
			if !reported(prev.Status, r.Status) && prev.inGrace(now, &eff) {
				t.Fatalf("drift to %v inside the grace window", r.Status)
			}
			streak = nil
		}
	})
}

// Property (c): a heartbeat never moves a record out of stopping, starting,
// off or deprovisioned — nor changes any status at all.
func TestPropHeartbeatNeverMovesStatus(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRecord(t)
		got := r
		ok := got.Heartbeat(t0.Add(time.Duration(rapid.Int64().Draw(t, "at"))), genPolicy(t))
		if got.Status != r.Status {
			t.Fatalf("heartbeat moved %v to %v", r.Status, got.Status)
		}
		if ok && r.Status != StatusRunning {
			t.Fatalf("heartbeat accepted while %v", r.Status)
		}
	})
}
