package waiter_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// These tests run actions through waiter.Actions, the real adapters and
// the emulators, which answer in the providers' real shapes. The clock
// moves only while the waiter waits on it (clocktest.Drive): a waiting
// waiter holds its deadline timer and one more.

// emulated is one provider over its emulator with one host.
type emulated struct {
	kind  string
	clock *clocktest.Clock
	cloud *fakes.Cloud
	p     provider.Provider
	host  provider.Host
}

// sendRecorder records the requestId of every POST whose path ends in path.
type sendRecorder struct {
	path string
	mu   sync.Mutex
	ids  []string
}

func (r *sendRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, r.path) {
		r.mu.Lock()
		r.ids = append(r.ids, req.URL.Query().Get("requestId"))
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (r *sendRecorder) sends() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

var (
	gcpSpec        = provider.LaunchSpec{Flavor: "a2-highgpu-1g", Image: "projects/debian-cloud/global/images/family/debian-12", PublicIP: true}
	nebiusSpec     = provider.LaunchSpec{Flavor: "gpu-h100-sxm", Preset: "1gpu-16vcpu-200gb", Image: "ubuntu22.04-cuda12", Network: "vpcsubnet-e00abc", PublicIP: true}
	hyperstackSpec = provider.LaunchSpec{Region: "CANADA-1", Flavor: "n3-A100x1", Image: "Ubuntu Server 22.04 LTS", SSHKeys: []string{"ops"}}
	lambdaSpec     = provider.LaunchSpec{Region: "us-east-1", Flavor: "gpu_1x_a10", SSHKeys: []string{"ops"}}
)

// newGCP is the GCP adapter over the Compute Engine emulator, its sends
// recorded by rec.
func newGCP(t *testing.T, running bool, rec *sendRecorder) (*emulated, *emulators.Server) {
	t.Helper()
	e := &emulated{kind: fakes.GCP, clock: clocktest.New(t0),
		host: provider.Host{Project: "proj-1", Zone: "zone-a", Instance: "vm-1", Volume: "disk-1"}}
	e.cloud = fakes.NewCloud(e.clock, 1)
	srv := emulators.NewGCP(e.cloud)
	t.Cleanup(srv.Close)
	must(t, srv.AddHost(e.host, running))
	p, err := gcp.New(context.Background(), gcp.Config{Clock: e.clock, AllowInsecureHTTP: true, LaunchSpec: provider.FixedLaunch(gcpSpec)},
		option.WithEndpoint(srv.URL()), option.WithoutAuthentication(), option.WithHTTPClient(&http.Client{Transport: rec}))
	must(t, err)
	t.Cleanup(func() { _ = p.Close() })
	e.p = p
	return e, srv
}

// newNebius is the Nebius adapter over the emulated services, its host
// referenced by name so that a recreated instance is still the host's.
func newNebius(t *testing.T, running bool) *emulated {
	t.Helper()
	e := &emulated{kind: fakes.Nebius, clock: clocktest.New(t0),
		host: provider.Host{Project: "project-e00abc", Instance: "host-1", Volume: "computedisk-e00h1"}}
	e.cloud = fakes.NewCloud(e.clock, 1)
	fake := emulators.NewNebius(e.cloud)
	must(t, fake.AddHost(e.host, running))
	p, err := nebius.New(fake.Instances(), fake.Disks(), nebius.Config{Clock: e.clock, LaunchSpec: provider.FixedLaunch(nebiusSpec)})
	must(t, err)
	e.p = p
	return e
}

// newHyperstack is the Hyperstack adapter over its emulator.
func newHyperstack(t *testing.T, running bool) *emulated {
	t.Helper()
	e := &emulated{kind: fakes.Hyperstack, clock: clocktest.New(t0), host: provider.Host{Region: "CANADA-1", Instance: "host-1", Volume: "1001"}}
	e.cloud = fakes.NewCloud(e.clock, 1)
	srv := emulators.NewHyperstack(e.cloud, emulatorKey)
	t.Cleanup(srv.Close)
	must(t, srv.AddHost(e.host, running))
	p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: emulatorKey, AllowInsecureHTTP: true, Clock: e.clock,
		LaunchSpec: provider.FixedLaunch(hyperstackSpec)})
	must(t, err)
	e.p = p
	return e
}

// newLambda is the Lambda adapter over its emulator, with a host
// referenced by name that has no instance: a deprovisioned host.
func newLambda(t *testing.T) *emulated {
	t.Helper()
	e := &emulated{kind: fakes.Lambda, clock: clocktest.New(t0), host: provider.Host{Region: "us-east-1", Instance: "host-1"}}
	e.cloud = fakes.NewCloud(e.clock, 1)
	srv := emulators.NewLambda(e.cloud, emulatorKey)
	t.Cleanup(srv.Close)
	p, err := lambda.New(lambda.Config{BaseURL: srv.BaseURL(), APIKey: emulatorKey, AllowInsecureHTTP: true, Now: e.clock.Now,
		LaunchSpec: provider.FixedLaunch(lambdaSpec)})
	must(t, err)
	e.p = p
	return e
}

// act writes the host's record with status, runs act through
// waiter.Actions and returns the record it ended with; the action must
// succeed.
func (e *emulated) act(t *testing.T, status hoststate.Status, act func(*waiter.Actions) func(context.Context, string) (hoststate.Record, error)) hoststate.Record {
	t.Helper()
	rec, err := e.try(t, status, act)
	if err != nil {
		t.Fatalf("action: %v (status %s)", err, rec.Status)
	}
	return rec
}

// try is act returning the action's error.
func (e *emulated) try(t *testing.T, status hoststate.Status, act func(*waiter.Actions) func(context.Context, string) (hoststate.Record, error)) (hoststate.Record, error) {
	t.Helper()
	st := store.NewMemStore(store.MemConfig{Now: e.clock.Now})
	ctx := t.Context()
	_, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: "h", Provider: e.kind, Ref: e.host, Status: status, Since: t0, BootstrapDone: true}})
	must(t, err)
	a, err := waiter.New(waiter.Config{Store: st, Providers: []provider.Provider{e.p}, Clock: e.clock, Seed: 1})
	must(t, err)
	type result struct {
		rec hoststate.Record
		err error
	}
	res, err := clocktest.Drive(ctx, e.clock, 2, time.Second, time.Hour, func() result {
		rec, err := act(a)(ctx, "h")
		return result{rec, err}
	})
	must(t, err)
	stored, err := st.Get(ctx, "h")
	must(t, err)
	return stored, res.err
}

// A start under Compute Engine's 403 rateLimitExceeded waits out the
// limit and ends running; every resend carries the same requestId, so
// the provider performs the start once.
func TestGCPStartUnderA403RateLimit(t *testing.T) {
	rec := &sendRecorder{path: "/start"}
	e, srv := newGCP(t, false, rec)
	srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultRateLimit, Status: http.StatusForbidden, Method: http.MethodPost, Path: "/start", Count: 2})
	got := e.act(t, hoststate.StatusOff, func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Start })
	if got.Status != hoststate.StatusRunning {
		t.Fatalf("status %s after a start under a 403 rate limit, want running", got.Status)
	}
	if tr := e.cloud.Truth(fakes.GCP, e.host); tr.VM != hoststate.VMRunning {
		t.Errorf("the provider says %s", tr.RawVM)
	}
	ids := rec.sends()
	if len(ids) < 3 {
		t.Fatalf("%d start requests, want the two refused ones and the one accepted", len(ids))
	}
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("requestIds %q: every resend of one action must carry the same", ids)
		}
	}
}

// A start refused for quota (Compute Engine's 403 quotaExceeded) fails at
// once with Google's message, without resending; a 403 for missing
// permissions says nothing about the host and leaves the start in flight
// for the reconciler.
func TestGCPStartQuotaFailsPermissionLeavesInFlight(t *testing.T) {
	gcpError := func(reason, msg string) string {
		return `{"error":{"code":403,"message":"` + msg + `","errors":[{"message":"` + msg + `","domain":"usageLimits","reason":"` + reason + `"}]}}`
	}
	for name, c := range map[string]struct {
		body  string
		want  hoststate.Status
		sends int
	}{
		"quota":      {gcpError("quotaExceeded", "Quota 'GPUS_ALL_REGIONS' exceeded. Limit: 0.0 globally."), hoststate.StatusError, 1},
		"permission": {gcpError("forbidden", "Required 'compute.instances.start' permission"), hoststate.StatusStarting, 1},
	} {
		t.Run(name, func(t *testing.T) {
			rec := &sendRecorder{path: "/start"}
			e, srv := newGCP(t, false, rec)
			srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusForbidden, Method: http.MethodPost, Path: "/start", Body: c.body})
			got, err := e.try(t, hoststate.StatusOff, func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Start })
			if err == nil || got.Status != c.want {
				t.Fatalf("status %s, %v; want %s and an error", got.Status, err, c.want)
			}
			if c.want == hoststate.StatusError && !strings.Contains(got.Reason, "GPUS_ALL_REGIONS") {
				t.Errorf("reason %q does not carry Google's message", got.Reason)
			}
			if n := len(rec.sends()); n != c.sends {
				t.Errorf("%d start requests, want %d", n, c.sends)
			}
		})
	}
}

// A start of a deprovisioned Lambda host launches a new instance from the
// host's launch spec: running, the new instance's id recorded, first-boot
// setup pending again.
func TestLambdaStartOfADeprovisionedHost(t *testing.T) {
	e := newLambda(t)
	got := e.act(t, hoststate.StatusDeprovisioned, func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Start })
	tr := e.cloud.Truth(fakes.Lambda, e.host)
	if got.Status != hoststate.StatusRunning || tr.VM != hoststate.VMRunning {
		t.Fatalf("status %s, provider %s: want running", got.Status, tr.RawVM)
	}
	if got.VMID == "" || got.VMID != tr.VMID {
		t.Errorf("record VMID %q, the launched instance is %q", got.VMID, tr.VMID)
	}
	if got.BootstrapDone {
		t.Errorf("a new instance must have its first-boot setup pending")
	}
}

// A reprovision on every provider that has one recreates the VM around
// the same data volume: the volume is never deleted, the host ends
// running on a new VM holding it, with bootstrap pending.
func TestReprovisionKeepsTheDataVolume(t *testing.T) {
	for name, build := range map[string]func(t *testing.T) *emulated{
		"gcp":        func(t *testing.T) *emulated { e, _ := newGCP(t, false, &sendRecorder{}); return e },
		"nebius":     func(t *testing.T) *emulated { return newNebius(t, false) },
		"hyperstack": func(t *testing.T) *emulated { return newHyperstack(t, false) },
	} {
		t.Run(name, func(t *testing.T) {
			e := build(t)
			before := e.cloud.Truth(e.kind, e.host)
			if !before.VolumeExists {
				t.Fatalf("setup: %+v", before)
			}
			got := e.act(t, hoststate.StatusOff, func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Reprovision })
			after := e.cloud.Truth(e.kind, e.host)
			if got.Status != hoststate.StatusRunning || after.VM != hoststate.VMRunning {
				t.Fatalf("status %s, provider %s: want running", got.Status, after.RawVM)
			}
			if !after.VolumeExists || !after.VolumeAttached {
				t.Errorf("the data volume is not the new VM's: %+v", after)
			}
			if before.VMID != "" && after.VMID == before.VMID {
				t.Errorf("VM id %s unchanged: no new VM", after.VMID)
			}
			if got.VMID != after.VMID {
				t.Errorf("record VMID %q, the VM is %q", got.VMID, after.VMID)
			}
			if got.BootstrapDone {
				t.Errorf("a recreated VM must have its first-boot setup pending")
			}
			vol, ok := e.cloud.RawVolume(e.kind, e.host.Volume)
			if !ok || vol.AttachedVMID != after.VMID {
				t.Errorf("volume %+v, want attached to %s", vol, after.VMID)
			}
			for call, n := range e.cloud.Calls(e.kind) {
				if n > 0 && isVolumeDelete(call) {
					t.Errorf("%d calls of %s during a reprovision", n, call)
				}
			}
		})
	}
}

// isVolumeDelete reports whether call (a fakes call-count key) deletes a
// data volume.
func isVolumeDelete(call string) bool {
	switch call {
	case "disks.delete", "volumes.delete", emulators.NebiusDiskDelete:
		return true
	}
	return false
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
