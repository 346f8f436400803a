package hoststate

import (
	"encoding/json"
	"testing"
	"time"
)

// TestHostViewJSON: the wire form names every enum and flag, carries the
// action in flight with its deadline, and an empty Offered is [] not null.
func TestHostViewJSON(t *testing.T) {
	r := Record{ID: "h1", Status: StatusRunning, Since: t0, LastSeen: t0.Add(-10 * time.Minute), Address: "203.0.113.4",
		Observed: VMRunning, ProviderStatus: "RUNNING", ObservedAt: t0, PendingCount: 1, Pending: StatusOff}
	v := View(r, t0, DefaultPolicy())
	v.Offered = []Action{}
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"h1","status":"running","offered":[],"since":"2026-11-21T12:00:00Z","observed":"running","provider_status":"RUNNING","observed_at":"2026-11-21T12:00:00Z","liveness":"host offline","label":"running / host offline","flags":["stale","bootstrap pending","confirming"],"last_seen":"2026-11-21T11:50:00Z","address":"203.0.113.4"}`
	if string(got) != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
	stopping := r
	if err := stopping.Apply(ActionStop, t0); err != nil {
		t.Fatal(err)
	}
	stopping.Deadline = t0.Add(15 * time.Minute)
	got, _ = json.Marshal(View(stopping, t0, DefaultPolicy()))
	want = `{"id":"h1","status":"stopping","action":"stop","deadline":"2026-11-21T12:15:00Z","offered":null,"since":"2026-11-21T12:00:00Z","observed":"running","provider_status":"RUNNING","observed_at":"2026-11-21T12:00:00Z","label":"stopping","flags":[],"last_seen":"2026-11-21T11:50:00Z","address":"203.0.113.4"}`
	if string(got) != want {
		t.Errorf("JSON in flight:\n got %s\nwant %s", got, want)
	}
}

// TestHostViewRoundTrips: a Go client decodes what the wire carries.
func TestHostViewRoundTrips(t *testing.T) {
	r := Record{ID: "h1", Status: StatusRunning, Since: t0, LastSeen: t0.Add(-10 * time.Minute), PendingCount: 1, Pending: StatusOff, ProviderDisagrees: true}
	v := View(r, t0, DefaultPolicy())
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back HostView
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Flags != v.Flags || back.Liveness != v.Liveness || back.Status != v.Status || back.ID != v.ID {
		t.Fatalf("round trip: %+v, want %+v", back, v)
	}
	var f Flags
	if err := json.Unmarshal([]byte(`["nonsense"]`), &f); err == nil {
		t.Fatal("an unknown flag decoded")
	}
}
