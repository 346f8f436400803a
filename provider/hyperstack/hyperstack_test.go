package hyperstack_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
)

const apiKey = "hs-secret-key-0123456789"

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one adapter wired to one emulator.
type env struct {
	clock *clocktest.Clock
	cloud *fakes.Cloud
	srv   *emulators.Server
	p     *hyperstack.Provider
	host  provider.Host
	logs  *bytes.Buffer
}

// launch is the VM template of the tests.
var launch = &hyperstack.Launch{EnvironmentName: "default-CANADA-1", ImageName: "Ubuntu 22.04", FlavorName: "n3-A100x1", KeyName: "k", AssignFloatingIP: true}

func newEnv(t *testing.T, d fakes.Durations, mod func(*hyperstack.Config)) *env {
	t.Helper()
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1, fakes.WithDurations(d))
	srv := emulators.NewHyperstack(cloud, apiKey)
	t.Cleanup(srv.Close)
	host := provider.Host{Region: "CANADA-1", Instance: "host-1", Volume: "1001"}
	if err := srv.AddHost(host, true); err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cfg := hyperstack.Config{
		BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true, Clock: clock, Launch: launch,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	p, err := hyperstack.New(cfg)
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
	want := hoststate.Observation{VM: hoststate.VMRunning, Volume: hoststate.VolumePresent, Address: "10.0.0.1", RawVM: "ACTIVE", RawVolume: "in-use",
		VMID: e.cloud.Truth(fakes.Hyperstack, e.host).VMID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Probe (-want +got):\n%s", diff)
	}
}

func TestProbeNotFound(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	ctx := context.Background()
	off := provider.Host{Instance: "host-2", Volume: "1002"}
	if err := e.srv.AddHost(off, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		host provider.Host
		want hoststate.Observation
	}{
		{"VM gone, volume kept", off, hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumePresent, RawVolume: "available"}},
		{"nothing", provider.Host{Instance: "host-never", Volume: "9999"}, hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}},
	}
	for _, tt := range tests {
		got, err := e.p.Probe(ctx, tt.host)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestProbeEveryVMStatus(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	for _, row := range append(hyperstack.VMStates.Rows(), provider.VMRow{Raw: "SHELVED", VM: hoststate.VMUnknown}) {
		t.Run(row.Raw, func(t *testing.T) {
			if err := e.cloud.SetVMStatus(fakes.Hyperstack, e.host, row.Raw); err != nil {
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

func TestProbeEveryVolumeStatus(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	for _, row := range append(hyperstack.VolumeStates.Rows(), provider.VolumeRow{Raw: "maintenance", Volume: hoststate.VolumeUnknown}) {
		t.Run(row.Raw, func(t *testing.T) {
			e.srv.ClearHTTPFaults()
			e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusOK, Path: "/core/volumes/1001",
				Body: fmt.Sprintf(`{"status":true,"message":"ok","volume":{"id":1001,"name":"1001","status":%q,"attachments":[{"instance_id":%s,"status":"ATTACHED"}]}}`,
					row.Raw, e.cloud.Truth(fakes.Hyperstack, e.host).VMID)})
			got, err := e.p.Probe(context.Background(), e.host)
			if err != nil {
				t.Fatal(err)
			}
			if got.Volume != row.Volume || got.RawVolume != row.Raw {
				t.Errorf("volume status %s: got %v (%q), want %v", row.Raw, got.Volume, got.RawVolume, row.Volume)
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
		{"bare 500", emulators.Fault{Kind: emulators.FaultStatus, Status: 500, Body: emulators.HyperstackBare500}, provider.ErrUnavailable},
		{"503 envelope", emulators.Fault{Kind: emulators.FaultStatus, Status: 503}, provider.ErrUnavailable},
		{"HTML 502", emulators.Fault{Kind: emulators.FaultHTML}, provider.ErrUnavailable},
		{"HTML 404 is not absent", emulators.Fault{Kind: emulators.FaultHTML, Status: 404}, provider.ErrBadResponse},
		{"a gateway's JSON 404 is not absent", emulators.Fault{Kind: emulators.FaultStatus, Status: 404, Body: `{"message":"no Route matched with those values"}`}, provider.ErrBadResponse},
		{"a 404 of another reason is not absent", emulators.Fault{Kind: emulators.FaultStatus, Status: 404, Body: `{"status":false,"message":"endpoint moved","error_reason":"gone"}`}, provider.ErrBadResponse},
		{"a page without count", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Path: "/core/virtual-machines", Body: `{"status":true,"instances":[]}`}, provider.ErrBadResponse},
		{"HTML 200", emulators.Fault{Kind: emulators.FaultHTML, Status: 200}, provider.ErrBadResponse},
		{"redirect", emulators.Fault{Kind: emulators.FaultStatus, Status: 302, Body: `{"status":false,"message":"moved"}`}, provider.ErrBadResponse},
		{"status false on 200", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Body: `{"status":false,"message":"nope"}`}, provider.ErrBadResponse},
		{"malformed JSON", emulators.Fault{Kind: emulators.FaultMalformed}, provider.ErrBadResponse},
		{"truncated JSON", emulators.Fault{Kind: emulators.FaultTruncated}, provider.ErrBadResponse},
		{"huge body", emulators.Fault{Kind: emulators.FaultHuge}, provider.ErrBadResponse},
		{"another volume", emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Path: "/core/volumes/", Body: `{"status":true,"volume":{"id":7,"status":"available"}}`}, provider.ErrBadResponse},
		{"volume Get fails", emulators.Fault{Kind: emulators.FaultStatus, Status: 503, Path: "/core/volumes/"}, provider.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{}, nil)
			e.srv.InjectHTTPFault(tt.fault)
			obs, err := e.p.Probe(context.Background(), e.host)
			if !errors.Is(err, tt.class) {
				t.Fatalf("Probe error = %v, want %v", err, tt.class)
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

func TestRateLimitHintIsAMinute(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultRateLimit})
	_, err := e.p.Probe(context.Background(), e.host)
	var rl *provider.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("Probe error = %v, want a *provider.RateLimitError", err)
	}
	// Hyperstack blocks for the next minute, from the 429 on.
	if rl.RetryAfter != time.Minute {
		t.Errorf("RetryAfter = %v, want 1m", rl.RetryAfter)
	}
	var api *hyperstack.APIError
	if !errors.As(err, &api) || api.HTTPStatus != http.StatusTooManyRequests {
		t.Errorf("APIError not reachable from %v", err)
	}
}

func TestCloudFaults(t *testing.T) {
	for name, f := range map[string]fakes.Faults{
		"5xx": {ErrorRate: 1}, "timeout": {TimeoutRate: 1}, "429": {RateLimitRate: 1},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, fakes.Durations{}, nil)
			if err := e.cloud.SetFaults(fakes.Hyperstack, f); err != nil {
				t.Fatal(err)
			}
			if _, err := e.p.Probe(context.Background(), e.host); !provider.Transient(err) {
				t.Fatalf("Probe error = %v, want a transient error", err)
			}
			if _, err := e.p.Stop(context.Background(), e.host); !provider.Transient(err) {
				t.Fatalf("Stop error = %v, want a transient error", err)
			}
			if got := e.cloud.Truth(fakes.Hyperstack, e.host).RawVM; got != "ACTIVE" {
				t.Errorf("a failed Stop changed the cloud: %s", got)
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

func TestRequestTimeoutWithoutDeadline(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, func(c *hyperstack.Config) { c.RequestTimeout = 20 * time.Millisecond })
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultSlow})
	if _, err := e.p.Probe(context.Background(), e.host); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("Probe error = %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, func(c *hyperstack.Config) { c.APIKey = "wrong-key-987" })
	_, err := e.p.Probe(context.Background(), e.host)
	var api *hyperstack.APIError
	if !errors.As(err, &api) || api.HTTPStatus != http.StatusUnauthorized {
		t.Fatalf("Probe error = %v, want a 401 APIError", err)
	}
	if provider.Transient(err) || strings.Contains(err.Error(), "wrong-key-987") {
		t.Errorf("auth error is transient or quotes the key: %v", err)
	}
}

func TestSecretsNeverShow(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 500, Count: 1})
	_, probeErr := e.p.Probe(context.Background(), e.host)
	if _, err := e.p.Probe(context.Background(), e.host); err != nil {
		t.Fatal(err)
	}
	cfg := hyperstack.Config{APIKey: apiKey, BaseURL: "https://example.com/v1"}
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
	if !strings.Contains(out.String(), "[redacted]") {
		t.Errorf("renderings do not say the key is redacted:\n%s", out.String())
	}
	if e.logs.Len() == 0 {
		t.Error("no debug logs captured; the check above proves nothing")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := map[string]hyperstack.Config{
		"no key":        {BaseURL: "https://x.example/v1"},
		"key with CRLF": {BaseURL: "https://x.example/v1", APIKey: "k\r\nX-Evil: 1"},
		"http":          {BaseURL: "http://x.example/v1", APIKey: "k"},
		"credentials":   {BaseURL: "https://user:pass@x.example/v1", APIKey: "k"},
		"query":         {BaseURL: "https://x.example/v1?a=b", APIKey: "k"},
		"relative":      {BaseURL: "/v1", APIKey: "k"},
		"other scheme":  {BaseURL: "ftp://x.example/v1", APIKey: "k", AllowInsecureHTTP: true},
	}
	for name, cfg := range tests {
		if _, err := hyperstack.New(cfg); err == nil {
			t.Errorf("%s: New accepted %v", name, cfg)
		} else if strings.Contains(err.Error(), "pass") {
			t.Errorf("%s: error quotes credentials: %v", name, err)
		}
	}
	if _, err := hyperstack.New(hyperstack.Config{APIKey: "k"}); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

func TestValidateRejectsBeforeAnyRequest(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	ctx := context.Background()
	for _, h := range []provider.Host{
		{Instance: "", Volume: "1001"},
		{Instance: "host 1", Volume: "1001"},
		{Instance: "host/1", Volume: "1001"},
		{Instance: "host-1", Volume: ""},
		{Instance: "host-1", Volume: "01001"},
		{Instance: "host-1", Volume: "-5"},
		{Instance: "host-1", Volume: "vol-1"},
		{Instance: "host-1", Volume: "99999999999999999999"},
	} {
		for name, call := range map[string]func() error{
			"Probe":       func() error { _, err := e.p.Probe(ctx, h); return err },
			"Start":       func() error { _, err := e.p.Start(ctx, h); return err },
			"Stop":        func() error { _, err := e.p.Stop(ctx, h); return err },
			"Reboot":      func() error { _, err := e.p.Reboot(ctx, h); return err },
			"Deprovision": func() error { _, err := e.p.Deprovision(ctx, h); return err },
		} {
			if err := call(); !errors.Is(err, provider.ErrInvalidHost) {
				t.Errorf("%s(%+v) error = %v, want ErrInvalidHost", name, h, err)
			}
		}
	}
	if n := e.cloud.Calls(fakes.Hyperstack).Total(); n != 0 {
		t.Errorf("invalid hosts made %d API calls", n)
	}
}

// BenchmarkProbe measures one probe (VM search + volume Get) against the
// local emulator: the adapter's overhead, not a cloud's latency.
func BenchmarkProbe(b *testing.B) {
	cloud := fakes.NewCloud(nil, 1)
	srv := emulators.NewHyperstack(cloud, apiKey)
	defer srv.Close()
	host := provider.Host{Instance: "host-1", Volume: "1001"}
	if err := srv.AddHost(host, true); err != nil {
		b.Fatal(err)
	}
	p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Probe(context.Background(), host); err != nil {
			b.Fatal(err)
		}
	}
}
