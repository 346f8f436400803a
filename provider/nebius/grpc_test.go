package nebius_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// grpcToken is the emulator's IAM token: no test output may contain it.
const grpcToken = "iam-v1.s3cr3t-t0ken-value"

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// grpcEnv is the adapter over the compiled client over the gRPC emulator.
type grpcEnv struct {
	clock  *clocktest.Clock
	cloud  *fakes.Cloud
	emu    *emulators.NebiusGRPC
	client *nebius.Client
	p      *nebius.Provider
	host   provider.Host
	logs   *lockedBuffer
}

// newGRPCEnv starts an emulator holding one running host and dials it;
// edit changes the client's configuration.
func newGRPCEnv(t *testing.T, d fakes.Durations, edit ...func(*nebius.GRPCConfig)) *grpcEnv {
	t.Helper()
	clock := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cloud := fakes.NewCloud(clock, 1, fakes.WithDurations(d))
	emu, err := emulators.NewNebiusGRPC(cloud, grpcToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	host := provider.Host{Project: "project-e00abc", Region: "eu-north1", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}
	if err := emu.AddHost(host, true); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cfg := nebius.GRPCConfig{
		Endpoint: emu.Addr(), Insecure: true, Token: nebius.StaticToken(grpcToken),
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, e := range edit {
		e(&cfg)
	}
	client, err := nebius.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	p, err := nebius.New(client.Instances(), client.Disks(), nebius.Config{Clock: clock, Logger: cfg.Logger, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	return &grpcEnv{clock: clock, cloud: cloud, emu: emu, client: client, p: p, host: host, logs: logs}
}

func (e *grpcEnv) probe(t *testing.T, h provider.Host) hoststate.Observation {
	t.Helper()
	obs, err := e.p.Probe(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestGRPCProbe(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	stopped := provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00b2", Volume: "computedisk-e00b2"}
	if err := e.emu.AddHost(stopped, false); err != nil {
		t.Fatal(err)
	}
	gone := provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00c3", Volume: "computedisk-e00c3"}
	if err := e.emu.AddHost(gone, true); err != nil {
		t.Fatal(err)
	}
	if err := e.cloud.ConsoleDelete(fakes.Nebius, gone); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		host provider.Host
		want hoststate.Observation
	}{
		{"running", e.host, hoststate.Observation{VM: hoststate.VMRunning, Volume: hoststate.VolumePresent, Address: "10.0.0.1", RawVM: "RUNNING", RawVolume: "READY", VMID: e.host.Instance}},
		{"stopped", stopped, hoststate.Observation{VM: hoststate.VMStopped, Volume: hoststate.VolumePresent, RawVM: "STOPPED", RawVolume: "READY", VMID: stopped.Instance}},
		{"absent", provider.Host{Project: "project-e00abc", Instance: "computeinstance-none", Volume: "computedisk-none"},
			hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}},
		{"instance deleted in the console", gone, hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumePresent, RawVolume: "READY"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, e.probe(t, tt.host)); diff != "" {
				t.Errorf("Probe (-want +got):\n%s", diff)
			}
		})
	}
	if n := e.cloud.Calls(fakes.Nebius).Total(); n != 8 {
		t.Errorf("4 probes made %d calls, want 8", n)
	}
}

func TestGRPCProbeEveryInstanceState(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	rows := append(nebius.InstanceStates.Rows(), provider.VMRow{Raw: "HIBERNATED", VM: hoststate.VMUnknown})
	for _, row := range rows {
		t.Run(row.Raw, func(t *testing.T) {
			if err := e.cloud.SetVMStatus(fakes.Nebius, e.host, row.Raw); err != nil {
				t.Fatal(err)
			}
			obs := e.probe(t, e.host)
			wantRaw := row.Raw
			if row.Raw == "HIBERNATED" { // not in the enum: sent as a number the client does not know
				wantRaw = "UNKNOWN(1000)"
			}
			if obs.VM != row.VM || obs.RawVM != wantRaw {
				t.Errorf("state %s: got %v (%q), want %v (%q)", row.Raw, obs.VM, obs.RawVM, row.VM, wantRaw)
			}
		})
	}
}

func TestGRPCUnknownDiskStateFailsClosed(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	e.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusUnknownState, Method: emulators.NebiusDiskGet})
	obs := e.probe(t, e.host)
	if obs.Volume != hoststate.VolumeUnknown || obs.RawVolume != "UNKNOWN(1000)" || obs.VM != hoststate.VMRunning {
		t.Errorf("an unknown disk state: %+v", obs)
	}
}

func TestGRPCStopStartWaitOnTheClock(t *testing.T) {
	e := newGRPCEnv(t, fakes.DefaultDurations())
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
		if !strings.HasPrefix(op.Name(), "operation-") {
			t.Errorf("%s: operation id %q", s.name, op.Name())
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
		if got := e.probe(t, e.host).RawVM; got != s.want {
			t.Errorf("after %s: %s, want %s", s.name, got, s.want)
		}
	}
	calls := e.cloud.Calls(fakes.Nebius)
	if calls[emulators.NebiusOperationGet] == 0 || calls[emulators.NebiusInstanceStop] != 1 || calls[emulators.NebiusInstanceStart] != 1 {
		t.Errorf("calls: %v", calls)
	}
}

func TestGRPCDeprovision(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	ctx := context.Background()
	op, err := e.p.Deprovision(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if obs := e.probe(t, e.host); obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumeAbsent {
		t.Errorf("after deprovision: %v/%v", obs.VM, obs.Volume)
	}
	if _, err := e.p.Deprovision(ctx, e.host); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("second deprovision: %v, want ErrNotFound", err)
	}

	e = newGRPCEnv(t, fakes.Durations{})
	if err := e.cloud.ConsoleDelete(fakes.Nebius, e.host); err != nil {
		t.Fatal(err)
	}
	op, err = e.p.Deprovision(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if tr := e.cloud.Truth(fakes.Nebius, e.host); tr.VolumeExists {
		t.Errorf("disk still exists: %s", tr.RawVolume)
	}
}

func TestGRPCActionErrors(t *testing.T) {
	e := newGRPCEnv(t, fakes.DefaultDurations())
	ctx := context.Background()
	missing := provider.Host{Project: "project-e00abc", Instance: "computeinstance-none", Volume: "computedisk-none"}
	if _, err := e.p.Start(ctx, missing); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Start of a missing instance: %v, want ErrNotFound", err)
	}
	if err := e.cloud.SetVMStatus(fakes.Nebius, e.host, "ERROR"); err != nil {
		t.Fatal(err)
	}
	_, err := e.p.Start(ctx, e.host)
	if !errors.Is(err, provider.ErrConflict) {
		t.Fatalf("Start of an instance in ERROR: %v, want ErrConflict", err)
	}
	var se *nebius.StatusError
	if !errors.As(err, &se) || se.Detail != "bad_resource_state" || se.Method != "InstanceService/Start" {
		t.Errorf("the ServiceError detail is not read: %#v", se)
	}
}

func TestGRPCListPaging(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	want := []string{e.host.Instance, e.host.Volume}
	for i := range 5 {
		project := []string{"project-e00abc", "project-e00other"}[i%2]
		h := provider.Host{Project: project, Instance: fmt.Sprintf("computeinstance-p%02d", i), Volume: fmt.Sprintf("computedisk-p%02d", i)}
		if err := e.emu.AddHost(h, i%3 == 0); err != nil {
			t.Fatal(err)
		}
		if project == e.host.Project {
			want = append(want, h.Instance, h.Volume)
		}
	}
	var got []string
	pages := 0
	for token := ""; ; {
		if pages++; pages > 20 {
			t.Fatal("the listing does not end")
		}
		page, err := e.p.ListPage(context.Background(), e.p.Scope(e.host), token)
		if err != nil {
			t.Fatal(err)
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
		t.Errorf("listing (-want +got):\n%s", diff)
	}
	if pages < 4 { // 4 instances and 4 disks in pages of 2
		t.Errorf("the listing took %d pages: page_size was not sent", pages)
	}
}

// grpcCheck is a check of a failure, with a name for messages.
type grpcCheck struct {
	name string
	ok   func(error) bool
}

func isErr(target error) grpcCheck {
	return grpcCheck{fmt.Sprint("is ", target), func(err error) bool { return errors.Is(err, target) }}
}

func notErr(target error) grpcCheck {
	return grpcCheck{fmt.Sprint("is not ", target), func(err error) bool { return !errors.Is(err, target) }}
}

var (
	transient  = grpcCheck{"transient", provider.Transient}
	definitive = grpcCheck{"not transient", func(err error) bool { return !provider.Transient(err) }}
	hasStatus  = func(c codes.Code) grpcCheck {
		return grpcCheck{fmt.Sprint("status ", c), func(err error) bool { return status.Code(err) == c }}
	}
)

func TestGRPCErrorClasses(t *testing.T) {
	tests := []struct {
		name   string
		fault  emulators.NebiusWireFault
		call   string // "probe" or "start"
		checks []grpcCheck
	}{
		{"5xx", emulators.NebiusWireFault{Kind: emulators.NebiusUnavailable}, "probe",
			[]grpcCheck{isErr(provider.ErrUnavailable), transient, hasStatus(codes.Unavailable)}},
		{"too many requests", emulators.NebiusWireFault{Kind: emulators.NebiusTooManyRequests}, "probe",
			[]grpcCheck{isErr(provider.ErrRateLimited), transient, hasStatus(codes.ResourceExhausted)}},
		{"quota failure", emulators.NebiusWireFault{Kind: emulators.NebiusQuotaFailure}, "start",
			[]grpcCheck{isErr(nebius.ErrQuota), notErr(provider.ErrRateLimited), definitive, notErr(provider.ErrNotFound)}},
		{"not enough resources", emulators.NebiusWireFault{Kind: emulators.NebiusNotEnoughResources}, "start",
			[]grpcCheck{isErr(nebius.ErrNotEnoughResources), notErr(provider.ErrRateLimited), notErr(nebius.ErrQuota), definitive}},
		{"quota failure on probe", emulators.NebiusWireFault{Kind: emulators.NebiusQuotaFailure, Method: emulators.NebiusDiskGet}, "probe",
			[]grpcCheck{isErr(nebius.ErrQuota), definitive}},
		{"permission denied", emulators.NebiusWireFault{Kind: emulators.NebiusPermissionDenied}, "probe",
			[]grpcCheck{isErr(nebius.ErrAuth), definitive, notErr(provider.ErrNotFound), hasStatus(codes.PermissionDenied)}},
		{"unauthenticated", emulators.NebiusWireFault{Kind: emulators.NebiusCode, Code: codes.Unauthenticated}, "start",
			[]grpcCheck{isErr(nebius.ErrAuth), definitive, notErr(provider.ErrNotFound)}},
		{"unimplemented", emulators.NebiusWireFault{Kind: emulators.NebiusCode, Code: codes.Unimplemented}, "probe",
			[]grpcCheck{isErr(nebius.ErrUnexpectedStatus), definitive, notErr(provider.ErrNotFound)}},
		{"unknown code", emulators.NebiusWireFault{Kind: emulators.NebiusCode, Code: codes.Unknown}, "start",
			[]grpcCheck{isErr(nebius.ErrUnexpectedStatus), definitive}},
		{"no status", emulators.NebiusWireFault{Kind: emulators.NebiusNoStatus}, "probe",
			[]grpcCheck{isErr(provider.ErrBadResponse), definitive}},
		{"no id", emulators.NebiusWireFault{Kind: emulators.NebiusNoID, Method: emulators.NebiusDiskGet}, "probe",
			[]grpcCheck{isErr(provider.ErrBadResponse)}},
		{"another instance", emulators.NebiusWireFault{Kind: emulators.NebiusWrongID}, "probe",
			[]grpcCheck{isErr(provider.ErrBadResponse)}},
		{"garbled answer", emulators.NebiusWireFault{Kind: emulators.NebiusGarbled}, "probe",
			[]grpcCheck{isErr(provider.ErrBadResponse), definitive}},
		{"garbled operation", emulators.NebiusWireFault{Kind: emulators.NebiusGarbled}, "start",
			[]grpcCheck{isErr(provider.ErrBadResponse), definitive}},
		{"operation without id", emulators.NebiusWireFault{Kind: emulators.NebiusNoID}, "start",
			[]grpcCheck{isErr(provider.ErrBadResponse)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newGRPCEnv(t, fakes.Durations{})
			if err := e.cloud.ConsoleStop(fakes.Nebius, e.host); err != nil { // so start is a real start
				t.Fatal(err)
			}
			e.emu.InjectWireFault(tt.fault)
			var err error
			if tt.call == "probe" {
				var obs hoststate.Observation
				obs, err = e.p.Probe(context.Background(), e.host)
				if obs != (hoststate.Observation{}) {
					t.Errorf("a failed probe returned an observation: %+v", obs)
				}
			} else {
				_, err = e.p.Start(context.Background(), e.host)
			}
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, c := range tt.checks {
				if !c.ok(err) {
					t.Errorf("%v: want %s", err, c.name)
				}
			}
			if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), grpcToken) {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestGRPCRefusalSaysWhy(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	e.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusQuotaFailure, Method: emulators.NebiusInstanceStop})
	_, err := e.p.Stop(context.Background(), e.host)
	var re *nebius.RefusalError
	if !errors.As(err, &re) {
		t.Fatalf("Stop: %v, want a *RefusalError", err)
	}
	if re.Method != "InstanceService/Stop" || len(re.Violations) != 1 || !strings.Contains(re.Violations[0], "compute.instance.gpu.h100") ||
		re.Status().Code() != codes.ResourceExhausted {
		t.Errorf("refusal: %+v", re)
	}
	if !strings.Contains(err.Error(), "quota exceeded") {
		t.Errorf("the message is lost: %v", err)
	}
	if e.cloud.Truth(fakes.Nebius, e.host).RawVM != "RUNNING" {
		t.Error("a refused stop changed the cloud")
	}
}

func TestGRPCCloudFaults(t *testing.T) {
	for name, f := range map[string]fakes.Faults{"5xx": {ErrorRate: 1}, "timeout": {TimeoutRate: 1}, "429": {RateLimitRate: 1, RetryAfter: time.Second}} {
		t.Run(name, func(t *testing.T) {
			e := newGRPCEnv(t, fakes.Durations{})
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

func TestGRPCFakeFaultsCrossTheWire(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	e.emu.Fake().InjectFault(emulators.GRPCFault{Method: emulators.NebiusInstanceGet, Code: codes.ResourceExhausted, RetryAfter: 4 * time.Second, Count: 1})
	_, err := e.p.Probe(context.Background(), e.host)
	if !errors.Is(err, provider.ErrRateLimited) || provider.RetryAfter(err) != 4*time.Second {
		t.Fatalf("Probe = %v (retry after %s), want rate limited for 4s", err, provider.RetryAfter(err))
	}
	var se *nebius.StatusError
	if !errors.As(err, &se) || se.Detail != "too_many_requests" || se.RetryType != "CALL" {
		t.Errorf("StatusError = %+v", se)
	}
	if obs := e.probe(t, e.host); obs.VM != hoststate.VMRunning {
		t.Errorf("after the fault: %v", obs.VM)
	}
}

func TestGRPCCallTimeout(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{}, func(c *nebius.GRPCConfig) { c.CallTimeout = 50 * time.Millisecond })
	e.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusSlow, Count: 1})
	_, err := e.p.Probe(context.Background(), e.host)
	if !errors.Is(err, provider.ErrUnavailable) || status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("a hung call: %v, want ErrUnavailable (DeadlineExceeded)", err)
	}
	if obs := e.probe(t, e.host); obs.VM != hoststate.VMRunning {
		t.Errorf("the next call: %v", obs.VM)
	}
}

func TestGRPCOperationFailures(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
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

	for _, tt := range []struct {
		kind emulators.NebiusWireFaultKind
		want error
	}{
		{emulators.NebiusUnavailable, provider.ErrUnavailable},
		{emulators.NebiusWrongID, provider.ErrBadResponse},
		{emulators.NebiusNoID, provider.ErrBadResponse},
	} {
		e := newGRPCEnv(t, fakes.DefaultDurations())
		e.emu.InjectWireFault(emulators.NebiusWireFault{Kind: tt.kind, Method: emulators.NebiusOperationGet})
		op, err := e.p.Stop(context.Background(), e.host)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- op.Wait(context.Background()) }()
		if _, err := drive(t, e.clock, 10*time.Second, done); !errors.Is(err, tt.want) {
			t.Errorf("Wait with poll fault %d: %v, want %v", tt.kind, err, tt.want)
		}
	}
}

// failingSource is a TokenSource that cannot give a token.
type failingSource struct{}

func (failingSource) Token(context.Context) (string, error) {
	return "", errors.New("refresh: the IAM service said no")
}

func TestGRPCTokenRequired(t *testing.T) {
	for _, tt := range []struct {
		name   string
		source nebius.TokenSource
	}{
		{"wrong token", nebius.StaticToken("iam-v1.someone-elses")},
		{"empty token", nebius.StaticToken("")},
		{"token with a newline", nebius.StaticToken(grpcToken + "\nx-injected: 1")},
		{"failing source", failingSource{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newGRPCEnv(t, fakes.Durations{}, func(c *nebius.GRPCConfig) { c.Token = tt.source })
			obs, err := e.p.Probe(context.Background(), e.host)
			if !errors.Is(err, nebius.ErrAuth) || provider.Transient(err) || errors.Is(err, provider.ErrNotFound) {
				t.Fatalf("Probe = %+v, %v; want an ErrAuth error, neither transient nor absent", obs, err)
			}
			t.Log(err)
			if _, err := e.p.Stop(context.Background(), e.host); !errors.Is(err, nebius.ErrAuth) {
				t.Errorf("Stop = %v, want ErrAuth", err)
			}
			if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), grpcToken) {
				t.Errorf("the error shows the token: %v", err)
			}
			if n := e.cloud.Calls(fakes.Nebius).Total(); n != 0 {
				t.Errorf("unauthorized calls reached the cloud: %d", n)
			}
			if e.cloud.Truth(fakes.Nebius, e.host).RawVM != "RUNNING" {
				t.Error("an unauthorized stop changed the cloud")
			}
		})
	}
}

func TestGRPCEmulatorChecksTheToken(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	conn, err := grpc.NewClient(e.emu.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = nebiuspb.NewInstanceServiceClient(conn).Get(context.Background(), &nebiuspb.GetInstanceRequest{Id: e.host.Instance})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("a call without a token: %v, want Unauthenticated", err)
	}
}

func TestGRPCTokenNeverShown(t *testing.T) {
	e := newGRPCEnv(t, fakes.DefaultDurations())
	ctx := context.Background()
	_ = e.probe(t, e.host)
	op, err := e.p.Stop(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- op.Wait(ctx) }()
	if _, err := drive(t, e.clock, 10*time.Second, done); err != nil {
		t.Fatal(err)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "method=InstanceService/Get") || !strings.Contains(logs, "method=OperationService/Get") {
		t.Errorf("the calls were not logged:\n%s", logs)
	}
	src := nebius.StaticToken(grpcToken)
	cfg := nebius.GRPCConfig{Token: src}
	var slogged bytes.Buffer
	slog.New(slog.NewJSONHandler(&slogged, nil)).Info("config", "token", src, "cfg", cfg)
	shown := strings.Join([]string{
		logs, slogged.String(),
		fmt.Sprintf("%v %+v %#v %s %q %x %d", src, src, src, src, src, src, src),
		fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg),
	}, "\n")
	if strings.Contains(shown, grpcToken) || strings.Contains(shown, "s3cr3t") {
		t.Errorf("the token is shown:\n%s", shown)
	}
}

func TestGRPCTransportSecurity(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})

	// TLS by default: the plaintext emulator cannot complete a handshake.
	c, err := nebius.Dial(context.Background(), nebius.GRPCConfig{Endpoint: e.emu.Addr(), Token: nebius.StaticToken(grpcToken), CallTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Instances().Get(context.Background(), e.host.Instance); status.Code(err) != codes.Unavailable {
		t.Errorf("TLS to a plaintext server: %v, want Unavailable", err)
	}

	// A plaintext connection given to NewGRPC without Insecure: the token
	// refuses to travel.
	conn, err := grpc.NewClient(e.emu.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c2, err := nebius.NewGRPC(conn, nebius.GRPCConfig{Token: nebius.StaticToken(grpcToken)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Instances().Get(context.Background(), e.host.Instance); !errors.Is(err, nebius.ErrAuth) {
		t.Errorf("a token over plaintext: %v, want ErrAuth", err)
	}
	if err := c2.Close(); err != nil {
		t.Errorf("Close of a NewGRPC client: %v", err)
	}
	if n := e.cloud.Calls(fakes.Nebius).Total(); n != 0 {
		t.Errorf("%d calls reached the cloud", n)
	}
}

func TestDialRefuses(t *testing.T) {
	tok := nebius.StaticToken(grpcToken)
	for _, tt := range []struct {
		name string
		cfg  nebius.GRPCConfig
	}{
		{"no token", nebius.GRPCConfig{Endpoint: "127.0.0.1:1", Insecure: true}},
		{"plaintext to the internet", nebius.GRPCConfig{Endpoint: "compute.api.nebius.cloud:443", Insecure: true, Token: tok}},
		{"plaintext by default endpoint", nebius.GRPCConfig{Insecure: true, Token: tok}},
		{"no port", nebius.GRPCConfig{Endpoint: "compute.api.nebius.cloud", Token: tok}},
		{"bad port", nebius.GRPCConfig{Endpoint: "localhost:https", Token: tok}},
		{"no host", nebius.GRPCConfig{Endpoint: ":443", Token: tok}},
		{"TLS and plaintext", nebius.GRPCConfig{Endpoint: "127.0.0.1:1", Insecure: true, TLS: &tls.Config{}, Token: tok}},
		{"negative timeout", nebius.GRPCConfig{Token: tok, CallTimeout: -time.Second}},
	} {
		if c, err := nebius.Dial(context.Background(), tt.cfg); err == nil {
			_ = c.Close()
			t.Errorf("%s: Dial accepted %+v", tt.name, tt.cfg)
		}
	}
	if _, err := nebius.NewGRPC(nil, nebius.GRPCConfig{Token: tok}); err == nil {
		t.Error("NewGRPC accepted a nil connection")
	}
	c, err := nebius.Dial(context.Background(), nebius.GRPCConfig{Token: tok})
	if err != nil {
		t.Fatalf("Dial of the default endpoint: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}
