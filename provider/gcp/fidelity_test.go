package gcp_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/option"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
)

// spec is the launch spec of these tests.
var spec = provider.LaunchSpec{Flavor: "a2-highgpu-1g", Image: "projects/debian-cloud/global/images/family/debian-12", PublicIP: true}

// stopped stops e's host and waits for it.
func stopped(t *testing.T, e *env) {
	t.Helper()
	op, err := e.p.Stop(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestReprovisionKeepsAnAutoDeleteDisk: a data disk set to be deleted with
// its instance is first set not to be, so the recreated instance has the
// same disk; the new instance has a new id and our labels.
func TestReprovisionKeepsAnAutoDeleteDisk(t *testing.T) {
	e := newEnv(t, gcp.Config{LaunchSpec: provider.FixedLaunch(spec)}, fakes.Durations{})
	ctx := context.Background()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL()+"/compute/v1/projects/proj-1/zones/us-central1-a/instances/vm-1/setDiskAutoDelete?autoDelete=true&deviceName=disk-1", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("setDiskAutoDelete: %v %v", resp, err)
	}
	stopped(t, e)
	before := e.cloud.Truth(fakes.GCP, e.host)
	op, err := e.p.Reprovision(ctx, e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	after := e.cloud.Truth(fakes.GCP, e.host)
	if !after.VolumeExists || after.VM != hoststate.VMRunning || after.VMID == before.VMID || after.VMID == "" {
		t.Fatalf("after reprovision: %+v (before %+v): want the disk kept and a new running instance", after, before)
	}
	vm, _ := e.cloud.RawVM(fakes.GCP, e.host.Instance)
	if ok, missing := provider.Owns(vm.Labels, e.host); !ok {
		t.Errorf("the new instance lacks %s: %v", missing, vm.Labels)
	}
	calls := e.cloud.Calls(fakes.GCP)
	// The test's own setDiskAutoDelete, then the adapter's.
	if calls["instances.setDiskAutoDelete"] != 2 || calls["instances.delete"] != 1 || calls["instances.insert"] != 1 {
		t.Errorf("calls %v: want the adapter's setDiskAutoDelete, one delete and one insert", calls)
	}
}

// TestReprovisionRefusals: no launch spec, a running instance, someone
// else's instance: refused, and nothing is sent that changes anything.
func TestReprovisionRefusals(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	if _, err := e.p.Reprovision(ctx, e.host); !errors.Is(err, provider.ErrUnsupported) || e.p.Supports(e.host, hoststate.ActionReprovision) == nil {
		t.Errorf("without a launch spec: %v, want ErrUnsupported (and Supports to say so)", err)
	}
	e = newEnv(t, gcp.Config{LaunchSpec: provider.FixedLaunch(spec)}, fakes.Durations{})
	if _, err := e.p.Reprovision(ctx, e.host); !errors.Is(err, provider.ErrConflict) {
		t.Errorf("a running instance: %v, want ErrConflict", err)
	}
	bad := spec
	bad.Image = "https://evil.example/x"
	e = newEnv(t, gcp.Config{LaunchSpec: provider.FixedLaunch(bad)}, fakes.Durations{})
	if err := e.p.Supports(e.host, hoststate.ActionReprovision); !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("an image that is not a path: Supports = %v, want ErrUnsupported", err)
	}
	if n := e.srv.Requests(); n != 0 {
		t.Errorf("Supports sent %d requests", n)
	}
}

// TestStartResumesASuspendedInstance: Compute Engine starts TERMINATED
// instances only; a SUSPENDED one is resumed.
func TestStartResumesASuspendedInstance(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	if err := e.cloud.SetVMStatus(fakes.GCP, e.host, "SUSPENDED"); err != nil {
		t.Fatal(err)
	}
	op, err := e.p.Start(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr := e.cloud.Truth(fakes.GCP, e.host); tr.RawVM != "RUNNING" {
		t.Errorf("after Start of a suspended instance: %s", tr.RawVM)
	}
	if calls := e.cloud.Calls(fakes.GCP); calls["instances.resume"] != 1 || calls["instances.start"] != 0 {
		t.Errorf("calls %v: want one resume and no start", calls)
	}
}

// TestStopDiscardsLocalSSDs: a stop of an instance with Local SSDs says
// what becomes of them, else Compute Engine refuses it.
func TestStopDiscardsLocalSSDs(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	if err := e.cloud.SetLocalSSD(fakes.GCP, e.host, true); err != nil {
		t.Fatal(err)
	}
	stopped(t, e)
	if tr := e.cloud.Truth(fakes.GCP, e.host); tr.RawVM != "TERMINATED" {
		t.Errorf("after Stop: %s", tr.RawVM)
	}
}

// queryRecorder records the requestId of every mutating request.
type queryRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	ids  []string
}

func (r *queryRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		r.mu.Lock()
		r.ids = append(r.ids, req.URL.Query().Get("requestId"))
		r.mu.Unlock()
	}
	return r.base.RoundTrip(req)
}

var uuid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRequestIDs: every mutating call carries a UUID requestId, the same
// for the same send (provider.WithRequestID) and step, another for
// another send; Compute Engine answers a repeat with the first call's
// operation.
func TestRequestIDs(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	rec := &queryRecorder{base: http.DefaultTransport}
	p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true, Clock: e.clock},
		option.WithEndpoint(e.srv.URL()), option.WithHTTPClient(&http.Client{Transport: rec}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	send := func(ctx context.Context) string {
		op, err := p.Reboot(ctx, e.host)
		if err != nil {
			t.Fatal(err)
		}
		return op.Name()
	}
	first := provider.WithRequestID(context.Background(), "host-1/7")
	a, b := send(first), send(first)
	c := send(provider.WithRequestID(context.Background(), "host-1/8"))
	d := send(context.Background())
	if len(rec.ids) != 4 || rec.ids[0] != rec.ids[1] || rec.ids[1] == rec.ids[2] || rec.ids[3] == rec.ids[0] {
		t.Fatalf("requestIds %q: want the same for one send, others for others", rec.ids)
	}
	for _, id := range rec.ids {
		if !uuid.MatchString(id) {
			t.Errorf("requestId %q is not a UUID", id)
		}
	}
	if a != b || a == c || c == d {
		t.Errorf("operations %s %s %s %s: a repeated requestId must answer the first operation", a, b, c, d)
	}
}

// TestOperationNamesAreChecked: an operation name that is not one goes
// into no path: the action is a bad response.
func TestOperationNamesAreChecked(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Method: http.MethodPost, Path: "/reset",
		Body: `{"name":"../../../projects/other/zones/z/operations/x","status":"RUNNING"}`})
	_, err := e.p.Reboot(context.Background(), e.host)
	if !errors.Is(err, provider.ErrBadResponse) || !strings.Contains(err.Error(), "operation") {
		t.Fatalf("Reboot answered with a hostile operation name: %v, want ErrBadResponse", err)
	}
}

// TestRateLimitQuotaAndConflictClasses: 403 userRateLimitExceeded is a rate
// limit until the next whole minute, 403 quotaExceeded a definitive refusal
// with Google's message, resourceNotReady a retryable conflict.
func TestRateLimitQuotaAndConflictClasses(t *testing.T) {
	body := func(code int, reason, msg string) string {
		return `{"error":{"code":` + strconv.Itoa(code) + `,"message":"` + msg + `","errors":[{"message":"` + msg + `","domain":"usageLimits","reason":"` + reason + `"}]}}`
	}
	for _, tt := range []struct {
		code   int
		reason string
		check  func(error) bool
	}{
		{403, "userRateLimitExceeded", func(err error) bool {
			return errors.Is(err, provider.ErrRateLimited) && provider.RetryAfter(err) == 55*time.Second
		}},
		{403, "quotaExceeded", func(err error) bool {
			return !provider.Transient(err) && strings.Contains(err.Error(), "Quota 'GPUS' exceeded")
		}},
		{400, "resourceNotReady", func(err error) bool {
			return errors.Is(err, provider.ErrRetryableConflict) && errors.Is(err, provider.ErrConflict) && provider.Transient(err)
		}},
	} {
		e := newEnv(t, gcp.Config{}, fakes.Durations{})
		e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: tt.code, Method: http.MethodPost, Path: "/reset",
			Body: body(tt.code, tt.reason, "Quota 'GPUS' exceeded.  Limit: 0.0 in region us-central1.")})
		if _, err := e.p.Reboot(context.Background(), e.host); !tt.check(err) {
			t.Errorf("%d %s: %v", tt.code, tt.reason, err)
		}
	}
}
