package hoststate

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func obs(vm VMState, vol VolumeState, addr string) Observation {
	return Observation{VM: vm, Volume: vol, Address: addr, RawVM: vm.String(), RawVolume: vol.String()}
}

// acted returns a record that had action a applied at `at` and is now in
// status s.
func acted(s Status, a Action, at time.Time) Record {
	return Record{ID: "h", Status: s, Since: at, LastAction: a, ActionAt: at}
}

// settled returns a record in status s with no action for a long time.
func settled(s Status) Record {
	return Record{ID: "h", Status: s, Since: t0.Add(-time.Hour), LastAction: ActionStart, ActionAt: t0.Add(-time.Hour), Address: "198.51.100.1"}
}

func TestObserveRules(t *testing.T) {
	p := DefaultPolicy()
	late := t0.Add(p.Grace + time.Second)
	type step struct {
		o      Observation
		at     time.Time
		want   Status
		reason Reason
	}
	tests := []struct {
		name  string
		in    Record
		steps []step
	}{
		{"1 failed probe never changes status", settled(StatusRunning), []step{
			{Observation{Err: errors.New("503")}, t0, StatusRunning, ReasonProbeFailed},
			{Observation{Err: errors.New("503"), VM: VMAbsent, Volume: VolumeAbsent}, t0, StatusRunning, ReasonProbeFailed},
		}},
		{"3 starting + running accepted at once", acted(StatusStarting, ActionStart, t0), []step{
			{obs(VMRunning, VolumePresent, "203.0.113.9"), t0.Add(10 * time.Second), StatusRunning, ReasonReported},
		}},
		{"3 restarting + running accepted at once", acted(StatusRestarting, ActionReboot, t0), []step{
			{obs(VMStarting, VolumePresent, ""), t0.Add(5 * time.Second), StatusRestarting, ReasonInProgress},
			{obs(VMRunning, VolumePresent, "203.0.113.9"), t0.Add(10 * time.Second), StatusRunning, ReasonReported},
		}},
		{"3 reprovisioning + starting at once", acted(StatusReprovisioning, ActionReprovision, t0), []step{
			{obs(VMAbsent, VolumePresent, ""), t0.Add(5 * time.Second), StatusReprovisioning, ReasonInProgress},
			{obs(VMStarting, VolumePresent, ""), t0.Add(10 * time.Second), StatusStarting, ReasonReported},
		}},
		{"3 stopping + stopped needs confirmations, inside grace too", acted(StatusStopping, ActionStop, t0), []step{
			{obs(VMStopping, VolumePresent, ""), t0.Add(5 * time.Second), StatusStopping, ReasonAgrees},
			{obs(VMStopped, VolumePresent, ""), t0.Add(10 * time.Second), StatusStopping, ReasonConfirming},
			{obs(VMStopped, VolumePresent, ""), t0.Add(20 * time.Second), StatusOff, ReasonReported},
		}},
		{"5 a contradiction inside grace breaks a run of confirmations", acted(StatusStopping, ActionStop, t0), []step{
			{obs(VMStopped, VolumePresent, ""), t0.Add(10 * time.Second), StatusStopping, ReasonConfirming},
			{obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(20 * time.Second), StatusStopping, ReasonGrace},
			{obs(VMStopped, VolumePresent, ""), t0.Add(30 * time.Second), StatusStopping, ReasonConfirming},
			{obs(VMStopped, VolumePresent, ""), t0.Add(40 * time.Second), StatusOff, ReasonReported},
		}},
		{"3 absent always needs confirmations", acted(StatusStopping, ActionStop, t0), []step{
			{obs(VMAbsent, VolumePresent, ""), t0.Add(10 * time.Second), StatusStopping, ReasonConfirming},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(20 * time.Second), StatusOff, ReasonReported},
		}},
		{"4 drift needs confirmations", settled(StatusRunning), []step{
			{obs(VMStopped, VolumePresent, ""), t0, StatusRunning, ReasonConfirming},
			{obs(VMStopped, VolumePresent, ""), t0.Add(time.Minute), StatusOff, ReasonDrift},
		}},
		{"4 a different observation resets the count", settled(StatusRunning), []step{
			{obs(VMAbsent, VolumePresent, ""), t0, StatusRunning, ReasonConfirming},
			{obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(time.Minute), StatusRunning, ReasonAgrees},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(2 * time.Minute), StatusRunning, ReasonConfirming},
			{obs(VMStopping, VolumePresent, ""), t0.Add(3 * time.Minute), StatusRunning, ReasonConfirming},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(4 * time.Minute), StatusRunning, ReasonConfirming},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(5 * time.Minute), StatusOff, ReasonDrift},
		}},
		{"5 grace holds contradictions without counting", acted(StatusStopping, ActionStop, t0), []step{
			{obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(30 * time.Second), StatusStopping, ReasonGrace},
			{obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(90 * time.Second), StatusStopping, ReasonGrace},
			{obs(VMRunning, VolumePresent, "198.51.100.1"), late, StatusStopping, ReasonConfirming},
			{obs(VMRunning, VolumePresent, "198.51.100.1"), late.Add(time.Minute), StatusRunning, ReasonDrift},
		}},
		{"5 clock skew before the action stays in grace", acted(StatusStopping, ActionStop, t0), []step{
			{obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(-time.Hour), StatusStopping, ReasonGrace},
		}},
		{"6 absent + volume present → off", settled(StatusStopping), []step{
			{obs(VMAbsent, VolumePresent, ""), t0, StatusStopping, ReasonConfirming},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(time.Minute), StatusOff, ReasonReported},
		}},
		{"6 absent + volume absent → deprovisioned", settled(StatusStopping), []step{
			{obs(VMAbsent, VolumeAbsent, ""), t0, StatusStopping, ReasonConfirming},
			{obs(VMAbsent, VolumeAbsent, ""), t0.Add(time.Minute), StatusDeprovisioned, ReasonReported},
		}},
		{"6 absent + volume transitional or unknown → no change", settled(StatusRunning), []step{
			{obs(VMAbsent, VolumeTransitional, ""), t0, StatusRunning, ReasonVolumeUnsettled},
			{obs(VMAbsent, VolumeUnknown, ""), t0.Add(time.Minute), StatusRunning, ReasonVolumeUnsettled},
			{obs(VMAbsent, VolumeUnknown, ""), t0.Add(2 * time.Minute), StatusRunning, ReasonVolumeUnsettled},
		}},
		{"7 VM stopping is stopping, never off", settled(StatusRunning), []step{
			{obs(VMStopping, VolumePresent, ""), t0, StatusRunning, ReasonConfirming},
			{obs(VMStopping, VolumePresent, ""), t0.Add(time.Minute), StatusStopping, ReasonDrift},
			{obs(VMStopping, VolumePresent, ""), t0.Add(2 * time.Minute), StatusStopping, ReasonAgrees},
		}},
		{"8 running without address stays starting", acted(StatusStarting, ActionStart, t0), []step{
			{obs(VMRunning, VolumePresent, ""), t0.Add(time.Minute), StatusStarting, ReasonAwaitingAddress},
			{obs(VMRunning, VolumePresent, ""), t0.Add(9 * time.Minute), StatusStarting, ReasonAwaitingAddress},
			{obs(VMRunning, VolumePresent, ""), t0.Add(10 * time.Minute), StatusRunning, ReasonNoAddressTimeout},
		}},
		{"8 the address ends the wait", acted(StatusStarting, ActionStart, t0), []step{
			{obs(VMRunning, VolumePresent, ""), t0.Add(time.Minute), StatusStarting, ReasonAwaitingAddress},
			{obs(VMRunning, VolumePresent, "203.0.113.4"), t0.Add(2 * time.Minute), StatusRunning, ReasonReported},
		}},
		{"9 error needs confirmation", acted(StatusStarting, ActionStart, t0), []step{
			{obs(VMError, VolumePresent, ""), t0.Add(time.Minute), StatusStarting, ReasonConfirming},
			{obs(VMError, VolumePresent, ""), t0.Add(2 * time.Minute), StatusError, ReasonReported},
		}},
		{"9 unrecognized raw status changes nothing", settled(StatusRunning), []step{
			{Observation{VM: VMUnknown, RawVM: "MELTING"}, t0, StatusRunning, ReasonUnrecognized},
			{Observation{VM: VMUnknown, RawVM: "MELTING"}, t0.Add(time.Minute), StatusRunning, ReasonUnrecognized},
		}},
		{"11 connector offline → unknown, never off", settled(StatusOff), []step{
			{Observation{VM: VMUnknown, Unreachable: true}, t0, StatusUnknown, ReasonConnectorOffline},
			{Observation{VM: VMUnknown, Unreachable: true}, t0.Add(time.Minute), StatusUnknown, ReasonAgrees},
		}},
		{"11 deprovisioned stays deprovisioned when unreachable", settled(StatusDeprovisioned), []step{
			{Observation{VM: VMUnknown, Unreachable: true}, t0, StatusDeprovisioned, ReasonAgrees},
		}},
		{"first observation of an unknown host", Record{ID: "h"}, []step{
			{obs(VMRunning, VolumePresent, "203.0.113.1"), t0, StatusRunning, ReasonReported},
		}},
		{"first observation off needs confirmations", Record{ID: "h"}, []step{
			{obs(VMStopped, VolumePresent, ""), t0, StatusUnknown, ReasonConfirming},
			{obs(VMStopped, VolumePresent, ""), t0.Add(time.Minute), StatusOff, ReasonReported},
		}},
		{"in-flight start holds a not-yet-created VM", acted(StatusStarting, ActionStart, t0), []step{
			{obs(VMAbsent, VolumePresent, ""), t0.Add(5 * time.Minute), StatusStarting, ReasonInProgress},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(29 * time.Minute), StatusStarting, ReasonInProgress},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(30 * time.Minute), StatusStarting, ReasonConfirming},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(31 * time.Minute), StatusOff, ReasonDrift},
		}},
		{"deprovision: VM goes, then the volume", acted(StatusDeprovisioning, ActionDeprovision, t0), []step{
			{obs(VMStopping, VolumePresent, ""), t0.Add(10 * time.Second), StatusDeprovisioning, ReasonInProgress},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(20 * time.Second), StatusDeprovisioning, ReasonInProgress},
			{obs(VMAbsent, VolumeAbsent, ""), t0.Add(30 * time.Second), StatusDeprovisioning, ReasonConfirming},
			{obs(VMAbsent, VolumeAbsent, ""), t0.Add(40 * time.Second), StatusDeprovisioned, ReasonReported},
		}},
		{"hyperstack stop: VM gone, volume reserved, then available", acted(StatusStopping, ActionStop, t0), []step{
			{obs(VMStopping, VolumePresent, ""), t0.Add(10 * time.Second), StatusStopping, ReasonAgrees},
			{obs(VMAbsent, VolumeTransitional, ""), t0.Add(20 * time.Second), StatusStopping, ReasonVolumeUnsettled},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(30 * time.Second), StatusStopping, ReasonConfirming},
			{obs(VMAbsent, VolumePresent, ""), t0.Add(40 * time.Second), StatusOff, ReasonReported},
		}},
		{"an expired waiter deadline ends the in-flight hold", func() Record {
			r := acted(StatusReprovisioning, ActionReprovision, t0)
			r.Deadline = t0.Add(5 * time.Minute)
			return r
		}(), []step{
			{obs(VMStopped, VolumePresent, ""), t0.Add(4 * time.Minute), StatusReprovisioning, ReasonInProgress},
			{obs(VMStopped, VolumePresent, ""), t0.Add(5 * time.Minute), StatusReprovisioning, ReasonConfirming},
			{obs(VMStopped, VolumePresent, ""), t0.Add(6 * time.Minute), StatusOff, ReasonDrift},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.in
			for i, s := range tt.steps {
				var c Change
				prev := r
				c = r.Observe(s.o, s.at, p)
				if r.Status != s.want || c.Reason != s.reason || c.To != r.Status || c.From != prev.Status {
					t.Fatalf("step %d (%v/%v): got %v (%v, change %+v), want %v (%v)", i, s.o.VM, s.o.Volume, r.Status, c.Reason, c, s.want, s.reason)
				}
				if c.Reason.Held() == c.Changed() && c.Reason.Held() {
					t.Fatalf("step %d: a held change must not change the status", i)
				}
			}
		})
	}
}

func TestObserveRecordsEverySuccessfulProbe(t *testing.T) {
	in := settled(StatusRunning)
	in.ProbeFailures, in.ProbeError = 3, "boom"
	o := Observation{VM: VMStopping, Volume: VolumeTransitional, RawVM: "STOPPING", RawVolume: "reserved"}
	got := in
	got.Observe(o, t0, DefaultPolicy())
	want := in
	want.Observed, want.ObservedVolume, want.ProviderStatus, want.ProviderVolumeStatus = VMStopping, VolumeTransitional, "STOPPING", "reserved"
	want.ObservedAt, want.ProbeFailures, want.ProbeError = t0, 0, ""
	want.Pending, want.PendingCount, want.PendingSince = StatusStopping, 1, t0
	want.NextCheck = in.Since // confirming, and never heard from: due every tick
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	failed := in
	c := failed.Observe(Observation{Err: errors.New("dial tcp: timeout")}, t0, DefaultPolicy())
	want = in
	want.ProbeFailures, want.ProbeError = 4, "dial tcp: timeout"
	want.NextCheck = in.Since // running, never heard from: due every tick
	if diff := cmp.Diff(want, failed); diff != "" || c.Changed() {
		t.Errorf("failed probe (-want +got):\n%s", diff)
	}
}

func TestObserveClearsAddressWhenGone(t *testing.T) {
	r := settled(StatusRunning)
	p := DefaultPolicy()
	r.Observe(obs(VMAbsent, VolumeAbsent, ""), t0, p)
	r.Observe(obs(VMAbsent, VolumeAbsent, ""), t0.Add(time.Minute), p)
	if r.Status != StatusDeprovisioned || r.Address != "" {
		t.Fatalf("got %v with address %q", r.Status, r.Address)
	}
}

func TestObserveCorruptStatusIsUnknown(t *testing.T) {
	r := Record{Status: Status(42)}
	c := r.Observe(obs(VMRunning, VolumePresent, "203.0.113.1"), t0, DefaultPolicy())
	if r.Status != StatusRunning || c.From != StatusUnknown {
		t.Fatalf("got %v %+v", r.Status, c)
	}
}

func TestHeartbeatGating(t *testing.T) {
	for _, s := range Statuses() {
		in := Record{Status: s, LastSeen: t0.Add(-time.Hour)}
		got := in
		ok := got.Heartbeat(t0, DefaultPolicy())
		if ok != (s == StatusRunning) {
			t.Errorf("%v: accepted = %v", s, ok)
		}
		if ok && !got.LastSeen.Equal(t0) {
			t.Errorf("%v: last-seen not set", s)
		}
		if !ok && !cmp.Equal(in, got) {
			t.Errorf("%v: a rejected heartbeat changed the record", s)
		}
	}
}

// TestPartialPolicyKeepsEveryOtherRule: a Policy with only Grace set must
// not clamp Confirmations to 1 or StaleAfter to 0.
func TestPartialPolicyKeepsEveryOtherRule(t *testing.T) {
	for name, p := range map[string]Policy{
		"only grace":         {Grace: time.Minute},
		"only stale after":   {StaleAfter: time.Minute},
		"negative fields":    {Grace: -time.Second, Confirmations: -3, StaleAfter: -time.Second},
		"zero":               {},
		"only confirmations": {Confirmations: 3},
	} {
		t.Run(name, func(t *testing.T) {
			eff := p.WithDefaults()
			if eff.Confirmations < 2 || eff.StaleAfter <= 0 || eff.Grace <= 0 || eff.NoAddressTimeout <= 0 || eff.ActionTimeout <= 0 {
				t.Fatalf("WithDefaults() = %+v: a field fell below its rule", eff)
			}
			r := settled(StatusRunning)
			r.LastSeen = t0
			c := r.Observe(obs(VMStopped, VolumePresent, ""), t0, p)
			if r.Status != StatusRunning {
				t.Fatalf("one TERMINATED observation flipped running to %v (%v)", r.Status, c.Reason)
			}
			if r.Stale(t0.Add(time.Second), p) {
				t.Fatal("a heartbeat one second old counts as stale")
			}
		})
	}
}

// TestOnlyObservedAtDiffers: an agreeing observation changes nothing but
// the time; any other decision is a difference.
func TestOnlyObservedAtDiffers(t *testing.T) {
	r := settled(StatusRunning)
	r.ObservedAt, r.Observed, r.ObservedVolume, r.ProviderStatus, r.ProviderVolumeStatus = t0, VMRunning, VolumePresent, "running", "present"
	r.NextCheck = r.Since // as the last Observe stored it: never heard from, due every tick
	same := r
	same.Observe(obs(VMRunning, VolumePresent, "198.51.100.1"), t0.Add(time.Minute), DefaultPolicy())
	if !OnlyObservedAtDiffers(r, same) || same.ObservedAt.Equal(r.ObservedAt) {
		t.Fatalf("an agreeing observation: %+v", same)
	}
	moved := r
	moved.Observe(obs(VMStopped, VolumePresent, ""), t0.Add(time.Minute), DefaultPolicy())
	if OnlyObservedAtDiffers(r, moved) {
		t.Fatal("a confirming observation counted as no change")
	}
}

// Every field Observe may change counts in OnlyObservedAtDiffers, so a
// field added to Record is never silently dropped by a shell that skips
// "unchanged" writes: changing any field but ObservedAt (and the Provider
// and Ref, which Observe never touches) makes it report a difference.
func TestOnlyObservedAtDiffersSeesEveryField(t *testing.T) {
	base := settled(StatusRunning)
	ignored := map[string]bool{"ObservedAt": true, "Provider": true, "Ref": true}
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		f := typ.Field(i)
		if ignored[f.Name] {
			continue
		}
		changed := base
		v := reflect.ValueOf(&changed).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		case reflect.Int, reflect.Int32, reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Uint8, reflect.Uint32, reflect.Uint64:
			v.SetUint(v.Uint() + 1)
		case reflect.Struct:
			tm, ok := v.Addr().Interface().(*time.Time)
			if !ok {
				t.Fatalf("field %s: a struct the test cannot change", f.Name)
			}
			*tm = tm.Add(time.Second)
		default:
			t.Fatalf("field %s: kind %s the test cannot change", f.Name, v.Kind())
		}
		if OnlyObservedAtDiffers(base, changed) {
			t.Errorf("a change of %s goes unseen", f.Name)
		}
	}
}
