package hyperstack_test

import (
	"context"
	"errors"
	"testing"
	"time"

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

func TestDeprovision(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	ctx := context.Background()
	// The VM's delete starts; the volume is still held: conflict.
	if _, err := e.p.Deprovision(ctx, e.host); !errors.Is(err, provider.ErrConflict) {
		t.Fatalf("first Deprovision: error = %v, want ErrConflict", err)
	}
	e.clock.Advance(2 * time.Minute)
	if _, err := e.p.Deprovision(ctx, e.host); err != nil {
		t.Fatalf("second Deprovision: %v", err)
	}
	e.clock.Advance(2 * time.Minute)
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumeAbsent {
		t.Fatalf("after deprovision: %v/%v", obs.VM, obs.Volume)
	}
	if _, err := e.p.Deprovision(ctx, e.host); !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("third Deprovision: error = %v, want ErrNotFound", err)
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
