package hoststate

import (
	"math"
	"testing"
	"time"
)

// These tests pin the rules that keep real fault patterns from becoming
// false statuses (docs/ARCHITECTURE.md, "Reconcile rules").

func TestAddressFollowsTheVM(t *testing.T) {
	r := settled(StatusRunning) // address 198.51.100.1
	r.Observe(obs(VMRunning, VolumePresent, "203.0.113.50"), t0, DefaultPolicy())
	if r.Address != "203.0.113.50" {
		t.Fatalf("a new address did not replace the old: %q", r.Address)
	}
	r.Observe(obs(VMRunning, VolumePresent, ""), t0.Add(time.Minute), DefaultPolicy())
	if r.Address != "" || r.Status != StatusRunning {
		t.Fatalf("a running VM confirmed without an address kept %q (%s)", r.Address, r.Status)
	}
	o := obs(VMRunning, VolumePresent, string(make([]byte, MaxAddress+1)))
	r.Observe(o, t0.Add(2*time.Minute), DefaultPolicy())
	if r.Address != "" {
		t.Fatal("an oversized address was stored")
	}
}

func TestRecreatedVMNeedsBootstrapAgain(t *testing.T) {
	r := settled(StatusRunning)
	r.BootstrapDone, r.VMID = true, "111"
	o := obs(VMRunning, VolumePresent, "198.51.100.1")
	o.VMID = "111"
	if r.Observe(o, t0, DefaultPolicy()); !r.BootstrapDone {
		t.Fatal("the same VM lost its bootstrap")
	}
	o.VMID = "222"
	r2 := r
	r2.Observe(o, t0, DefaultPolicy())
	if r2.BootstrapDone || r2.VMID != "222" {
		t.Fatalf("a VM with a new id kept bootstrap done (%v) or the old id (%s)", r2.BootstrapDone, r2.VMID)
	}
}

func TestFreshHeartbeatVetoesDrift(t *testing.T) {
	p := DefaultPolicy()
	for _, target := range []struct {
		vm  VMState
		vol VolumeState
	}{{VMStopped, VolumePresent}, {VMAbsent, VolumeAbsent}, {VMError, VolumePresent}} {
		r := settled(StatusRunning)
		now := t0
		for i := range 5 {
			r.LastSeen = now.Add(-30 * time.Second) // the daemon keeps beating
			var c Change
			c = r.Observe(obs(target.vm, target.vol, ""), now, p)
			if r.Status != StatusRunning || c.Reason != ReasonHostAlive || !r.ProviderDisagrees {
				t.Fatalf("%v/%v observation %d: %s (%v), disagrees %v; want held by the heartbeat", target.vm, target.vol, i, r.Status, c.Reason, r.ProviderDisagrees)
			}
			if !View(r, now, p).Flags.Has(FlagProviderDisagrees) {
				t.Fatal("the view does not flag the disagreement")
			}
			now = now.Add(time.Minute)
		}
		// The heartbeat stops: the drift is confirmed as usual.
		for range p.Confirmations {
			now = now.Add(p.StaleAfter)
			r.Observe(obs(target.vm, target.vol, ""), now, p)
		}
		if r.Status == StatusRunning {
			t.Fatalf("%v/%v: still running after the heartbeat went stale", target.vm, target.vol)
		}
	}
	// A user's own stop is never vetoed by the heartbeat.
	r := settled(StatusRunning)
	r.Apply(ActionStop, t0)
	r.LastSeen = t0.Add(10 * time.Second)
	for i := range p.Confirmations {
		r.Observe(obs(VMStopped, VolumePresent, ""), t0.Add(time.Duration(20+10*i)*time.Second), p)
	}
	if r.Status != StatusOff {
		t.Fatalf("a user's stop was vetoed: %s", r.Status)
	}
}

func TestStoppedVMWithoutItsVolumeIsAnError(t *testing.T) {
	p := DefaultPolicy()
	r := settled(StatusOff)
	var c Change
	for i := range p.Confirmations {
		c = r.Observe(obs(VMStopped, VolumeAbsent, ""), t0.Add(time.Duration(i)*time.Minute), p)
		if i < p.Confirmations-1 && r.Status != StatusOff {
			t.Fatalf("flipped after %d observations", i+1)
		}
	}
	if r.Status != StatusError || r.Reason != ReasonDataVolumeMissing || c.Reason != ReasonDrift {
		t.Fatalf("stopped VM, volume gone: %s %q (%v), want error %q", r.Status, r.Reason, c.Reason, ReasonDataVolumeMissing)
	}
	// A provider without separate volumes has none to lose.
	if s, _ := Implied(VMStopped, VolumeNone); s != StatusOff {
		t.Fatalf("stopped VM of a provider without volumes implies %s, want off", s)
	}
	if s, _ := Implied(VMAbsent, VolumeNone); s != StatusDeprovisioned {
		t.Fatalf("gone VM of a provider without volumes implies %s, want deprovisioned", s)
	}
}

func TestStoredRecordsAreNotTrustedBlindly(t *testing.T) {
	p := DefaultPolicy()
	t.Run("pending count above confirmations", func(t *testing.T) {
		r := settled(StatusRunning)
		r.Pending, r.PendingCount = StatusOff, 99
		r.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), t0, p)
		r.Pending, r.PendingCount = StatusOff, 99
		c := r.Observe(obs(VMStopped, VolumePresent, ""), t0, p)
		if r.Status != StatusRunning && p.Confirmations > 1 {
			t.Fatalf("a stored PendingCount of 99 flipped at once (%v)", c.Reason)
		}
	})
	t.Run("future action opens no unbounded grace", func(t *testing.T) {
		r := acted(StatusStopping, ActionStop, t0.Add(1000*time.Hour))
		r.Since = t0.Add(1000 * time.Hour)
		now := t0
		for range 10 {
			r.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), now, p)
			now = now.Add(time.Minute)
		}
		if r.Status != StatusRunning {
			t.Fatalf("a far-future ActionAt held drift for 10 minutes: %s", r.Status)
		}
	})
	t.Run("future heartbeat vetoes nothing forever", func(t *testing.T) {
		r := settled(StatusRunning)
		r.LastSeen = t0.Add(1000 * time.Hour)
		now := t0
		for range 2 + p.Confirmations {
			r.Observe(obs(VMStopped, VolumePresent, ""), now, p)
			now = now.Add(p.StaleAfter + time.Second)
		}
		if r.Status != StatusOff {
			t.Fatalf("a far-future LastSeen vetoed drift: %s", r.Status)
		}
	})
	t.Run("failure counter saturates", func(t *testing.T) {
		r := settled(StatusRunning)
		r.ProbeFailures = math.MaxInt32
		r.Observe(Observation{Err: errString("503")}, t0, p)
		if r.ProbeFailures != math.MaxInt32 {
			t.Fatalf("ProbeFailures = %d", r.ProbeFailures)
		}
	})
	t.Run("deadline bounded", func(t *testing.T) {
		r := acted(StatusStopping, ActionStop, t0)
		r.Deadline = t0.Add(10000 * time.Hour)
		c := r.Observe(obs(VMStopping, VolumePresent, ""), t0.Add(MaxDeadline+time.Hour), p)
		c = r.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(MaxDeadline+2*time.Hour), p)
		if c.Reason == ReasonInProgress {
			t.Fatal("a deadline 10000 h out still holds the action in flight after a day")
		}
		_ = r
	})
}

type errString string

func (e errString) Error() string { return string(e) }

func TestConsistencyWindowHoldsStaleReads(t *testing.T) {
	p := DefaultPolicy()
	p.ConsistencyWindow = 10 * time.Minute
	r := settled(StatusRunning)
	r.Apply(ActionStop, t0)
	for i := range p.Confirmations {
		r.Observe(obs(VMStopped, VolumePresent, ""), t0.Add(time.Duration(30+30*i)*time.Second), p)
	}
	if r.Status != StatusOff {
		t.Fatalf("stop not confirmed: %s", r.Status)
	}
	confirmed := r.Since
	// The API keeps serving the pre-stop state for minutes.
	now := confirmed
	for now.Before(confirmed.Add(p.ConsistencyWindow)) {
		var c Change
		c = r.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), now, p)
		if r.Status != StatusOff {
			t.Fatalf("a stale read %s after the confirmed stop made the host %s (%v)", now.Sub(confirmed), r.Status, c.Reason)
		}
		now = now.Add(2 * time.Minute)
	}
	// Past the window a real start from the console is drift, confirmed
	// by a run of observations that itself spans the window.
	runStart := now.Add(2 * time.Minute)
	for now.Sub(runStart) < p.ConsistencyWindow {
		now = now.Add(2 * time.Minute)
		r.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), now, p)
		if r.Status != StatusOff && now.Sub(runStart) < p.ConsistencyWindow {
			t.Fatalf("flipped on a run of %s, shorter than the window", now.Sub(runStart))
		}
	}
	now = now.Add(2 * time.Minute)
	r.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), now, p)
	if r.Status != StatusRunning {
		t.Fatalf("after the window: %s, want running", r.Status)
	}
}

// A deprovision that deleted the VM but left the data volume is never off
// (the volume is still billed): held while the action is in flight, then,
// orphaned, an error (confirmed) with a reason the UI shows, from which
// deprovision is offered again.
func TestUnfinishedDeprovisionIsAnErrorNeverOff(t *testing.T) {
	p := DefaultPolicy()
	r := settled(StatusOff)
	err := r.Apply(ActionDeprovision, t0)
	if err != nil {
		t.Fatal(err)
	}
	half := obs(VMAbsent, VolumePresent, "")
	at := t0.Add(time.Minute)
	for ; at.Before(t0.Add(p.ActionTimeout)); at = at.Add(5 * time.Minute) {
		r.Observe(half, at, p)
		if r.Status != StatusDeprovisioning {
			t.Fatalf("in flight at %s: %s, want deprovisioning", at.Sub(t0), r.Status)
		}
	}
	var c Change
	for i := range p.Confirmations + 1 {
		c = r.Observe(half, at.Add(time.Duration(i)*time.Minute), p)
		if r.Status == StatusOff {
			t.Fatalf("an unfinished deprovision became off")
		}
	}
	if r.Status != StatusError || r.Reason != ReasonDeprovisionUnfinished {
		t.Fatalf("orphaned half-done deprovision: %s %q (%v), want error %q", r.Status, r.Reason, c.Reason, ReasonDeprovisionUnfinished)
	}
	again := r
	if err := again.Apply(ActionDeprovision, at.Add(time.Hour)); err != nil {
		t.Errorf("deprovision is not offered again: %v", err)
	}
	// A deprovision whose VM is still there (never deleted) is plain drift.
	r = settled(StatusOff)
	r.Apply(ActionDeprovision, t0)
	for i := range p.Confirmations + 1 {
		r.Observe(obs(VMStopped, VolumePresent, ""), t0.Add(p.ActionTimeout+time.Duration(i+1)*time.Minute), p)
	}
	if r.Status != StatusOff {
		t.Errorf("a deprovision that deleted nothing, orphaned: %s, want off", r.Status)
	}
}

// TestUnfinishedDeprovisionStaysAnError: the error of an unfinished
// deprovision is not drift for later observations of the same half-done
// state to repair into off: it stays error until the volume goes (then
// deprovisioned) or the VM comes back. The smoke harness found the
// reconciler flipping it to off two ticks later (a crash mid-deprovision
// on Hyperstack and GCP).
func TestUnfinishedDeprovisionStaysAnError(t *testing.T) {
	p := DefaultPolicy()
	r := settled(StatusError)
	r.Reason = ReasonDeprovisionUnfinished
	r.LastAction, r.ActionAt = ActionDeprovision, t0
	half := obs(VMAbsent, VolumePresent, "")
	at := t0.Add(p.ActionTimeout + time.Hour)
	for i := range p.Confirmations + 2 {
		r.Observe(half, at.Add(time.Duration(i)*time.Minute), p)
		if r.Status != StatusError || r.Reason != ReasonDeprovisionUnfinished {
			t.Fatalf("observation %d of the same half-done deprovision: %s %q, want error %q", i+1, r.Status, r.Reason, ReasonDeprovisionUnfinished)
		}
	}
	for i := range p.Confirmations + 1 {
		r.Observe(obs(VMAbsent, VolumeAbsent, ""), at.Add(time.Hour+time.Duration(i)*time.Minute), p)
	}
	if r.Status != StatusDeprovisioned {
		t.Errorf("the volume gone too: %s, want deprovisioned", r.Status)
	}
	// Another error (a VM that failed) is drift as before.
	r = settled(StatusError)
	r.Reason = "FAILED"
	for i := range p.Confirmations + 1 {
		r.Observe(half, at.Add(time.Duration(i)*time.Minute), p)
	}
	if r.Status != StatusOff {
		t.Errorf("an error of another reason, the VM gone and the volume there: %s, want off", r.Status)
	}
}
