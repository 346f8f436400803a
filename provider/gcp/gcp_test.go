package gcp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one adapter wired to one emulator.
type env struct {
	clock *clocktest.Clock
	cloud *fakes.Cloud
	srv   *emulators.Server
	p     *gcp.Provider
	host  provider.Host
}

// newEnv starts an emulator with one running host and an adapter on it.
// Transitions are instant unless d says otherwise.
func newEnv(t *testing.T, cfg gcp.Config, d fakes.Durations) *env {
	t.Helper()
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1, fakes.WithDurations(d))
	srv := emulators.NewGCP(cloud)
	t.Cleanup(srv.Close)
	host := provider.Host{Project: "proj-1", Zone: "us-central1-a", Instance: "vm-1", Volume: "disk-1",
		Labels: map[string]string{"managed-by": "driftless"}}
	if err := srv.AddHost(host, true); err != nil {
		t.Fatal(err)
	}
	cfg.AllowInsecureHTTP = true
	if cfg.Clock == nil {
		cfg.Clock = clock
	}
	p, err := gcp.New(context.Background(), cfg, option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return &env{clock: clock, cloud: cloud, srv: srv, p: p, host: host}
}

func TestProbeFound(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	got, err := e.p.Probe(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	want := hoststate.Observation{VM: hoststate.VMRunning, Volume: hoststate.VolumePresent, Address: "10.0.0.1", RawVM: "RUNNING", RawVolume: "READY",
		VMID: e.cloud.Truth(fakes.GCP, e.host).VMID}
	if diff := cmp.Diff(want, got); diff != "" || got.VMID == "" {
		t.Errorf("Probe (-want +got):\n%s", diff)
	}
}

func TestProbeNotFound(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	ctx := context.Background()
	missing := e.host
	missing.Instance, missing.Volume = "vm-never", "disk-never"
	got, err := e.p.Probe(ctx, missing)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}, got); diff != "" {
		t.Errorf("missing host (-want +got):\n%s", diff)
	}
	// The instance deleted in the console, its disk kept: absent + present.
	if err := e.cloud.ConsoleDelete(fakes.GCP, e.host); err != nil {
		t.Fatal(err)
	}
	got, err = e.p.Probe(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if got.VM != hoststate.VMAbsent || got.Volume != hoststate.VolumePresent {
		t.Errorf("console-deleted instance: got %v/%v, want absent/present", got.VM, got.Volume)
	}
}

// TestNotFoundOfAnotherResourceIsNotAbsence: only a 404 naming the asked
// for instance or disk is its absence. A 404 naming the project means the
// credentials cannot see it (deleted project, lost IAM) and says nothing
// about the host: an error, never "deprovisioned".
func TestNotFoundOfAnotherResourceIsNotAbsence(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	for _, path := range []string{"/instances/", "/disks/"} {
		e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 404, Path: path, Count: 1,
			Body: `{"error":{"code":404,"message":"The resource 'projects/proj-1' was not found","errors":[{"message":"The resource 'projects/proj-1' was not found","domain":"global","reason":"notFound"}]}}`})
		obs, err := e.p.Probe(context.Background(), e.host)
		if err == nil || errors.Is(err, provider.ErrNotFound) || provider.Transient(err) || obs != (hoststate.Observation{}) {
			t.Errorf("a 404 about the project on %s: %+v, %v; want a definitive error", path, obs, err)
		}
	}
	if _, err := e.p.Deprovision(context.Background(), e.host); err != nil {
		t.Fatalf("Deprovision: %v", err)
	}
}

func TestProbeEveryInstanceStatus(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	for _, row := range append(gcp.InstanceStates.Rows(), provider.VMRow{Raw: "SOMETHING_NEW", VM: hoststate.VMUnknown}) {
		t.Run(row.Raw, func(t *testing.T) {
			if err := e.cloud.SetVMStatus(fakes.GCP, e.host, row.Raw); err != nil {
				t.Fatal(err)
			}
			got, err := e.p.Probe(context.Background(), e.host)
			if err != nil {
				t.Fatal(err)
			}
			if got.VM != row.VM || got.RawVM != row.Raw {
				t.Errorf("status %s: got %v (%q), want %v", row.Raw, got.VM, got.RawVM, row.VM)
			}
		})
	}
}

func TestProbeEveryDiskStatus(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	// The cloud has no disk-status event; the emulator's fault layer
	// answers the disk Get with the status instead.
	for _, row := range append(gcp.DiskStates.Rows(), provider.VolumeRow{Raw: "SOMETHING_NEW", Volume: hoststate.VolumeUnknown}) {
		t.Run(row.Raw, func(t *testing.T) {
			e.srv.ClearHTTPFaults()
			e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusOK, Method: http.MethodGet,
				Path: "/disks/" + e.host.Volume, Body: fmt.Sprintf(`{"name":%q,"status":%q,"users":["https://compute.googleapis.com/compute/v1/projects/%s/zones/%s/instances/%s"]}`,
					e.host.Volume, row.Raw, e.host.Project, e.host.Zone, e.host.Instance)})
			got, err := e.p.Probe(context.Background(), e.host)
			if err != nil {
				t.Fatal(err)
			}
			if got.Volume != row.Volume || got.RawVolume != row.Raw {
				t.Errorf("disk status %s: got %v (%q), want %v", row.Raw, got.Volume, got.RawVolume, row.Volume)
			}
		})
	}
}

func TestProbeFailures(t *testing.T) {
	tests := []struct {
		name  string
		fault emulators.Fault
		class error
	}{
		{"500", emulators.Fault{Kind: emulators.FaultStatus, Status: 500}, provider.ErrUnavailable},
		{"503", emulators.Fault{Kind: emulators.FaultStatus, Status: 503}, provider.ErrUnavailable},
		{"HTML 502", emulators.Fault{Kind: emulators.FaultHTML}, provider.ErrUnavailable},
		{"HTML 404 is not absent", emulators.Fault{Kind: emulators.FaultHTML, Status: 404}, provider.ErrBadResponse},
		{"HTML 200", emulators.Fault{Kind: emulators.FaultHTML, Status: 200}, provider.ErrBadResponse},
		{"malformed JSON", emulators.Fault{Kind: emulators.FaultMalformed}, provider.ErrBadResponse},
		{"truncated JSON", emulators.Fault{Kind: emulators.FaultTruncated}, provider.ErrBadResponse},
		{"huge body", emulators.Fault{Kind: emulators.FaultHuge}, provider.ErrBadResponse},
		{"disk Get fails", emulators.Fault{Kind: emulators.FaultStatus, Status: 503, Path: "/disks/"}, provider.ErrUnavailable},
		{"empty object", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Body: `{}`}, provider.ErrBadResponse},
		{"another instance", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Path: "/instances/", Body: `{"name":"vm-2","status":"RUNNING"}`}, provider.ErrBadResponse},
		{"disk without status", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Path: "/disks/", Body: `{"name":"disk-1"}`}, provider.ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, gcp.Config{}, fakes.Durations{})
			e.srv.InjectHTTPFault(tt.fault)
			obs, err := e.p.Probe(context.Background(), e.host)
			if !errors.Is(err, tt.class) {
				t.Fatalf("Probe error = %v, want %v", err, tt.class)
			}
			if obs != (hoststate.Observation{}) {
				t.Errorf("a failed probe returned an observation: %+v", obs)
			}
			if len(err.Error()) > 600 {
				t.Errorf("error message is %d bytes; it must not quote bodies: %.200s", len(err.Error()), err)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name  string
		fault emulators.Fault
		want  time.Duration
	}{
		{"with Retry-After", emulators.Fault{Kind: emulators.FaultRateLimit, RetryAfter: 7 * time.Second}, 7 * time.Second},
		{"a 429", emulators.Fault{Kind: emulators.FaultRateLimit, Status: http.StatusTooManyRequests}, time.Minute - time.Duration(start.Second())*time.Second},
		// Compute Engine's quota refills at the next whole minute.
		{"without Retry-After", emulators.Fault{Kind: emulators.FaultRateLimit}, time.Minute - time.Duration(start.Second())*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, gcp.Config{}, fakes.Durations{})
			e.srv.InjectHTTPFault(tt.fault)
			_, err := e.p.Probe(context.Background(), e.host)
			var rl *provider.RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, provider.ErrRateLimited) {
				t.Fatalf("Probe error = %v, want a *provider.RateLimitError", err)
			}
			if rl.RetryAfter != tt.want {
				t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, tt.want)
			}
			var gerr *googleapi.Error
			if !errors.As(err, &gerr) || (gerr.Code != http.StatusTooManyRequests && gerr.Code != http.StatusForbidden) {
				t.Errorf("the SDK's *googleapi.Error is not reachable from %v", err)
			}
		})
	}
}

// TestRateLimitAs403: Compute Engine's rate limits usually come as 403
// rateLimitExceeded; they are rate limits, never refusals, with the rest
// of the minute as the hint. A 403 quotaExceeded is a refusal.
func TestRateLimitAs403(t *testing.T) {
	body := func(reason string) string {
		return `{"error":{"code":403,"message":"Rate Limit Exceeded","errors":[{"message":"Rate Limit Exceeded","domain":"usageLimits","reason":"` + reason + `"}]}}`
	}
	for reason, limited := range map[string]bool{"rateLimitExceeded": true, "userRateLimitExceeded": true, "quotaExceeded": false, "forbidden": false} {
		e := newEnv(t, gcp.Config{}, fakes.Durations{})
		e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 403, Body: body(reason)})
		_, err := e.p.Probe(context.Background(), e.host)
		if got := errors.Is(err, provider.ErrRateLimited); got != limited || err == nil {
			t.Errorf("403 %s: %v, want rate limited %v", reason, err, limited)
		}
		if limited && (provider.RetryAfter(err) <= 0 || provider.RetryAfter(err) > time.Minute) {
			t.Errorf("403 %s: hint %v, want the rest of the minute", reason, provider.RetryAfter(err))
		}
		if !limited && provider.Transient(err) {
			t.Errorf("403 %s is transient: %v", reason, err)
		}
	}
}

func TestCloudFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults fakes.Faults
		check  func(error) bool
	}{
		{"5xx", fakes.Faults{ErrorRate: 1}, func(err error) bool { return errors.Is(err, provider.ErrUnavailable) }},
		{"timeout", fakes.Faults{TimeoutRate: 1}, func(err error) bool { return errors.Is(err, provider.ErrUnavailable) }},
		{"429 burst", fakes.Faults{RateLimitRate: 1, RetryAfter: 3 * time.Second}, func(err error) bool { return provider.RetryAfter(err) == 3*time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, gcp.Config{}, fakes.Durations{})
			if err := e.cloud.SetFaults(fakes.GCP, tt.faults); err != nil {
				t.Fatal(err)
			}
			_, err := e.p.Probe(context.Background(), e.host)
			if err == nil || !tt.check(err) {
				t.Fatalf("Probe error = %v", err)
			}
			if _, err := e.p.Stop(context.Background(), e.host); err == nil || !tt.check(err) {
				t.Fatalf("Stop error = %v", err)
			}
			if got := e.cloud.Truth(fakes.GCP, e.host).RawVM; got != "RUNNING" {
				t.Errorf("a failed Stop changed the cloud: %s", got)
			}
		})
	}
}

func TestSlowAnswerHonoursContext(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultSlow})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := e.p.Probe(ctx, e.host)
	if !errors.Is(err, provider.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Probe error = %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := e.p.ListPage(ctx2, e.p.Scope(e.host), ""); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("ListPage error = %v, want ErrUnavailable", err)
	}
}

// TestRequestTimeoutBoundsEveryRequest: a probe's requests and both
// listings' end at Config.RequestTimeout even when the caller's context
// allows far longer (a hung request ends on the adapter's bound, not the
// caller's deadline).
func TestRequestTimeoutBoundsEveryRequest(t *testing.T) {
	e := newEnv(t, gcp.Config{RequestTimeout: 20 * time.Millisecond}, fakes.Durations{})
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultSlow})
	for name, call := range map[string]func(context.Context) error{
		"probe":     func(ctx context.Context) error { _, err := e.p.Probe(ctx, e.host); return err },
		"instances": func(ctx context.Context) error { _, err := e.p.ListPage(ctx, e.p.Scope(e.host), ""); return err },
		"disks":     func(ctx context.Context) error { _, err := e.p.ListPage(ctx, e.p.Scope(e.host), "d:"); return err },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := call(ctx)
		if !errors.Is(err, provider.ErrUnavailable) || ctx.Err() != nil {
			t.Errorf("%s: error %v, the caller's context %v; want unavailable within the caller's deadline", name, err, ctx.Err())
		}
		cancel()
	}
}

func TestValidateRejectsBeforeAnyRequest(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	good := e.host
	tests := []struct {
		field string
		mut   func(*provider.Host)
	}{
		{"Project", func(h *provider.Host) { h.Project = "" }},
		{"Project", func(h *provider.Host) { h.Project = "Proj" }},
		{"Zone", func(h *provider.Host) { h.Zone = "us-central1-a/../x" }},
		{"Instance", func(h *provider.Host) { h.Instance = "vm-1/stop" }},
		{"Instance", func(h *provider.Host) { h.Instance = "vm-1?x=1" }},
		{"Instance", func(h *provider.Host) { h.Instance = "-vm" }},
		{"Instance", func(h *provider.Host) { h.Instance = strings.Repeat("a", 64) }},
		{"Volume", func(h *provider.Host) { h.Volume = "disk_1" }},
		{"Volume", func(h *provider.Host) { h.Volume = "" }},
		{"Labels", func(h *provider.Host) { h.Labels = map[string]string{"k": `v") OR (x = "y`} }},
	}
	ctx := context.Background()
	for _, tt := range tests {
		h := good
		tt.mut(&h)
		calls := map[string]func() error{
			"Validate":    func() error { return e.p.Validate(h) },
			"Probe":       func() error { _, err := e.p.Probe(ctx, h); return err },
			"Start":       func() error { _, err := e.p.Start(ctx, h); return err },
			"Stop":        func() error { _, err := e.p.Stop(ctx, h); return err },
			"Reboot":      func() error { _, err := e.p.Reboot(ctx, h); return err },
			"Deprovision": func() error { _, err := e.p.Deprovision(ctx, h); return err },
		}
		for name, call := range calls {
			err := call()
			var he *provider.HostError
			if !errors.As(err, &he) || !errors.Is(err, provider.ErrInvalidHost) || he.Field != tt.field {
				t.Errorf("%s with bad %s: error = %v, want a HostError on %s", name, tt.field, err, tt.field)
			}
		}
	}
	if n := e.cloud.Calls(fakes.GCP).Total(); n != 0 {
		t.Errorf("invalid hosts made %d API calls", n)
	}
}

func TestActions(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	ctx := context.Background()
	steps := []struct {
		name string
		do   func(context.Context, provider.Host) (provider.Operation, error)
		want string
	}{
		{"stop", e.p.Stop, "TERMINATED"},
		{"start", e.p.Start, "RUNNING"},
		{"reset", e.p.Reboot, "RUNNING"},
	}
	for _, s := range steps {
		op, err := s.do(ctx, e.host)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if op.Name() == "" {
			t.Errorf("%s: operation without a name", s.name)
		}
		if err := op.Wait(ctx); err != nil {
			t.Fatalf("%s: Wait: %v", s.name, err)
		}
		if got := e.cloud.Truth(fakes.GCP, e.host).RawVM; got != s.want {
			t.Errorf("after %s: instance %s, want %s", s.name, got, s.want)
		}
	}
}

// drive advances clock by step each time the code under test waits on
// it, until done delivers; it returns how many steps that took.
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

func TestOperationWaitPollsOnTheClock(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.DefaultDurations())
	ctx := context.Background()
	op, err := e.p.Stop(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- op.Wait(ctx) }()
	// Polls wait 1 s, 2 s, 4 s, ... on the fake clock; stepping 8 s at a
	// time, polls land at +8, +16, +24, +32 s: the 30 s stop is seen done
	// by the fourth.
	steps, err := drive(t, e.clock, 8*time.Second, done)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if steps != 4 {
		t.Errorf("Wait returned after %d clock steps, want 4", steps)
	}
	if got := e.cloud.Truth(fakes.GCP, e.host).RawVM; got != "TERMINATED" {
		t.Errorf("instance %s after Wait, want TERMINATED", got)
	}
}

func TestOperationFailed(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	if err := e.cloud.SetFaults(fakes.GCP, fakes.Faults{OperationFailRate: 1}); err != nil {
		t.Fatal(err)
	}
	op, err := e.p.Stop(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(context.Background()); !errors.Is(err, provider.ErrOperationFailed) {
		t.Fatalf("Wait error = %v, want ErrOperationFailed", err)
	}
}

func TestOperationFailedWhilePolling(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.DefaultDurations())
	if err := e.cloud.SetFaults(fakes.GCP, fakes.Faults{OperationFailRate: 1}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	op, err := e.p.Stop(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- op.Wait(ctx) }()
	if _, err := drive(t, e.clock, time.Minute, done); !errors.Is(err, provider.ErrOperationFailed) {
		t.Fatalf("Wait error = %v, want ErrOperationFailed", err)
	}
}

func TestOperationWaitHonoursContext(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.DefaultDurations())
	op, err := e.p.Stop(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := op.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait error = %v, want context.Canceled", err)
	}
}

func TestActionConflictAndNotFound(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.DefaultDurations())
	ctx := context.Background()
	if _, err := e.p.Stop(ctx, e.host); err != nil {
		t.Fatal(err)
	}
	// STOPPING now: a reset is refused for the instance's state.
	if _, err := e.p.Reboot(ctx, e.host); !errors.Is(err, provider.ErrConflict) {
		t.Errorf("reset while stopping: error = %v, want ErrConflict", err)
	}
	missing := e.host
	missing.Instance = "vm-never"
	if _, err := e.p.Start(ctx, missing); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("start of a missing instance: error = %v, want ErrNotFound", err)
	}
}

func TestDeprovision(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	ctx := context.Background()
	op, err := e.p.Deprovision(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := e.p.Probe(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if got.VM != hoststate.VMAbsent || got.Volume != hoststate.VolumeAbsent {
		t.Errorf("after deprovision: %v/%v, want absent/absent", got.VM, got.Volume)
	}
	if _, err := e.p.Deprovision(ctx, e.host); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("second deprovision: error = %v, want ErrNotFound", err)
	}
}

func TestDeprovisionDiskOnly(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	ctx := context.Background()
	if err := e.cloud.ConsoleDelete(fakes.GCP, e.host); err != nil {
		t.Fatal(err)
	}
	op, err := e.p.Deprovision(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if tr := e.cloud.Truth(fakes.GCP, e.host); tr.VolumeExists {
		t.Errorf("disk still exists: %s", tr.RawVolume)
	}
}

func TestNewRequiresHTTPS(t *testing.T) {
	ctx := context.Background()
	_, err := gcp.New(ctx, gcp.Config{}, option.WithEndpoint("http://127.0.0.1:1"), option.WithoutAuthentication())
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("New with an http endpoint: error = %v, want a refusal", err)
	}
	if _, err := gcp.New(ctx, gcp.Config{Labels: map[string]string{"Bad": "x"}}, option.WithoutAuthentication()); !errors.Is(err, provider.ErrInvalidHost) {
		t.Fatalf("New with a bad label: error = %v", err)
	}
	p, err := gcp.New(ctx, gcp.Config{}, option.WithEndpoint("https://compute.example"), option.WithoutAuthentication())
	if err != nil {
		t.Fatalf("New with an https endpoint: %v", err)
	}
	_ = p.Close()
}

func TestCapabilities(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	want := provider.Capabilities{SeparateVolume: true, NativeWait: true}
	if got := e.p.Capabilities(); got != want || e.p.Name() != "gcp" {
		t.Errorf("Capabilities = %+v, Name = %q", got, e.p.Name())
	}
}

// TestRequestsCarryTheCredentialsAndNoInternalHeader: every request —
// a probe's and each listing page's — carries the configured credentials,
// and no header but the SDK's and HTTP's own reaches the server.
func TestRequestsCarryTheCredentialsAndNoInternalHeader(t *testing.T) {
	const token = "ya29.header-test"
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	target, err := url.Parse(e.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []http.Header
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true, Clock: e.clock}, option.WithEndpoint(front.URL),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Probe(context.Background(), e.host); err != nil {
		t.Fatal(err)
	}
	pages := 0
	for next := ""; ; pages++ {
		page, err := p.ListPage(context.Background(), p.Scope(e.host), next)
		if err != nil {
			t.Fatal(err)
		}
		if next = page.Next; next == "" {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := 2 + pages + 1; len(seen) != want {
		t.Fatalf("%d requests, want %d (a probe's 2 and %d listing pages)", len(seen), want, pages+1)
	}
	known := map[string]bool{"Accept-Encoding": true, "Authorization": true, "Content-Type": true, "User-Agent": true,
		"X-Goog-Api-Client": true, "X-Goog-Api-Version": true, "X-Goog-Request-Params": true}
	for i, h := range seen {
		if got := h.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("request %d: Authorization %q", i, got)
		}
		for k := range h {
			if !known[k] {
				t.Errorf("request %d carried the header %s", i, k)
			}
		}
	}
}

// BenchmarkProbe measures one probe (instance Get + disk Get) through the
// SDK against the local emulator: the adapter's and SDK's overhead, not a
// cloud's latency.
func BenchmarkProbe(b *testing.B) {
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	srv := emulators.NewGCP(cloud)
	defer srv.Close()
	host := provider.Host{Project: "proj-1", Zone: "us-central1-a", Instance: "vm-1", Volume: "disk-1"}
	if err := srv.AddHost(host, true); err != nil {
		b.Fatal(err)
	}
	p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true, Clock: clock}, option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Probe(context.Background(), host); err != nil {
			b.Fatal(err)
		}
	}
}
