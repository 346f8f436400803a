package lambda_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/lambda"
)

// spec is the launch spec of these tests.
var spec = provider.LaunchSpec{Region: "us-east-1", Flavor: "gpu_1x_a10", SSHKeys: []string{"default"}, FileSystems: []string{"shared"}}

// TestStartLaunchesByName: a host referenced by name is launched from its
// spec (a new instance id), probed through the listing, rebooted and
// terminated by the id of its live instance.
func TestStartLaunchesByName(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), func(c *lambda.Config) { c.LaunchSpec = provider.FixedLaunch(spec) })
	ctx := context.Background()
	host := provider.Host{Region: "us-east-1", Instance: "host-7"}
	if err := e.p.Supports(host, hoststate.ActionStart); err != nil {
		t.Fatalf("Supports(start) of a named host: %v", err)
	}
	if err := e.p.Supports(e.host, hoststate.ActionStart); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("Supports(start) of a host referenced by id: %v, want ErrUnsupported", err)
	}
	if obs, err := e.p.Probe(ctx, host); err != nil || obs.VM != hoststate.VMAbsent {
		t.Fatalf("before the launch: %+v %v", obs, err)
	}
	if _, err := e.p.Start(ctx, host); err != nil {
		t.Fatal(err)
	}
	obs, err := e.p.Probe(ctx, host)
	if err != nil || obs.VM != hoststate.VMStarting || obs.VMID == "" || obs.VMID == host.Instance {
		t.Fatalf("after the launch: %+v %v; want booting with a new instance id", obs, err)
	}
	first := obs.VMID
	if _, err := e.p.Start(ctx, host); err != nil {
		t.Errorf("a start of a booting instance: %v, want nothing to do", err)
	}
	if n := e.cloud.Calls(fakes.Lambda)["instance-operations.launch"]; n != 1 {
		t.Errorf("%d launches, want 1", n)
	}
	e.clock.Advance(2 * time.Minute)
	if _, err := e.p.Deprovision(ctx, host); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Start(ctx, host); !errors.Is(err, provider.ErrRetryableConflict) || !provider.Transient(err) {
		t.Errorf("a start while the old instance terminates: %v, want a retryable conflict", err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.p.Start(ctx, host); err != nil {
		t.Fatal(err)
	}
	if obs, err := e.p.Probe(ctx, host); err != nil || obs.VMID == first || obs.VMID == "" {
		t.Errorf("relaunched: %+v %v, want another instance id than %s", obs, err, first)
	}
}

// TestUnhealthyHasAGracePeriod: unhealthy reads as starting (it can
// recover) until Config.UnhealthyGrace, then as failed; a start restarts
// an unhealthy instance.
func TestUnhealthyHasAGracePeriod(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, func(c *lambda.Config) { c.UnhealthyGrace = 5 * time.Minute })
	ctx := context.Background()
	if err := e.cloud.SetVMStatus(fakes.Lambda, e.host, "unhealthy"); err != nil {
		t.Fatal(err)
	}
	if obs, _ := e.p.Probe(ctx, e.host); obs.VM != hoststate.VMStarting {
		t.Errorf("unhealthy at first: %s, want starting", obs.VM)
	}
	e.clock.Advance(4 * time.Minute)
	if obs, _ := e.p.Probe(ctx, e.host); obs.VM != hoststate.VMStarting {
		t.Errorf("unhealthy within the grace: %s, want starting", obs.VM)
	}
	e.clock.Advance(time.Minute)
	if obs, _ := e.p.Probe(ctx, e.host); obs.VM != hoststate.VMError || obs.RawVM != "unhealthy" {
		t.Errorf("unhealthy past the grace: %s (%q), want error", obs.VM, obs.RawVM)
	}
	if err := e.cloud.SetVMStatus(fakes.Lambda, e.host, "active"); err != nil {
		t.Fatal(err)
	}
	if obs, _ := e.p.Probe(ctx, e.host); obs.VM != hoststate.VMRunning {
		t.Errorf("recovered: %s, want running", obs.VM)
	}
	if err := e.cloud.SetVMStatus(fakes.Lambda, e.host, "unhealthy"); err != nil {
		t.Fatal(err)
	}
	if obs, _ := e.p.Probe(ctx, e.host); obs.VM != hoststate.VMStarting {
		t.Errorf("unhealthy again: %s, want starting (a new grace)", obs.VM)
	}
}

// TestErrorCodes: the spec's codes classify as documented, and a message
// is quoted so that it cannot forge a log line.
func TestErrorCodes(t *testing.T) {
	for _, tt := range []struct {
		status int
		code   string
		check  func(error) bool
	}{
		{500, lambda.CodeUnknown, func(err error) bool { return errors.Is(err, provider.ErrUnavailable) }},
		{400, lambda.CodeInvalidAddress, func(err error) bool { return err != nil && !provider.Transient(err) }},
		{400, lambda.CodeFileSystemWrongPlace, func(err error) bool { return err != nil && !provider.Transient(err) }},
		{400, lambda.CodeQuotaExceeded, func(err error) bool { return err != nil && !provider.Transient(err) }},
		{409, lambda.CodeKeyInUse, func(err error) bool { return errors.Is(err, provider.ErrConflict) && !provider.Transient(err) }},
		{409, lambda.CodeFilesystemInUse, func(err error) bool { return errors.Is(err, provider.ErrRetryableConflict) }},
	} {
		e := newEnv(t, fakes.Durations{}, nil)
		e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: tt.status,
			Body: `{"error":{"code":"` + tt.code + `","message":"first line\nforged: line"}}`})
		_, err := e.p.Probe(context.Background(), e.host)
		if !tt.check(err) {
			t.Errorf("%d %s: %v", tt.status, tt.code, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: the message is not quoted: %q", tt.code, err)
		}
	}
}

// TestLaunchSpecChecked: a spec Lambda cannot launch makes start
// unsupported, without a request.
func TestLaunchSpecChecked(t *testing.T) {
	bad := spec
	bad.Image = "ubuntu"
	e := newEnv(t, fakes.Durations{}, func(c *lambda.Config) { c.LaunchSpec = provider.FixedLaunch(bad) })
	host := provider.Host{Instance: "host-7"}
	if _, err := e.p.Start(context.Background(), host); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("Start with an image: %v, want ErrUnsupported", err)
	}
	if n := e.srv.Requests(); n != 0 {
		t.Errorf("%d requests", n)
	}
}
