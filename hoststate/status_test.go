package hoststate

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatusRoundTrip(t *testing.T) {
	for _, s := range Statuses() {
		got, err := ParseStatus(" " + s.String() + " ")
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s, got, err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Status
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("JSON round trip of %v: %v, %v", s, back, err)
		}
	}
	if len(Statuses()) != 10 {
		t.Errorf("want the 10 documented statuses, got %d", len(Statuses()))
	}
}

func TestParseRejectsUnknownStrings(t *testing.T) {
	for _, in := range []string{"", "active", "RUNNING!", "offline", "stopped", string(make([]byte, 1000))} {
		if _, err := ParseStatus(in); !errors.Is(err, ErrUnknownStatus) {
			t.Errorf("ParseStatus(%q) err = %v, want ErrUnknownStatus", in, err)
		}
		if _, err := ParseAction(in); !errors.Is(err, ErrUnknownAction) {
			t.Errorf("ParseAction(%q) err = %v, want ErrUnknownAction", in, err)
		}
	}
	s := StatusRunning
	if err := s.UnmarshalText([]byte("bogus")); err == nil || s != StatusRunning {
		t.Errorf("UnmarshalText(bogus) = %v and changed the status to %v", err, s)
	}
	if _, err := Status(200).MarshalText(); !errors.Is(err, ErrUnknownStatus) {
		t.Errorf("MarshalText of an invalid status: %v", err)
	}
	if Status(200).String() != "Status(200)" {
		t.Errorf("String of an invalid status: %q", Status(200).String())
	}
}

func TestActionRoundTrip(t *testing.T) {
	for _, a := range Actions() {
		got, err := ParseAction(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAction(%q) = %v, %v", a, got, err)
		}
	}
	if _, err := ParseAction("none"); !errors.Is(err, ErrUnknownAction) {
		t.Errorf("ParseAction(none) must be refused: it is not a user action")
	}
}

func TestStateRoundTrip(t *testing.T) {
	for _, v := range VMStates() {
		var back VMState
		b, _ := v.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Errorf("VM state %v round trip: %v %v", v, back, err)
		}
	}
	for _, v := range VolumeStates() {
		var back VolumeState
		b, _ := v.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Errorf("volume state %v round trip: %v %v", v, back, err)
		}
	}
	if _, err := ParseVMState("TERMINATED"); !errors.Is(err, ErrUnknownVMState) {
		t.Errorf("raw provider strings are not normalized states: %v", err)
	}
	if _, err := ParseVolumeState("reserved"); !errors.Is(err, ErrUnknownVolumeState) {
		t.Errorf("raw provider strings are not normalized states: %v", err)
	}
}

func TestRecordJSON(t *testing.T) {
	var zero Record
	b, err := json.Marshal(zero)
	if err != nil {
		t.Fatal(err)
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(zero, back); diff != "" {
		t.Errorf("zero record round trip (-want +got):\n%s", diff)
	}
	if back.Status != StatusUnknown {
		t.Errorf("zero record status = %v, want unknown", back.Status)
	}

	full := Record{ID: "h1", Provider: "gcp", Ref: Ref{Project: "p", Zone: "z", Instance: "i", Volume: "d", Labels: map[string]string{"a": "b"}},
		Status: StatusStopping, Since: t0, LastAction: ActionStop, ActionAt: t0, Observed: VMStopping, ObservedVolume: VolumePresent,
		ProviderStatus: "STOPPING", Pending: StatusOff, PendingCount: 1, Version: 7, Address: "203.0.113.1"}
	b, err = json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	back = Record{}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(full, back); diff != "" {
		t.Errorf("record round trip (-want +got):\n%s", diff)
	}

	var r Record
	if err := json.Unmarshal([]byte(`{"status":"sleeping"}`), &r); !errors.Is(err, ErrUnknownStatus) {
		t.Errorf("a stored unknown status must be a typed error, got %v", err)
	}
}
