package lambda_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/lambda"
)

const apiKey = "secret_lambda_key_0123456789abcdef"

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one adapter wired to one emulator.
type env struct {
	clock *clocktest.Clock
	cloud *fakes.Cloud
	srv   *emulators.Server
	p     *lambda.Provider
	host  provider.Host
	logs  *bytes.Buffer
}

func newEnv(t *testing.T, d fakes.Durations, mod func(*lambda.Config)) *env {
	t.Helper()
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1, fakes.WithDurations(d))
	srv := emulators.NewLambda(cloud, apiKey)
	t.Cleanup(srv.Close)
	host := provider.Host{Region: "us-east-1", Instance: "0920582c7ff041399e34823a0be62549"}
	if err := srv.AddHost(host, true); err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cfg := lambda.Config{BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true, Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if mod != nil {
		mod(&cfg)
	}
	p, err := lambda.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{clock: clock, cloud: cloud, srv: srv, p: p, host: host, logs: logs}
}

func TestProbeFound(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	got, err := e.p.Probe(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	want := hoststate.Observation{VM: hoststate.VMRunning, Volume: hoststate.VolumeNone, Address: "10.0.0.1", RawVM: "active", VMID: e.host.Instance}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Probe (-want +got):\n%s", diff)
	}
}

func TestProbeNotFound(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	got, err := e.p.Probe(context.Background(), provider.Host{Instance: "deadbeef"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeNone}, got); diff != "" {
		t.Errorf("missing instance (-want +got):\n%s", diff)
	}
}

func TestProbeEveryStatus(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	for _, row := range append(lambda.InstanceStates.Rows(), provider.VMRow{Raw: "hibernating", VM: hoststate.VMUnknown}) {
		t.Run(row.Raw, func(t *testing.T) {
			if err := e.cloud.SetVMStatus(fakes.Lambda, e.host, row.Raw); err != nil {
				t.Fatal(err)
			}
			got, err := e.p.Probe(context.Background(), e.host)
			if err != nil {
				t.Fatal(err)
			}
			if got.VM != row.VM || got.RawVM != row.Raw || got.Volume != hoststate.VolumeNone {
				t.Errorf("status %s: got %v (%q) volume %v, want %v", row.Raw, got.VM, got.RawVM, got.Volume, row.VM)
			}
		})
	}
}

// lambdaError is a Lambda error envelope with code.
func lambdaError(code string) string {
	return fmt.Sprintf(`{"error":{"code":%q,"message":"m","suggestion":"s"}}`, code)
}

func TestProbeFailures(t *testing.T) {
	tests := []struct {
		name  string
		fault emulators.Fault
		check func(error) bool
	}{
		{"500", emulators.Fault{Kind: emulators.FaultStatus, Status: 500}, is(provider.ErrUnavailable)},
		{"internal-error code", emulators.Fault{Kind: emulators.FaultStatus, Status: 400, Body: lambdaError(lambda.CodeInternalError)}, is(provider.ErrUnavailable)},
		{"HTML 502", emulators.Fault{Kind: emulators.FaultHTML}, is(provider.ErrUnavailable)},
		{"HTML 404 is not absent", emulators.Fault{Kind: emulators.FaultHTML, Status: 404}, is(provider.ErrBadResponse)},
		{"404 without envelope", emulators.Fault{Kind: emulators.FaultStatus, Status: 404, Body: `{"detail":"Not Found"}`}, is(provider.ErrBadResponse)},
		{"HTML 200", emulators.Fault{Kind: emulators.FaultHTML, Status: 200}, is(provider.ErrBadResponse)},
		{"another instance", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Body: `{"data":{"id":"other","status":"active"}}`}, is(provider.ErrBadResponse)},
		{"data null", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Body: `{"data":null}`}, is(provider.ErrBadResponse)},
		{"malformed JSON", emulators.Fault{Kind: emulators.FaultMalformed}, is(provider.ErrBadResponse)},
		{"truncated JSON", emulators.Fault{Kind: emulators.FaultTruncated}, is(provider.ErrBadResponse)},
		{"huge body", emulators.Fault{Kind: emulators.FaultHuge}, is(provider.ErrBadResponse)},
		{"account inactive", emulators.Fault{Kind: emulators.FaultStatus, Status: 403, Body: lambdaError(lambda.CodeAccountInactive)}, unauthorized},
		{"quota", emulators.Fault{Kind: emulators.FaultStatus, Status: 400, Body: lambdaError(lambda.CodeQuotaExceeded)}, hasCode(lambda.CodeQuotaExceeded)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{}, nil)
			e.srv.InjectHTTPFault(tt.fault)
			obs, err := e.p.Probe(context.Background(), e.host)
			if err == nil || !tt.check(err) {
				t.Fatalf("Probe error = %v", err)
			}
			if obs != (hoststate.Observation{}) {
				t.Errorf("a failed probe returned an observation: %+v", obs)
			}
			if len(err.Error()) > 600 {
				t.Errorf("error message is %d bytes: %.200s", len(err.Error()), err)
			}
		})
	}
}

// is returns a check for errors.Is(err, target).
func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

// unauthorized checks for an auth refusal that is not transient.
func unauthorized(err error) bool {
	var api *lambda.APIError
	return errors.As(err, &api) && api.Unauthorized() && !provider.Transient(err)
}

// hasCode returns a check for an APIError with code that is not transient.
func hasCode(code string) func(error) bool {
	return func(err error) bool {
		var api *lambda.APIError
		return errors.As(err, &api) && api.Code == code && !provider.Transient(err)
	}
}

func TestRateLimit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault emulators.Fault
		want  time.Duration
	}{
		{"Retry-After", emulators.Fault{Kind: emulators.FaultRateLimit, RetryAfter: 12 * time.Second}, 12 * time.Second},
		{"none: one second", emulators.Fault{Kind: emulators.FaultRateLimit}, time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{}, nil)
			e.srv.InjectHTTPFault(tt.fault)
			_, err := e.p.Probe(context.Background(), e.host)
			if !errors.Is(err, provider.ErrRateLimited) || provider.RetryAfter(err) != tt.want {
				t.Fatalf("Probe error = %v (retry after %v), want rate limited after %v", err, provider.RetryAfter(err), tt.want)
			}
		})
	}
}

func TestCloudFaults(t *testing.T) {
	for name, f := range map[string]fakes.Faults{"5xx": {ErrorRate: 1}, "timeout": {TimeoutRate: 1}, "429": {RateLimitRate: 1}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{}, nil)
			if err := e.cloud.SetFaults(fakes.Lambda, f); err != nil {
				t.Fatal(err)
			}
			if _, err := e.p.Probe(context.Background(), e.host); !provider.Transient(err) {
				t.Fatalf("Probe error = %v, want transient", err)
			}
			if _, err := e.p.Deprovision(context.Background(), e.host); !provider.Transient(err) {
				t.Fatalf("Deprovision error = %v, want transient", err)
			}
			if got := e.cloud.Truth(fakes.Lambda, e.host).RawVM; got != "active" {
				t.Errorf("a failed terminate changed the cloud: %s", got)
			}
		})
	}
}

func TestSlowAnswerHonoursContext(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultSlow})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.p.Probe(ctx, e.host); !errors.Is(err, provider.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Probe error = %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, func(c *lambda.Config) { c.APIKey = "wrong_key_xyz" })
	_, err := e.p.Probe(context.Background(), e.host)
	if !unauthorized(err) {
		t.Fatalf("Probe error = %v, want an unauthorized APIError", err)
	}
	if strings.Contains(err.Error(), "wrong_key_xyz") {
		t.Errorf("error quotes the key: %v", err)
	}
}

func TestSecretsNeverShow(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 500, Count: 1})
	_, probeErr := e.p.Probe(context.Background(), e.host)
	if _, err := e.p.Probe(context.Background(), e.host); err != nil {
		t.Fatal(err)
	}
	cfg := lambda.Config{APIKey: apiKey}
	var out bytes.Buffer
	for _, v := range []any{cfg, &cfg, e.p} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("config", "cfg", cfg, "provider", e.p)
	out.WriteString(probeErr.Error())
	out.Write(e.logs.Bytes())
	if strings.Contains(out.String(), apiKey) || strings.Contains(out.String(), fmt.Sprintf("%x", apiKey)) {
		t.Errorf("the API key shows in:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "[redacted]") || e.logs.Len() == 0 {
		t.Errorf("renderings or logs missing:\n%s", out.String())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]lambda.Config{
		"no key":      {},
		"header-safe": {APIKey: "a b"},
		"http":        {BaseURL: "http://cloud.example/api/v1", APIKey: "k"},
		"credentials": {BaseURL: "https://u:p@cloud.example/api/v1", APIKey: "k"},
		"fragment":    {BaseURL: "https://cloud.example/api/v1#x", APIKey: "k"},
	} {
		if _, err := lambda.New(cfg); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
	}
}

func TestStopAndStartUnsupported(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	for name, call := range map[string]func(context.Context, provider.Host) (provider.Operation, error){"Stop": e.p.Stop, "Start": e.p.Start} {
		if _, err := call(context.Background(), e.host); !errors.Is(err, provider.ErrUnsupported) {
			t.Errorf("%s error = %v, want ErrUnsupported", name, err)
		}
	}
	if n := e.cloud.Calls(fakes.Lambda).Total(); n != 0 {
		t.Errorf("unsupported actions made %d calls", n)
	}
	if e.p.Capabilities() != (provider.Capabilities{}) {
		t.Errorf("Capabilities = %+v, want none", e.p.Capabilities())
	}
}

func TestRebootAndDeprovision(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	ctx := context.Background()
	if _, err := e.p.Reboot(ctx, e.host); err != nil {
		t.Fatal(err)
	}
	if got := e.cloud.Truth(fakes.Lambda, e.host).RawVM; got != "booting" {
		t.Errorf("after restart: %s, want booting", got)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.p.Deprovision(ctx, e.host); err != nil {
		t.Fatal(err)
	}
	obs, err := e.p.Probe(ctx, e.host)
	if err != nil || obs.VM != hoststate.VMStopping || obs.RawVM != "terminating" {
		t.Fatalf("after terminate: %+v %v", obs, err)
	}
	e.clock.Advance(time.Hour)
	if obs, err := e.p.Probe(ctx, e.host); err != nil || obs.VM != hoststate.VMAbsent || obs.Volume != hoststate.VolumeNone {
		t.Fatalf("terminated host: %+v %v, want absent/absent (deprovisioned)", obs, err)
	}
	for name, call := range map[string]func(context.Context, provider.Host) (provider.Operation, error){"Reboot": e.p.Reboot, "Deprovision": e.p.Deprovision} {
		if _, err := call(ctx, e.host); !errors.Is(err, provider.ErrNotFound) {
			t.Errorf("%s of a gone instance: %v, want ErrNotFound", name, err)
		}
	}
}

func TestActionAnswerMustNameTheInstance(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Path: "/restart",
		Body: `{"data":{"restarted_instances":[{"id":"someone-else","status":"booting"}]}}`})
	if _, err := e.p.Reboot(context.Background(), e.host); !errors.Is(err, provider.ErrBadResponse) {
		t.Fatalf("Reboot error = %v, want ErrBadResponse", err)
	}
}

func TestValidate(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	for _, h := range []provider.Host{{}, {Instance: "a/b"}, {Instance: "a b"}, {Instance: "-a"}, {Instance: "abc", Volume: "fs-1"}, {Instance: strings.Repeat("a", 129)}} {
		if err := e.p.Validate(h); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("Validate(%+v) = %v", h, err)
		}
		if _, err := e.p.Probe(context.Background(), h); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("Probe(%+v) = %v", h, err)
		}
	}
	if n := e.cloud.Calls(fakes.Lambda).Total(); n != 0 {
		t.Errorf("invalid hosts made %d calls", n)
	}
}

func TestListPage(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	b2, a1, c3 := strings.Repeat("b2", 16), strings.Repeat("a1", 16), strings.Repeat("c3", 16)
	for _, id := range []string{b2, a1, c3} {
		if err := e.srv.AddHost(provider.Host{Instance: id}, true); err != nil {
			t.Fatal(err)
		}
	}
	page, err := e.p.ListPage(context.Background(), e.p.Scope(e.host), "")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range page.VMs {
		ids = append(ids, v.Instance)
	}
	slices.Sort(ids)
	if diff := cmp.Diff([]string{e.host.Instance, a1, b2, c3}, ids); diff != "" || page.Next != "" || page.Volumes != nil {
		t.Errorf("listing (-want +got):\n%s next %q volumes %v", diff, page.Next, page.Volumes)
	}
	for _, tt := range []struct{ scope, token string }{{"us-east-1", ""}, {"lambda", "2"}} {
		if _, err := e.p.ListPage(context.Background(), tt.scope, tt.token); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("ListPage(%q, %q) = %v", tt.scope, tt.token, err)
		}
	}
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusOK, Body: `{"data":{}}`})
	if _, err := e.p.ListPage(context.Background(), "lambda", ""); !errors.Is(err, provider.ErrBadResponse) {
		t.Errorf("ListPage of an object: %v, want ErrBadResponse", err)
	}
}
