package fakes_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// scenarioStep is one step of a provider scenario: an optional action or
// event, then a clock advance, then what the provider must show. The raw
// statuses are the real providers' strings.
type scenarioStep struct {
	act      action
	wantErr  error
	advance  time.Duration
	vm       string
	vmState  hoststate.VMState
	vol      string
	volState hoststate.VolumeState
	// addr: the VM shows a public address.
	addr bool
}

// action is something a scenario does to a host.
type action struct {
	name string
	do   func(*fakes.Cloud, string, provider.Host) error
}

func providerAction(name string, f func(provider.Provider, provider.Host) (provider.Operation, error)) action {
	return action{name, func(c *fakes.Cloud, kind string, h provider.Host) error {
		_, err := f(c.Provider(kind), h)
		return err
	}}
}

var (
	ctx   = context.Background()
	start = providerAction("Start", func(p provider.Provider, h provider.Host) (provider.Operation, error) {
		return p.Start(ctx, h)
	})
	stop = providerAction("Stop", func(p provider.Provider, h provider.Host) (provider.Operation, error) {
		return p.Stop(ctx, h)
	})
	reboot = providerAction("Reboot", func(p provider.Provider, h provider.Host) (provider.Operation, error) {
		return p.Reboot(ctx, h)
	})
	deprovision = providerAction("Deprovision", func(p provider.Provider, h provider.Host) (provider.Operation, error) {
		return p.Deprovision(ctx, h)
	})
	consoleStart  = action{"ConsoleStart", (*fakes.Cloud).ConsoleStart}
	consoleStop   = action{"ConsoleStop", (*fakes.Cloud).ConsoleStop}
	consoleDelete = action{"ConsoleDelete", (*fakes.Cloud).ConsoleDelete}
	preempt       = action{"Preempt", (*fakes.Cloud).Preempt}
	deleteVolume  = action{"DeleteVolume", (*fakes.Cloud).DeleteVolume}
)

func connectorSays(raw string) action {
	return action{"SetConnectorState " + raw, func(c *fakes.Cloud, _ string, h provider.Host) error {
		return c.SetConnectorState(h, raw)
	}}
}

// runScenario plays steps against one host of kind added running or not.
func runScenario(t *testing.T, kind string, running bool, steps []scenarioStep) {
	t.Helper()
	c, clock := newCloud(t, 1)
	h := addHost(t, c, kind, "host-1", running)
	for i, s := range steps {
		if s.act.do != nil {
			err := s.act.do(c, kind, h)
			if (s.wantErr == nil && err != nil) || !errors.Is(err, s.wantErr) {
				t.Fatalf("step %d: %s: err = %v, want %v", i, s.act.name, err, s.wantErr)
			}
		}
		clock.Advance(s.advance)
		obs := probe(t, c, kind, h)
		got := struct {
			VM, Vol  string
			VMState  hoststate.VMState
			VolState hoststate.VolumeState
			Addr     bool
		}{obs.RawVM, obs.RawVolume, obs.VM, obs.Volume, obs.Address != ""}
		want := struct {
			VM, Vol  string
			VMState  hoststate.VMState
			VolState hoststate.VolumeState
			Addr     bool
		}{s.vm, s.vol, s.vmState, s.volState, s.addr}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("step %d (%s, then +%s): probe (-want +got):\n%s", i, s.act.name, s.advance, diff)
		}
		if diff := cmp.Diff(c.Truth(kind, h).Observation(), obs); diff != "" {
			t.Fatalf("step %d: probe disagrees with the ground truth (-truth +probe):\n%s", i, diff)
		}
	}
}

const (
	running      = hoststate.VMRunning
	starting     = hoststate.VMStarting
	stopping     = hoststate.VMStopping
	stopped      = hoststate.VMStopped
	absent       = hoststate.VMAbsent
	vmUnknown    = hoststate.VMUnknown
	present      = hoststate.VolumePresent
	volAbsent    = hoststate.VolumeAbsent
	volNone      = hoststate.VolumeNone
	transitional = hoststate.VolumeTransitional
)

func TestGCPSemantics(t *testing.T) {
	runScenario(t, fakes.GCP, true, []scenarioStep{
		{vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: stop, vm: "STOPPING", vmState: stopping, vol: "READY", volState: present},
		{advance: 29 * time.Second, vm: "STOPPING", vmState: stopping, vol: "READY", volState: present},
		{advance: time.Second, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{act: stop, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{act: reboot, wantErr: provider.ErrConflict, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{act: start, vm: "PROVISIONING", vmState: starting, vol: "READY", volState: present},
		{advance: 22500 * time.Millisecond, vm: "STAGING", vmState: starting, vol: "READY", volState: present},
		{advance: 22500 * time.Millisecond, vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: reboot, advance: 10 * time.Second, vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: consoleStop, vm: "STOPPING", vmState: stopping, vol: "READY", volState: present},
		{act: start, wantErr: provider.ErrConflict, advance: 30 * time.Second, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{act: consoleStart, advance: 45 * time.Second, vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: preempt, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{act: preempt, wantErr: provider.ErrConflict, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{act: deprovision, advance: 59 * time.Second, vm: "TERMINATED", vmState: stopped, vol: "READY", volState: present},
		{advance: time.Second, vm: "", vmState: absent, vol: "DELETING", volState: transitional},
		{advance: 30 * time.Second, vm: "", vmState: absent, vol: "", volState: volAbsent},
		{act: start, wantErr: provider.ErrNotFound, vmState: absent, volState: volAbsent},
		{act: deprovision, wantErr: provider.ErrNotFound, vmState: absent, volState: volAbsent},
	})
}

func TestGCPConsoleDeleteKeepsDisk(t *testing.T) {
	runScenario(t, fakes.GCP, true, []scenarioStep{
		{act: consoleDelete, vm: "STOPPING", vmState: stopping, vol: "READY", volState: present},
		{advance: time.Minute, vm: "", vmState: absent, vol: "READY", volState: present},
		{act: deleteVolume, vm: "", vmState: absent, vol: "", volState: volAbsent},
		{act: deleteVolume, wantErr: provider.ErrNotFound, vm: "", vmState: absent, vol: "", volState: volAbsent},
	})
}

func TestNebiusSemantics(t *testing.T) {
	runScenario(t, fakes.Nebius, true, []scenarioStep{
		{vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: stop, vm: "STOPPING", vmState: stopping, vol: "READY", volState: present},
		{advance: 30 * time.Second, vm: "STOPPED", vmState: stopped, vol: "READY", volState: present},
		{act: start, vm: "STARTING", vmState: starting, vol: "READY", volState: present},
		{advance: 45 * time.Second, vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: preempt, vm: "STOPPED", vmState: stopped, vol: "READY", volState: present},
		{act: start, advance: 45 * time.Second, vm: "RUNNING", vmState: running, vol: "READY", volState: present, addr: true},
		{act: consoleDelete, vm: "DELETING", vmState: stopping, vol: "READY", volState: present},
		{advance: time.Minute, vm: "", vmState: absent, vol: "READY", volState: present},
		{act: start, wantErr: provider.ErrNotFound, vmState: absent, vol: "READY", volState: present},
		{act: deprovision, vmState: absent, vol: "DELETING", volState: transitional},
		{advance: 30 * time.Second, vmState: absent, volState: volAbsent},
	})
}

func TestNebiusDeprovisionRunning(t *testing.T) {
	runScenario(t, fakes.Nebius, true, []scenarioStep{
		{act: deprovision, vm: "DELETING", vmState: stopping, vol: "READY", volState: present},
		{advance: time.Minute, vm: "", vmState: absent, vol: "DELETING", volState: transitional},
		{advance: 30 * time.Second, vmState: absent, volState: volAbsent},
	})
}

func TestNebiusCannotReboot(t *testing.T) {
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.Nebius, "host-1", true)
	if err := c.Provider(fakes.Nebius).Supports(h, hoststate.ActionReboot); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("the nebius fake supports reboot (%v); the API has no reboot", err)
	}
	if _, err := c.Act(ctx, fakes.Nebius, h.Instance, fakes.RawReboot); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("Act(RawReboot) = %v, want ErrUnsupported", err)
	}
}

func TestHyperstackSemantics(t *testing.T) {
	runScenario(t, fakes.Hyperstack, true, []scenarioStep{
		{vm: "ACTIVE", vmState: running, vol: "in-use", volState: present, addr: true},
		{act: stop, vm: "STOPPING", vmState: stopping, vol: "in-use", volState: present},
		{act: start, wantErr: provider.ErrConflict, advance: 15 * time.Second, vm: "DELETING", vmState: stopping, vol: "reserved", volState: transitional},
		{act: start, wantErr: provider.ErrConflict, advance: 15 * time.Second, vm: "", vmState: absent, vol: "reserved", volState: transitional},
		{act: start, wantErr: provider.ErrConflict, advance: 20 * time.Second, vm: "", vmState: absent, vol: "available", volState: present},
		{act: start, vm: "CREATING", vmState: starting, vol: "attaching", volState: transitional},
		{advance: 45 * time.Second, vm: "BUILD", vmState: starting, vol: "attaching", volState: transitional},
		{advance: 45 * time.Second, vm: "ACTIVE", vmState: running, vol: "in-use", volState: present, addr: true},
		{act: reboot, vm: "HARD_REBOOT", vmState: starting, vol: "in-use", volState: present},
		{advance: 30 * time.Second, vm: "ACTIVE", vmState: running, vol: "in-use", volState: present, addr: true},
		{act: preempt, wantErr: provider.ErrUnsupported, vm: "ACTIVE", vmState: running, vol: "in-use", volState: present, addr: true},
		// Deprovision deletes the VM as a stop does; the volume goes only
		// once it is detached (Hyperstack refuses to delete it before).
		{act: deprovision, vm: "STOPPING", vmState: stopping, vol: "in-use", volState: present},
		{advance: 15 * time.Second, vm: "DELETING", vmState: stopping, vol: "reserved", volState: transitional},
		{advance: 15 * time.Second, vm: "", vmState: absent, vol: "reserved", volState: transitional},
		{advance: 20 * time.Second, vm: "", vmState: absent, vol: "deleting", volState: transitional},
		{advance: 30 * time.Second, vm: "", vmState: absent, vol: "", volState: volAbsent},
		{act: start, wantErr: provider.ErrNotFound, vmState: absent, volState: volAbsent},
		{act: stop, wantErr: provider.ErrNotFound, vmState: absent, volState: volAbsent},
	})
}

func TestHyperstackAddedStoppedHasOnlyAVolume(t *testing.T) {
	runScenario(t, fakes.Hyperstack, false, []scenarioStep{
		{vm: "", vmState: absent, vol: "available", volState: present},
		{act: stop, wantErr: provider.ErrNotFound, vm: "", vmState: absent, vol: "available", volState: present},
		{act: start, advance: 90 * time.Second, vm: "ACTIVE", vmState: running, vol: "in-use", volState: present, addr: true},
	})
}

func TestLambdaSemantics(t *testing.T) {
	runScenario(t, fakes.Lambda, true, []scenarioStep{
		{vm: "active", vmState: running, volState: volNone, addr: true},
		{act: stop, wantErr: provider.ErrUnsupported, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: consoleStop, wantErr: provider.ErrUnsupported, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: reboot, vm: "booting", vmState: starting, volState: volNone},
		{advance: 30 * time.Second, vm: "active", vmState: running, volState: volNone, addr: true},
		// A start launches a new instance (for a host referenced by
		// name): refused while one runs.
		{act: start, wantErr: provider.ErrConflict, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: consoleStart, wantErr: provider.ErrConflict, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: deleteVolume, wantErr: provider.ErrUnsupported, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: deprovision, vm: "terminating", vmState: stopping, volState: volNone},
		{advance: time.Minute, vm: "terminated", vmState: absent, volState: volNone},
		{advance: 5 * time.Minute, vm: "", vmState: absent, volState: volNone},
		{act: consoleStart, vm: "booting", vmState: starting, volState: volNone},
		{advance: 90 * time.Second, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: preempt, vm: "preempted", vmState: absent, volState: volNone},
		{act: deprovision, wantErr: provider.ErrNotFound, advance: 5 * time.Minute, vm: "", vmState: absent, volState: volNone},
	})
}

func TestLambdaRelaunchReplacesTerminated(t *testing.T) {
	runScenario(t, fakes.Lambda, false, []scenarioStep{
		{vm: "", vmState: absent, volState: volNone},
		{act: consoleStart, advance: 90 * time.Second, vm: "active", vmState: running, volState: volNone, addr: true},
		{act: consoleDelete, advance: time.Minute, vm: "terminated", vmState: absent, volState: volNone},
		{act: consoleStart, vm: "booting", vmState: starting, volState: volNone},
	})
}

func TestSelfHostSemantics(t *testing.T) {
	runScenario(t, fakes.SelfHost, true, []scenarioStep{
		{vm: "running", vmState: running, volState: volNone, addr: true},
		{act: stop, vm: "stopping", vmState: stopping, volState: volNone},
		{advance: 30 * time.Second, vm: "stopped", vmState: stopped, volState: volNone},
		{act: start, vm: "starting", vmState: starting, volState: volNone},
		{advance: 45 * time.Second, vm: "running", vmState: running, volState: volNone, addr: true},
		// A connector neither restarts nor deletes VMs.
		{act: reboot, wantErr: provider.ErrUnsupported, vm: "running", vmState: running, volState: volNone, addr: true},
		{act: deprovision, wantErr: provider.ErrUnsupported, vm: "running", vmState: running, volState: volNone, addr: true},
		{act: connectorSays("off"), vm: "off", vmState: stopped, volState: volNone},
		{act: connectorSays("paused"), vm: "paused", vmState: vmUnknown, volState: volNone},
		{act: start, wantErr: provider.ErrConflict, vm: "paused", vmState: vmUnknown, volState: volNone},
		{act: connectorSays("NOT_FOUND"), vm: "not_found", vmState: absent, volState: volNone},
		{act: start, wantErr: provider.ErrNotFound, vm: "not_found", vmState: absent, volState: volNone},
		{act: connectorSays("running"), vm: "running", vmState: running, volState: volNone, addr: true},
		{act: preempt, wantErr: provider.ErrUnsupported, vm: "running", vmState: running, volState: volNone, addr: true},
		{act: consoleDelete, vm: "stopping", vmState: stopping, volState: volNone},
		{advance: time.Minute, vm: "not_found", vmState: absent, volState: volNone},
	})
}

func TestSelfHostConnectorOffline(t *testing.T) {
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.SelfHost, "host-1", true)
	if err := c.SetConnectorOnline(h, false); err != nil {
		t.Fatal(err)
	}
	obs := probe(t, c, fakes.SelfHost, h)
	want := hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown, Unreachable: true}
	if diff := cmp.Diff(want, obs); diff != "" {
		t.Errorf("probe with the connector offline (-want +got):\n%s", diff)
	}
	if _, err := c.Provider(fakes.SelfHost).Stop(ctx, h); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("Stop with the connector offline = %v, want ErrUnavailable", err)
	}
	tr := c.Truth(fakes.SelfHost, h)
	if tr.VM != hoststate.VMRunning || tr.ConnectorOnline {
		t.Errorf("truth = %+v: the VM keeps running behind an offline connector", tr)
	}
	if _, ok := c.Provider(fakes.SelfHost).(provider.Lister); ok {
		t.Error("the self-host fake lists; the adapter does not (a listing would call unreported VMs gone)")
	}
	if err := c.SetConnectorOnline(h, true); err != nil {
		t.Fatal(err)
	}
	if obs := probe(t, c, fakes.SelfHost, h); obs.Unreachable || obs.VM != hoststate.VMRunning {
		t.Errorf("probe after reconnecting = %+v", obs)
	}
	if err := c.SetConnectorOnline(hostFor(fakes.SelfHost, "nope"), false); !errors.Is(err, fakes.ErrUnknownHost) {
		t.Errorf("SetConnectorOnline(unknown host) = %v, want ErrUnknownHost", err)
	}
}

func TestSetVMStatus(t *testing.T) {
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.GCP, "host-1", true)
	for _, tc := range []struct {
		raw  string
		want hoststate.VMState
		err  error
	}{
		{"REPAIRING", hoststate.VMStarting, nil},
		{" running ", hoststate.VMRunning, nil},
		{"WHATEVER", hoststate.VMUnknown, nil},
		{"", hoststate.VMUnknown, fakes.ErrInvalidStatus},
		{string(make([]byte, 257)), hoststate.VMUnknown, fakes.ErrInvalidStatus},
	} {
		err := c.SetVMStatus(fakes.GCP, h, tc.raw)
		if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("SetVMStatus(%.10q) = %v, want %v", tc.raw, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		if obs := probe(t, c, fakes.GCP, h); obs.VM != tc.want || obs.RawVM != tc.raw {
			t.Errorf("after SetVMStatus(%q): probe %s %q, want %s", tc.raw, obs.VM, obs.RawVM, tc.want)
		}
	}
	if err := c.SetVMStatus("aws", h, "RUNNING"); !errors.Is(err, fakes.ErrUnknownKind) {
		t.Errorf("SetVMStatus(unknown kind) = %v, want ErrUnknownKind", err)
	}
}

func TestOperationWaitsOnTheClock(t *testing.T) {
	for _, kind := range []string{fakes.GCP, fakes.Nebius} {
		t.Run(kind, func(t *testing.T) {
			c, clock := newCloud(t, 1)
			h := addHost(t, c, kind, "host-1", true)
			op, err := c.Provider(kind).Stop(ctx, h)
			if err != nil || op == nil {
				t.Fatalf("Stop = %v, %v; want an operation", op, err)
			}
			if op.Name() == "" {
				t.Error("operation without a name")
			}
			done := waitAsync(t, clock, op, 1)
			clock.Advance(29 * time.Second)
			select {
			case err := <-done:
				t.Fatalf("Wait returned %v before the operation was done", err)
			default:
			}
			if d, _, ok := c.Operation(kind, op.Name()); d || !ok {
				t.Errorf("Operation after 29s: done=%v ok=%v, want pending", d, ok)
			}
			clock.Advance(time.Second)
			if err := <-done; err != nil {
				t.Errorf("Wait = %v", err)
			}
			if tr := c.Truth(kind, h); tr.VM != hoststate.VMStopped {
				t.Errorf("after the operation: truth VM %s, want stopped", tr.VM)
			}
			if d, opErr, ok := c.Operation(kind, op.Name()); !d || opErr != nil || !ok {
				t.Errorf("Operation when done = %v, %v, %v", d, opErr, ok)
			}
			if _, _, ok := c.Operation(fakes.Lambda, op.Name()); ok {
				t.Error("Operation found another kind's operation")
			}
		})
	}
}

func TestOperationWaitHonoursContext(t *testing.T) {
	c, clock := newCloud(t, 1)
	h := addHost(t, c, fakes.GCP, "host-1", false)
	op, err := c.Provider(fakes.GCP).Start(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- op.Wait(wctx) }()
	tctx, tcancel := context.WithTimeout(ctx, 10*time.Second)
	defer tcancel()
	if err := clock.WaitForTimers(tctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Wait after cancel = %v, want context.Canceled", err)
	}
	if n := clock.Timers(); n != 0 {
		t.Errorf("Wait left %d timers pending after cancel", n)
	}
}

func TestNonNativeKindsReturnNoOperation(t *testing.T) {
	for _, kind := range []string{fakes.Hyperstack, fakes.Lambda} {
		c, _ := newCloud(t, 1)
		h := addHost(t, c, kind, "host-1", true)
		op, err := c.Provider(kind).Reboot(ctx, h)
		if err != nil || op != nil {
			t.Errorf("%s Reboot = %v, %v; want nil operation and no error", kind, op, err)
		}
	}
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.SelfHost, "host-1", true)
	if op, err := c.Provider(fakes.SelfHost).Stop(ctx, h); err != nil || op != nil {
		t.Errorf("selfhost Stop = %v, %v; want nil operation and no error", op, err)
	}
}

// TestDeprovisionWaitsForTheVolume: where a host has a data volume, a
// deprovision returns an Operation that ends once the volume is gone,
// which is deleted only after the VM, as the adapters do.
func TestDeprovisionWaitsForTheVolume(t *testing.T) {
	for _, kind := range []string{fakes.GCP, fakes.Nebius, fakes.Hyperstack} {
		c, clock := newCloud(t, 1)
		h := addHost(t, c, kind, "host-1", true)
		op, err := c.Provider(kind).Deprovision(ctx, h)
		if err != nil || op == nil {
			t.Fatalf("%s Deprovision = %v, %v; want an operation", kind, op, err)
		}
		done := waitAsync(t, clock, op, 1)
		for step := 0; ; step++ {
			tr := c.Truth(kind, h)
			if tr.VMExists && (!tr.VolumeExists || strings.EqualFold(tr.RawVolume, "deleting")) {
				t.Fatalf("%s: the volume goes before the VM: %+v", kind, tr)
			}
			if !tr.VMExists && !tr.VolumeExists {
				break
			}
			if step > 600 {
				t.Fatalf("%s: the deprovision never ended: %+v", kind, tr)
			}
			clock.Advance(time.Second)
		}
		if err := <-done; err != nil {
			t.Fatalf("%s: Wait = %v", kind, err)
		}
	}
}

func TestCapabilities(t *testing.T) {
	c, _ := newCloud(t, 1)
	want := map[string]provider.Capabilities{
		fakes.GCP:        {SeparateVolume: true, NativeWait: true},
		fakes.Nebius:     {SeparateVolume: true, NativeWait: true},
		fakes.Hyperstack: {StopDeletesVM: true, SeparateVolume: true},
		fakes.Lambda:     {},
		fakes.SelfHost:   {PushReports: true},
	}
	for _, kind := range fakes.Kinds() {
		p := c.Provider(kind)
		if p.Name() != kind {
			t.Errorf("Provider(%q).Name() = %q", kind, p.Name())
		}
		if diff := cmp.Diff(want[kind], p.Capabilities()); diff != "" {
			t.Errorf("%s capabilities (-want +got):\n%s", kind, diff)
		}
	}
	if p := c.Provider("aws"); p != nil {
		t.Errorf("Provider(unknown) = %v, want nil", p)
	}
}
