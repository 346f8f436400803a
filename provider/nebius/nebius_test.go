package nebius_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one adapter on one fake.
type env struct {
	clock *clocktest.Clock
	cloud *fakes.Cloud
	fake  *emulators.Nebius
	p     *nebius.Provider
	host  provider.Host
}

func newEnv(t *testing.T, d fakes.Durations) *env {
	t.Helper()
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1, fakes.WithDurations(d))
	fake := emulators.NewNebius(cloud)
	host := provider.Host{Project: "project-e00abc", Region: "eu-north1", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}
	if err := fake.AddHost(host, true); err != nil {
		t.Fatal(err)
	}
	p, err := nebius.New(fake.Instances(), fake.Disks(), nebius.Config{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return &env{clock: clock, cloud: cloud, fake: fake, p: p, host: host}
}

func (e *env) probe(t *testing.T) hoststate.Observation {
	t.Helper()
	obs, err := e.p.Probe(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestProbeFound(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	want := hoststate.Observation{VM: hoststate.VMRunning, Volume: hoststate.VolumePresent, Address: "10.0.0.1", RawVM: "RUNNING", RawVolume: "READY", VMID: e.host.Instance}
	if diff := cmp.Diff(want, e.probe(t)); diff != "" {
		t.Errorf("Probe (-want +got):\n%s", diff)
	}
}

func TestProbeNotFound(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	got, err := e.p.Probe(context.Background(), provider.Host{Project: "project-e00abc", Instance: "computeinstance-none", Volume: "computedisk-none"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := e.cloud.ConsoleDelete(fakes.Nebius, e.host); err != nil {
		t.Fatal(err)
	}
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumePresent {
		t.Errorf("console-deleted instance: %v/%v, want absent/present", obs.VM, obs.Volume)
	}
}

func TestProbeEveryInstanceState(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	for _, row := range append(nebius.InstanceStates.Rows(), provider.VMRow{Raw: "HIBERNATED", VM: hoststate.VMUnknown}) {
		t.Run(row.Raw, func(t *testing.T) {
			if err := e.cloud.SetVMStatus(fakes.Nebius, e.host, row.Raw); err != nil {
				t.Fatal(err)
			}
			if obs := e.probe(t); obs.VM != row.VM || obs.RawVM != row.Raw {
				t.Errorf("state %s: got %v (%q), want %v", row.Raw, obs.VM, obs.RawVM, row.VM)
			}
		})
	}
}

// diskState is a DiskService whose Get reports a fixed state: the cloud
// has no disk-state event.
type diskState struct {
	nebius.DiskService
	state string
}

func (d diskState) Get(ctx context.Context, id string) (nebius.Disk, error) {
	disk, err := d.DiskService.Get(ctx, id)
	disk.State = d.state
	return disk, err
}

func TestProbeEveryDiskState(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	for _, row := range append(nebius.DiskStates.Rows(), provider.VolumeRow{Raw: "MIGRATING", Volume: hoststate.VolumeUnknown}) {
		p, err := nebius.New(e.fake.Instances(), diskState{e.fake.Disks(), row.Raw}, nebius.Config{})
		if err != nil {
			t.Fatal(err)
		}
		obs, err := p.Probe(context.Background(), e.host)
		if err != nil {
			t.Fatal(err)
		}
		if obs.Volume != row.Volume || obs.RawVolume != row.Raw {
			t.Errorf("disk state %s: got %v, want %v", row.Raw, obs.Volume, row.Volume)
		}
	}
}

func TestProbeFailures(t *testing.T) {
	tests := []struct {
		name  string
		fault emulators.GRPCFault
		check func(error) bool
	}{
		{"unavailable", emulators.GRPCFault{Code: codes.Unavailable}, is(provider.ErrUnavailable)},
		{"deadline", emulators.GRPCFault{Code: codes.DeadlineExceeded}, is(provider.ErrUnavailable)},
		{"internal", emulators.GRPCFault{Code: codes.Internal}, is(provider.ErrUnavailable)},
		{"disk get fails", emulators.GRPCFault{Method: emulators.NebiusDiskGet, Code: codes.Unavailable}, is(provider.ErrUnavailable)},
		{"permission denied", emulators.GRPCFault{Code: codes.PermissionDenied}, func(err error) bool {
			st, ok := status.FromError(err)
			return ok && st.Code() == codes.PermissionDenied && !provider.Transient(err) && !errors.Is(err, provider.ErrNotFound)
		}},
		{"rate limited", emulators.GRPCFault{Code: codes.ResourceExhausted, RetryAfter: 4 * time.Second}, func(err error) bool {
			return errors.Is(err, provider.ErrRateLimited) && provider.RetryAfter(err) == 4*time.Second
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{})
			e.fake.InjectFault(tt.fault)
			obs, err := e.p.Probe(context.Background(), e.host)
			if err == nil || !tt.check(err) {
				t.Fatalf("Probe error = %v", err)
			}
			if obs != (hoststate.Observation{}) {
				t.Errorf("a failed probe returned an observation: %+v", obs)
			}
			if _, ok := status.FromError(err); !ok {
				t.Errorf("the gRPC status is not reachable from %v", err)
			}
		})
	}
}

// is returns a check for errors.Is(err, target).
func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func TestCloudFaults(t *testing.T) {
	for name, f := range map[string]fakes.Faults{"5xx": {ErrorRate: 1}, "timeout": {TimeoutRate: 1}, "429": {RateLimitRate: 1, RetryAfter: time.Second}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{})
			if err := e.cloud.SetFaults(fakes.Nebius, f); err != nil {
				t.Fatal(err)
			}
			if _, err := e.p.Probe(context.Background(), e.host); !provider.Transient(err) {
				t.Fatalf("Probe error = %v, want transient", err)
			}
			if _, err := e.p.Stop(context.Background(), e.host); !provider.Transient(err) {
				t.Fatalf("Stop error = %v, want transient", err)
			}
			if got := e.cloud.Truth(fakes.Nebius, e.host).RawVM; got != "RUNNING" {
				t.Errorf("a failed Stop changed the cloud: %s", got)
			}
		})
	}
}

func TestHangHonoursContext(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	e.fake.InjectFault(emulators.GRPCFault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.p.Probe(ctx, e.host); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("Probe error = %v, want ErrUnavailable", err)
	}
}

// plainError is a service failing without a gRPC status.
type plainError struct{ nebius.InstanceService }

func (plainError) Get(context.Context, string) (nebius.Instance, error) {
	return nebius.Instance{}, errors.New("dial: resolver returned no addresses")
}

// noOperation is a service whose Stop returns no operation.
type noOperation struct{ nebius.InstanceService }

func (noOperation) Stop(context.Context, string) (nebius.Operation, error) { return nil, nil }

func TestNonGRPCErrorsAndMissingOperations(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	p, err := nebius.New(plainError{e.fake.Instances()}, e.fake.Disks(), nebius.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Probe(context.Background(), e.host)
	if err == nil || provider.Transient(err) || errors.Is(err, provider.ErrNotFound) {
		t.Errorf("a plain error: %v, want an unclassified error", err)
	}
	if p, err = nebius.New(noOperation{e.fake.Instances()}, e.fake.Disks(), nebius.Config{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Stop(context.Background(), e.host); !errors.Is(err, provider.ErrBadResponse) {
		t.Errorf("a nil operation: %v, want ErrBadResponse", err)
	}
	if _, err := nebius.New(nil, e.fake.Disks(), nebius.Config{}); err == nil {
		t.Error("New accepted a nil InstanceService")
	}
}

// drive advances clock by step each time the code under test waits on it,
// until done delivers; it returns how many steps that took.
func drive(t *testing.T, clock *clocktest.Clock, step time.Duration, done <-chan error) (int, error) {
	t.Helper()
	var err error
	finished := make(chan struct{})
	go func() { err = <-done; close(finished) }()
	for steps := 0; steps < 100; steps++ {
		ok, werr := clock.WaitIdle(context.Background(), 1, finished)
		switch {
		case ok:
			return steps, err
		case werr != nil:
			t.Fatal(werr)
		}
		clock.Advance(step)
	}
	t.Fatal("the wait did not end")
	return 0, nil
}

func TestStopStartWaitOnTheClock(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations())
	ctx := context.Background()
	for _, s := range []struct {
		name  string
		do    func(context.Context, provider.Host) (provider.Operation, error)
		steps int
		want  string
	}{
		{"stop", e.p.Stop, 3, "STOPPED"},   // 30 s in 10 s steps
		{"start", e.p.Start, 5, "RUNNING"}, // 45 s
	} {
		op, err := s.do(ctx, e.host)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if op.Name() == "" {
			t.Errorf("%s: operation without an id", s.name)
		}
		done := make(chan error, 1)
		go func() { done <- op.Wait(ctx) }()
		steps, err := drive(t, e.clock, 10*time.Second, done)
		if err != nil {
			t.Fatalf("%s: Wait: %v", s.name, err)
		}
		if steps != s.steps {
			t.Errorf("%s: Wait took %d clock steps, want %d", s.name, steps, s.steps)
		}
		if got := e.probe(t).RawVM; got != s.want {
			t.Errorf("after %s: %s, want %s", s.name, got, s.want)
		}
	}
}

func TestOperationFailures(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	if err := e.cloud.SetFaults(fakes.Nebius, fakes.Faults{OperationFailRate: 1}); err != nil {
		t.Fatal(err)
	}
	op, err := e.p.Stop(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(context.Background()); !errors.Is(err, provider.ErrOperationFailed) {
		t.Fatalf("Wait error = %v, want ErrOperationFailed", err)
	}

	e = newEnv(t, fakes.DefaultDurations())
	e.fake.InjectFault(emulators.GRPCFault{Method: emulators.NebiusOperationGet, Code: codes.Unavailable})
	op, err = e.p.Stop(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- op.Wait(context.Background()) }()
	if _, err := drive(t, e.clock, 10*time.Second, done); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("Wait with a failing poll: %v, want ErrUnavailable", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := op.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled context: %v", err)
	}
}

func TestActionErrors(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations())
	ctx := context.Background()
	missing := provider.Host{Project: "project-e00abc", Instance: "computeinstance-none", Volume: "computedisk-none"}
	if _, err := e.p.Start(ctx, missing); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Start of a missing instance: %v, want ErrNotFound", err)
	}
	if err := e.cloud.SetVMStatus(fakes.Nebius, e.host, "ERROR"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Start(ctx, e.host); !errors.Is(err, provider.ErrConflict) {
		t.Errorf("Start of an instance in ERROR: %v, want ErrConflict", err)
	}
}

func TestDeprovision(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	ctx := context.Background()
	op, err := e.p.Deprovision(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if obs := e.probe(t); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumeAbsent {
		t.Errorf("after deprovision: %v/%v", obs.VM, obs.Volume)
	}
	if _, err := e.p.Deprovision(ctx, e.host); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("second deprovision: %v, want ErrNotFound", err)
	}
}

func TestDeprovisionDiskOnly(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	if err := e.cloud.ConsoleDelete(fakes.Nebius, e.host); err != nil {
		t.Fatal(err)
	}
	op, err := e.p.Deprovision(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr := e.cloud.Truth(fakes.Nebius, e.host); tr.VolumeExists {
		t.Errorf("disk still exists: %s", tr.RawVolume)
	}
}

func TestValidate(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	ctx := context.Background()
	good := e.host
	for _, mut := range []func(*provider.Host){
		func(h *provider.Host) { h.Project = "" },
		func(h *provider.Host) { h.Instance = "Computeinstance" },
		func(h *provider.Host) { h.Instance = "a/b" },
		func(h *provider.Host) { h.Volume = "" },
		func(h *provider.Host) { h.Volume = "disk\n" },
	} {
		h := good
		mut(&h)
		for name, call := range map[string]func() error{
			"Probe":       func() error { _, err := e.p.Probe(ctx, h); return err },
			"Start":       func() error { _, err := e.p.Start(ctx, h); return err },
			"Stop":        func() error { _, err := e.p.Stop(ctx, h); return err },
			"Deprovision": func() error { _, err := e.p.Deprovision(ctx, h); return err },
		} {
			if err := call(); !errors.Is(err, provider.ErrInvalidHost) {
				t.Errorf("%s(%+v) = %v, want ErrInvalidHost", name, h, err)
			}
		}
	}
	if n := e.cloud.Calls(fakes.Nebius).Total(); n != 0 {
		t.Errorf("invalid hosts made %d calls", n)
	}
}

func TestListPageProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
		fake := emulators.NewNebius(cloud)
		var want []string
		for i := range rapid.IntRange(0, 12).Draw(rt, "hosts") {
			project := rapid.SampledFrom([]string{"project-a", "project-b"}).Draw(rt, "project")
			h := provider.Host{Project: project, Instance: fmt.Sprintf("computeinstance-%02d", i), Volume: fmt.Sprintf("computedisk-%02d", i)}
			if err := fake.AddHost(h, rapid.Bool().Draw(rt, "running")); err != nil {
				rt.Fatal(err)
			}
			if project == "project-a" {
				want = append(want, h.Instance, h.Volume)
			}
		}
		p, err := nebius.New(fake.Instances(), fake.Disks(), nebius.Config{PageSize: int64(rapid.IntRange(1, 5).Draw(rt, "pageSize"))})
		if err != nil {
			rt.Fatal(err)
		}
		var got []string
		token := ""
		for pages := 0; ; pages++ {
			if pages > 100 {
				rt.Fatal("listing does not end")
			}
			page, err := p.ListPage(context.Background(), p.Scope(provider.Host{Project: "project-a"}), token)
			if err != nil {
				rt.Fatal(err)
			}
			for _, v := range page.VMs {
				got = append(got, v.Instance)
			}
			for _, v := range page.Volumes {
				got = append(got, v.Volume)
			}
			if token = page.Next; token == "" {
				break
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			rt.Errorf("listing (-want +got):\n%s", diff)
		}
	})
}

func TestListPageErrors(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	for _, tt := range []struct{ scope, token string }{{"", ""}, {"Project", ""}, {"project-e00abc", "zz"}} {
		if _, err := e.p.ListPage(context.Background(), tt.scope, tt.token); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("ListPage(%q, %q) = %v", tt.scope, tt.token, err)
		}
	}
	e.fake.InjectFault(emulators.GRPCFault{Method: emulators.NebiusDiskList, Code: codes.Unavailable})
	page, err := e.p.ListPage(context.Background(), e.host.Project, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.ListPage(context.Background(), e.host.Project, page.Next); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("disk listing failure: %v", err)
	}
	// A page holding an item without id or state cannot be read: an
	// error, never the end of the listing.
	for _, m := range []string{emulators.NebiusInstanceList, emulators.NebiusDiskList} {
		e.fake.ClearFaults()
		e.fake.InjectFault(emulators.GRPCFault{Method: m, Corrupt: true})
		token := ""
		var err error
		for range 4 {
			var page provider.ListPage
			if page, err = e.p.ListPage(context.Background(), e.host.Project, token); err != nil || page.Next == "" {
				break
			}
			token = page.Next
		}
		if !errors.Is(err, provider.ErrBadResponse) {
			t.Errorf("a corrupt %s page: %v, want ErrBadResponse", m, err)
		}
	}
}

// TestProbeRefusesForeignAnswers: a Get answering about another resource,
// or without a state, is a bad response, never an observation.
func TestProbeRefusesForeignAnswers(t *testing.T) {
	for _, m := range []string{emulators.NebiusInstanceGet, emulators.NebiusDiskGet} {
		e := newEnv(t, fakes.Durations{})
		e.fake.InjectFault(emulators.GRPCFault{Method: m, Corrupt: true})
		if obs, err := e.p.Probe(context.Background(), e.host); !errors.Is(err, provider.ErrBadResponse) || obs != (hoststate.Observation{}) {
			t.Errorf("a corrupt %s: %+v, %v; want ErrBadResponse", m, obs, err)
		}
	}
}

func TestCapabilities(t *testing.T) {
	e := newEnv(t, fakes.Durations{})
	want := provider.Capabilities{SeparateVolume: true, NativeWait: true}
	if e.p.Capabilities() != want || e.p.Name() != "nebius" {
		t.Errorf("Capabilities = %+v", e.p.Capabilities())
	}
}
