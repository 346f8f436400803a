package hyperstack_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
)

// probe probes and fails the test on error.
func (e *env) probe(t *testing.T) hoststate.Observation {
	t.Helper()
	obs, err := e.p.Probe(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestStopStartRace(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	ctx := context.Background()
	if op, err := e.p.Stop(ctx, e.host); err != nil || op != nil {
		t.Fatalf("Stop = %v, %v; want nil, nil", op, err)
	}
	if obs := e.probe(t); obs.RawVM != "STOPPING" {
		t.Fatalf("after Stop: VM %s, want STOPPING", obs.RawVM)
	}
	// The old VM still exists: Start is refused before any change.
	if _, err := e.p.Start(ctx, e.host); !errors.Is(err, provider.ErrConflict) {
		t.Fatalf("Start while the old VM stops: error = %v, want ErrConflict", err)
	}
	// VM gone, volume still reserved (detaching): still a conflict.
	e.clock.Advance(30 * time.Second)
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.RawVolume != "reserved" {
		t.Fatalf("after the delete: %v/%s, want absent/reserved", obs.VM, obs.RawVolume)
	}
	if _, err := e.p.Start(ctx, e.host); !errors.Is(err, provider.ErrConflict) {
		t.Fatalf("Start while the volume is reserved: error = %v, want ErrConflict", err)
	}
	e.clock.Advance(20 * time.Second)
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumePresent {
		t.Fatalf("stopped host: %v/%v, want absent/present (off)", obs.VM, obs.Volume)
	}
	if op, err := e.p.Start(ctx, e.host); err != nil || op != nil {
		t.Fatalf("Start = %v, %v; want nil, nil", op, err)
	}
	if obs := e.probe(t); obs.RawVM != "CREATING" {
		t.Fatalf("after Start: VM %s, want CREATING", obs.RawVM)
	}
	e.clock.Advance(90 * time.Second)
	if obs := e.probe(t); obs.VM != hoststate.VMRunning || obs.RawVolume != "in-use" || obs.Address == "" {
		t.Fatalf("started host: %+v", obs)
	}
	// Starting a running host is a no-op: no create call.
	e.cloud.ResetCalls()
	if op, err := e.p.Start(ctx, e.host); err != nil || op != nil {
		t.Fatalf("Start of a running host = %v, %v", op, err)
	}
	if n := e.cloud.Calls(fakes.Hyperstack)["virtual-machines.create"]; n != 0 {
		t.Errorf("Start of a running host sent %d creates", n)
	}
}

func TestServerConflictIsErrConflict(t *testing.T) {
	// The adapter's own checks pass (no VM listed, volume available) but
	// Hyperstack still refuses: its 409 is ErrConflict too.
	e := newEnv(t, fakes.Durations{}, nil)
	off := provider.Host{Instance: "host-2", Volume: "1002"}
	if err := e.srv.AddHost(off, false); err != nil {
		t.Fatal(err)
	}
	e.srv.InjectHTTPFault(emulatorsConflict())
	if _, err := e.p.Start(context.Background(), off); !errors.Is(err, provider.ErrConflict) {
		t.Fatalf("Start answered 409: error = %v, want ErrConflict", err)
	}
}

func TestStartWithoutLaunch(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, func(c *hyperstack.Config) { c.Launch = nil })
	off := provider.Host{Instance: "host-2", Volume: "1002"}
	if err := e.srv.AddHost(off, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Start(context.Background(), off); !errors.Is(err, provider.ErrUnsupported) {
		t.Fatalf("Start without Launch: error = %v, want ErrUnsupported", err)
	}
}

func TestStartStates(t *testing.T) {
	tests := []struct {
		raw  string
		want error
	}{
		{"ERROR", provider.ErrConflict},
		{"DELETING", provider.ErrConflict},
		{"HIBERNATING", provider.ErrConflict},
		{"SOMETHING_NEW", provider.ErrConflict},
		{"BUILD", nil},
		{"REBOOTING", nil},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{}, nil)
			if err := e.cloud.SetVMStatus(fakes.Hyperstack, e.host, tt.raw); err != nil {
				t.Fatal(err)
			}
			if _, err := e.p.Start(context.Background(), e.host); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Start with the VM %s: error = %v, want %v", tt.raw, err, tt.want)
			}
		})
	}
}

func TestStartStoppedVMUsesItsOwnAction(t *testing.T) {
	// A SHUTOFF or HIBERNATED VM is started in place. The simulated cloud
	// has no such VMs of its own making, so it refuses, and the adapter's
	// call shows in the counts.
	for raw, method := range map[string]string{"SHUTOFF": "virtual-machines.start", "HIBERNATED": "virtual-machines.hibernate-restore"} {
		e := newEnv(t, fakes.Durations{}, nil)
		if err := e.cloud.SetVMStatus(fakes.Hyperstack, e.host, raw); err != nil {
			t.Fatal(err)
		}
		e.cloud.ResetCalls()
		_, _ = e.p.Start(context.Background(), e.host)
		if e.cloud.Calls(fakes.Hyperstack)[method] != 1 {
			t.Errorf("Start of a %s VM: calls %v, want one %s", raw, e.cloud.Calls(fakes.Hyperstack), method)
		}
	}
}

func TestReboot(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	if _, err := e.p.Reboot(context.Background(), e.host); err != nil {
		t.Fatal(err)
	}
	if obs := e.probe(t); obs.RawVM != "HARD_REBOOT" {
		t.Errorf("after Reboot: %s, want HARD_REBOOT", obs.RawVM)
	}
	missing := provider.Host{Instance: "host-never", Volume: "9999"}
	if _, err := e.p.Reboot(context.Background(), missing); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Reboot of a missing VM: %v, want ErrNotFound", err)
	}
	if _, err := e.p.Stop(context.Background(), missing); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Stop of a missing VM: %v, want ErrNotFound", err)
	}
}

// waitOp runs op.Wait and moves the fake clock a second each time Wait
// sleeps on it, until Wait returns.
func waitOp(t *testing.T, clock *clocktest.Clock, op provider.Operation) error {
	t.Helper()
	ctx := context.Background()
	err, derr := clocktest.Drive(ctx, clock, 1, time.Second, 10_000*time.Second, func() error { return op.Wait(ctx) })
	if derr != nil {
		t.Fatal(derr)
	}
	return err
}

// TestDeprovision: the VM goes first; Hyperstack refuses to delete the
// volume while it is attached (its 400), so the operation retries until
// the VM is gone and the volume detached, and only then deletes it.
func TestDeprovision(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	ctx := context.Background()
	op, err := e.p.Deprovision(ctx, e.host)
	if err != nil || op == nil {
		t.Fatalf("Deprovision = %v, %v; want an operation", op, err)
	}
	if obs := e.probe(t); obs.VM != hoststate.VMStopping || obs.Volume != hoststate.VolumePresent {
		t.Fatalf("right after Deprovision: %v/%v, want the VM going and the volume kept", obs.VM, obs.Volume)
	}
	if err := waitOp(t, e.clock, op); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if n := e.cloud.Calls(fakes.Hyperstack)["volumes.delete"]; n < 2 {
		t.Errorf("%d volume deletes: the first, while attached, must have been refused and retried", n)
	}
	if tr := e.cloud.Truth(fakes.Hyperstack, e.host); tr.VMExists || tr.RawVolume != "deleting" {
		t.Fatalf("after Wait: %+v, want the VM gone and the volume deleting", tr)
	}
	e.clock.Advance(time.Minute)
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumeAbsent {
		t.Fatalf("after deprovision: %v/%v", obs.VM, obs.Volume)
	}
	if _, err := e.p.Deprovision(ctx, e.host); !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("Deprovision of nothing: error = %v, want ErrNotFound", err)
	}
}

// TestDeprovisionRetriesAVMStillBeingCreated: Hyperstack refuses to delete
// a VM it is still creating; the operation sends the delete again.
func TestDeprovisionRetriesAVMStillBeingCreated(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 400, Method: "DELETE", Path: "/core/virtual-machines/", Count: 1,
		Body: `{"status":false,"message":"Virtual machine host-1 is currently being created and cannot be deleted yet","error_reason":"bad_request"}`})
	op, err := e.p.Deprovision(context.Background(), e.host)
	if err != nil {
		t.Fatalf("Deprovision: %v", err)
	}
	if err := waitOp(t, e.clock, op); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if n := e.cloud.Calls(fakes.Hyperstack)["virtual-machines.delete"]; n != 1 {
		t.Errorf("%d VM deletes reached the cloud, want 1 (the refused one is the fault's)", n)
	}
	e.clock.Advance(time.Minute)
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumeAbsent {
		t.Fatalf("after deprovision: %v/%v", obs.VM, obs.Volume)
	}
}

// TestDeprovisionDefinitiveRefusal: a refusal that waiting cannot cure
// (here 403) ends the operation at once with that error.
func TestDeprovisionDefinitiveRefusal(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 403, Method: "DELETE", Path: "/core/volumes/",
		Body: `{"status":false,"message":"You are not allowed to delete this volume","error_reason":"forbidden"}`})
	op, err := e.p.Deprovision(context.Background(), e.host)
	if err != nil {
		t.Fatalf("Deprovision: %v", err)
	}
	err = waitOp(t, e.clock, op)
	var api *hyperstack.APIError
	if err == nil || provider.Transient(err) || errors.Is(err, provider.ErrConflict) || !errors.As(err, &api) || api.HTTPStatus != 403 {
		t.Fatalf("Wait = %v, want the definitive 403", err)
	}
}

// TestStateRefusalsAreConflicts: Hyperstack answers state preconditions
// with 400 bad_request; those are retryable conflicts (ErrConflict and
// ErrRetryableConflict, transient: a waiter resends within the action's
// deadline), other 400s stay plain, definitive refusals.
func TestStateRefusalsAreConflicts(t *testing.T) {
	for _, tt := range []struct {
		body     string
		conflict bool
	}{
		{`{"status":false,"message":"The Volume is currently attached to vm 7. Please detach it","error_reason":"bad_request"}`, true},
		{`{"status":false,"message":"VM is currently being created and cannot be deleted yet","error_reason":"bad_request"}`, true},
		{`{"status":false,"message":"The name host-1 is not available","error_reason":"bad_request"}`, true},
		{`{"status":false,"message":"Invalid flavor_name","error_reason":"bad_request"}`, false},
	} {
		e := newEnv(t, fakes.Durations{}, nil)
		e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 400, Method: "GET", Path: "/hard-reboot", Body: tt.body})
		_, err := e.p.Reboot(context.Background(), e.host)
		var api *hyperstack.APIError
		if err == nil || errors.Is(err, provider.ErrConflict) != tt.conflict || errors.Is(err, provider.ErrRetryableConflict) != tt.conflict ||
			provider.Transient(err) != tt.conflict || !errors.As(err, &api) || api.Message == "" {
			t.Errorf("400 %s: err = %v, want a retryable conflict %v, with the message", tt.body, err, tt.conflict)
		}
	}
}

func TestCapabilities(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	want := provider.Capabilities{StopDeletesVM: true, SeparateVolume: true}
	if got := e.p.Capabilities(); got != want || e.p.Name() != "hyperstack" {
		t.Errorf("Capabilities = %+v, Name = %q", got, e.p.Name())
	}
}

// emulatorsConflict answers the create with Hyperstack's 409.
func emulatorsConflict() emulators.Fault {
	return emulators.Fault{Kind: emulators.FaultStatus, Status: 409, Method: "POST", Path: "/core/virtual-machines",
		Body: `{"status":false,"message":"volume is attached to another VM","error_reason":"conflict"}`}
}
