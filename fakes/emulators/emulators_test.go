package emulators_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
)

var gcpHost = provider.Host{Project: "proj-1", Zone: "zone-a", Instance: "vm-1", Volume: "disk-1", Labels: map[string]string{"owner": "me"}}

// get sends a request and returns the status, headers and body.
func get(t *testing.T, ctx context.Context, method, url string, header http.Header, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func newGCP(t *testing.T) *emulators.Server {
	t.Helper()
	srv := emulators.NewGCP(fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{})))
	t.Cleanup(srv.Close)
	if err := srv.AddHost(gcpHost, true); err != nil {
		t.Fatal(err)
	}
	return srv
}

const instancePath = "/compute/v1/projects/proj-1/zones/zone-a/instances/vm-1"

func TestFaultMatchingAndCount(t *testing.T) {
	srv := newGCP(t)
	ctx := context.Background()
	srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 503, Method: http.MethodGet, Path: "/instances/", Count: 2})
	var got []int
	for range 3 {
		code, _, _ := get(t, ctx, http.MethodGet, srv.URL()+instancePath, nil, "")
		got = append(got, code)
	}
	if code, _, _ := get(t, ctx, http.MethodGet, srv.URL()+"/compute/v1/projects/proj-1/zones/zone-a/disks/disk-1", nil, ""); code != 200 {
		t.Errorf("a request outside the fault's path got %d", code)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 500})
	srv.ClearHTTPFaults()
	if code, _, _ := get(t, ctx, http.MethodGet, srv.URL()+instancePath, nil, ""); code != 200 {
		t.Errorf("after ClearHTTPFaults: %d", code)
	}
}

func TestFaultKinds(t *testing.T) {
	srv := newGCP(t)
	ctx := context.Background()
	url := srv.URL() + instancePath
	tests := []struct {
		fault emulators.Fault
		check func(code int, h http.Header, body []byte) error
	}{
		// Compute Engine's rate limit is a 403 rateLimitExceeded; a 429
		// happens too.
		{emulators.Fault{Kind: emulators.FaultRateLimit, RetryAfter: 9 * time.Second}, func(code int, h http.Header, b []byte) error {
			return want(code == 403 && h.Get("Retry-After") == "9" && bytes.Contains(b, []byte(`"reason":"rateLimitExceeded"`)), "403 rateLimitExceeded with Retry-After 9")
		}},
		{emulators.Fault{Kind: emulators.FaultRateLimit, Status: 429}, func(code int, h http.Header, b []byte) error {
			return want(code == 429 && h.Get("Retry-After") == "" && bytes.Contains(b, []byte(`"reason":"rateLimitExceeded"`)), "429 without Retry-After")
		}},
		{emulators.Fault{Kind: emulators.FaultHTML}, func(code int, h http.Header, b []byte) error {
			return want(code == 502 && strings.HasPrefix(h.Get("Content-Type"), "text/html") && bytes.Contains(b, []byte("<html>")), "an HTML 502")
		}},
		{emulators.Fault{Kind: emulators.FaultMalformed}, func(code int, _ http.Header, b []byte) error {
			return want(code == 200 && !json.Valid(b), "malformed JSON")
		}},
		{emulators.Fault{Kind: emulators.FaultTruncated}, func(code int, _ http.Header, b []byte) error {
			return want(code == 200 && !json.Valid(b) && bytes.HasPrefix(b, []byte(`{"`)), "a truncated answer")
		}},
		{emulators.Fault{Kind: emulators.FaultHuge, Size: 1 << 20}, func(code int, _ http.Header, b []byte) error {
			return want(code == 200 && len(b) > 1<<20 && json.Valid(b), "a huge valid body")
		}},
		{emulators.Fault{Kind: emulators.FaultStatus, Status: 500, Body: emulators.HyperstackBare500}, func(code int, _ http.Header, b []byte) error {
			return want(code == 500 && string(b) == emulators.HyperstackBare500, "the bare body")
		}},
	}
	for _, tt := range tests {
		srv.ClearHTTPFaults()
		srv.InjectHTTPFault(tt.fault)
		code, h, b := get(t, ctx, http.MethodGet, url, nil, "")
		if err := tt.check(code, h, b); err != nil {
			t.Errorf("fault %d: %v (got %d %.80s)", tt.fault.Kind, err, code, b)
		}
	}
}

// want returns an error naming what was expected unless ok.
func want(ok bool, what string) error {
	if ok {
		return nil
	}
	return errors.New("want " + what)
}

func TestSlowFaultEndsWithTheRequest(t *testing.T) {
	srv := newGCP(t)
	srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultSlow})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+instancePath, nil)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow answer: %v, want the request's deadline", err)
	}
}

func TestCloudFaultsBecomeStatuses(t *testing.T) {
	tests := []struct {
		faults fakes.Faults
		code   int
		retry  string
	}{
		{fakes.Faults{ErrorRate: 1}, 503, ""},
		{fakes.Faults{TimeoutRate: 1}, 504, ""},
		{fakes.Faults{RateLimitRate: 1, RetryAfter: 1500 * time.Millisecond}, 403, "2"}, // Compute Engine's rateLimitExceeded
	}
	for _, tt := range tests {
		srv := newGCP(t)
		if err := srv.Cloud().SetFaults(fakes.GCP, tt.faults); err != nil {
			t.Fatal(err)
		}
		code, h, b := get(t, context.Background(), http.MethodGet, srv.URL()+instancePath, nil, "")
		if code != tt.code || h.Get("Retry-After") != tt.retry {
			t.Errorf("%+v: got %d (Retry-After %q), want %d (%q)", tt.faults, code, h.Get("Retry-After"), tt.code, tt.retry)
		}
		var env struct {
			Error struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal(b, &env); err != nil || env.Error.Code != tt.code {
			t.Errorf("%+v: body is not Google's envelope: %s", tt.faults, b)
		}
		if n := srv.Cloud().Calls(fakes.GCP)["instances.get"]; n != 1 {
			t.Errorf("calls counted: %d, want 1", n)
		}
	}
}

func TestUnknownPathsAndAuth(t *testing.T) {
	cloud := fakes.NewCloud(nil, 1)
	gcp, hs, lam := emulators.NewGCP(cloud), emulators.NewHyperstack(cloud, "hk"), emulators.NewLambda(cloud, "lk")
	for _, s := range []*emulators.Server{gcp, hs, lam} {
		defer s.Close()
	}
	ctx := context.Background()
	tests := []struct {
		name, url string
		header    http.Header
		code      int
		body      string
	}{
		// An unrouted path is a front end's 404, never the provider's own
		// not-found envelope: it must not read as a resource's absence.
		{"gcp unknown", gcp.URL() + "/compute/v1/nothing", nil, 404, "404 page not found"},
		{"hyperstack no key", hs.BaseURL() + "/core/virtual-machines", nil, 401, `"status":false`},
		{"hyperstack unknown", hs.BaseURL() + "/core/nothing", http.Header{"api_key": {"hk"}}, 404, "404 page not found"},
		{"lambda wrong key", lam.BaseURL() + "/instances", http.Header{"Authorization": {"Bearer nope"}}, 401, `"code":"global/invalid-api-key"`},
		{"lambda unknown", lam.BaseURL() + "/nothing", http.Header{"Authorization": {"Bearer lk"}}, 404, "404 page not found"},
	}
	for _, tt := range tests {
		code, _, b := get(t, ctx, http.MethodGet, tt.url, tt.header, "")
		if code != tt.code || !strings.Contains(string(b), tt.body) {
			t.Errorf("%s: %d %s, want %d with %s", tt.name, code, b, tt.code, tt.body)
		}
	}
}

func TestGCPAggregatedListPages(t *testing.T) {
	srv := newGCP(t)
	for _, name := range []string{"vm-2", "vm-3"} {
		h := gcpHost
		h.Instance, h.Volume = name, "disk-"+name
		if err := srv.AddHost(h, true); err != nil {
			t.Fatal(err)
		}
	}
	other := gcpHost
	other.Instance, other.Volume, other.Labels = "vm-other", "disk-other", map[string]string{"owner": "you"}
	if err := srv.AddHost(other, true); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	base := srv.URL() + "/compute/v1/projects/proj-1/aggregated/instances?maxResults=2&filter=" + `(labels.owner+%3D+"me")`
	var names []string
	token := ""
	for range 5 {
		url := base
		if token != "" {
			url += "&pageToken=" + token
		}
		code, _, b := get(t, ctx, http.MethodGet, url, nil, "")
		if code != 200 {
			t.Fatalf("%d %s", code, b)
		}
		var page struct {
			Items map[string]struct {
				Instances []struct{ Name string } `json:"instances"`
			} `json:"items"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		for _, inst := range page.Items["zones/zone-a"].Instances {
			names = append(names, inst.Name)
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if diff := cmp.Diff([]string{"vm-1", "vm-2", "vm-3"}, names); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
	if code, _, _ := get(t, ctx, http.MethodGet, srv.URL()+"/compute/v1/projects/proj-1/aggregated/instances?filter=name+eq+x", nil, ""); code != 400 {
		t.Errorf("an unsupported filter got %d, want 400", code)
	}
}

func TestHyperstackNewVMNewID(t *testing.T) {
	cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
	srv := emulators.NewHyperstack(cloud, "k")
	defer srv.Close()
	h := provider.Host{Instance: "h1", Volume: "5"}
	if err := srv.AddHost(h, true); err != nil {
		t.Fatal(err)
	}
	key := http.Header{"api_key": {"k"}}
	ctx := context.Background()
	list := func() (id float64) {
		_, _, b := get(t, ctx, http.MethodGet, srv.BaseURL()+"/core/virtual-machines?search=h1", key, "")
		var page struct {
			Instances []struct {
				ID float64 `json:"id"`
			} `json:"instances"`
		}
		if err := json.Unmarshal(b, &page); err != nil || len(page.Instances) != 1 {
			t.Fatalf("listing %s: %v", b, err)
		}
		return page.Instances[0].ID
	}
	first := list()
	if err := cloud.ConsoleStop(fakes.Hyperstack, h); err != nil {
		t.Fatal(err)
	}
	code, _, b := get(t, ctx, http.MethodPost, srv.BaseURL()+"/core/virtual-machines", key, `{"name":"h1","volume_name":"5","count":1}`)
	if code != 200 {
		t.Fatalf("create: %d %s", code, b)
	}
	if second := list(); second == first {
		t.Errorf("the recreated VM kept id %v", first)
	}
	if code, _, _ := get(t, ctx, http.MethodGet, srv.BaseURL()+"/core/virtual-machines/"+jsonNumber(first), key, ""); code != 404 {
		t.Errorf("the old VM's id answers %d, want 404", code)
	}
	code, _, b = get(t, ctx, http.MethodPost, srv.BaseURL()+"/core/virtual-machines", key, `{"name":"h1","volume_name":"5","count":1}`)
	if code != 400 || !strings.Contains(string(b), `"error_reason":"bad_request"`) || !strings.Contains(string(b), "is not available") {
		t.Errorf("create while the VM exists: %d %s, want Hyperstack's 400 bad_request", code, b)
	}
}

// TestHyperstackAttachedVolumeDelete: deleting a volume its VM still holds
// is refused with Hyperstack's own answer (HTTP 400, bad_request, "The
// Volume is currently attached to vm ... Please detach it"); once the VM
// is deleted and the volume detached, the delete goes through.
func TestHyperstackAttachedVolumeDelete(t *testing.T) {
	cloud := fakes.NewCloud(nil, 1)
	srv := emulators.NewHyperstack(cloud, "k")
	defer srv.Close()
	h := provider.Host{Instance: "h1", Volume: "5"}
	if err := srv.AddHost(h, true); err != nil {
		t.Fatal(err)
	}
	key := http.Header{"api_key": {"k"}}
	ctx := context.Background()
	refused := func(when string) {
		t.Helper()
		code, _, b := get(t, ctx, http.MethodDelete, srv.BaseURL()+"/core/volumes/5", key, "")
		var env struct {
			Status      *bool  `json:"status"`
			Message     string `json:"message"`
			ErrorReason string `json:"error_reason"`
		}
		if err := json.Unmarshal(b, &env); err != nil || code != 400 || env.Status == nil || *env.Status ||
			env.ErrorReason != "bad_request" || !strings.HasPrefix(env.Message, "The Volume is currently attached to vm ") ||
			!strings.HasSuffix(env.Message, "Please detach it") {
			t.Fatalf("delete of the volume %s: %d %s, want Hyperstack's 400", when, code, b)
		}
	}
	refused("while its VM runs")
	_, _, b := get(t, ctx, http.MethodGet, srv.BaseURL()+"/core/virtual-machines?search=h1", key, "")
	var page struct {
		Instances []struct {
			ID float64 `json:"id"`
		} `json:"instances"`
	}
	if err := json.Unmarshal(b, &page); err != nil || len(page.Instances) != 1 {
		t.Fatalf("listing %s: %v", b, err)
	}
	if code, _, b := get(t, ctx, http.MethodDelete, srv.BaseURL()+"/core/virtual-machines/"+jsonNumber(page.Instances[0].ID), key, ""); code != 200 {
		t.Fatalf("delete VM: %d %s", code, b)
	}
	refused("while its VM is deleted")
	cloud.Clock().Advance(time.Minute)
	if tr := cloud.Truth(fakes.Hyperstack, h); tr.VMExists || tr.RawVolume != "available" {
		t.Fatalf("after the VM's delete: %+v, want the VM gone and the volume available", tr)
	}
	if code, _, b := get(t, ctx, http.MethodDelete, srv.BaseURL()+"/core/volumes/5", key, ""); code != 200 {
		t.Fatalf("delete of the detached volume: %d %s", code, b)
	}
	if tr := cloud.Truth(fakes.Hyperstack, h); tr.RawVolume != "deleting" {
		t.Errorf("after the volume's delete: %+v, want deleting", tr)
	}
}

// jsonNumber renders an id read as float64.
func jsonNumber(f float64) string {
	b, _ := json.Marshal(int64(f))
	return string(b)
}

// TestSelfHostConnectors: connector calls act on the cloud and are
// counted; Deliver reports every online connector's VMs, not_found once
// gone, and nothing for an offline one.
func TestSelfHostConnectors(t *testing.T) {
	cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
	emu := emulators.NewSelfHost(cloud)
	h := provider.Host{Project: "conn-1", Instance: "vm-1"}
	if err := emu.AddHost(h, true); err != nil {
		t.Fatal(err)
	}
	p, err := selfhost.New(selfhost.Config{Connector: emu.Connector(), Now: cloud.Clock().Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	probe := func() hoststate.Observation {
		t.Helper()
		if err := emu.Deliver(context.Background(), p, nil); err != nil {
			t.Fatal(err)
		}
		obs, err := p.Probe(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		return obs
	}
	if obs := probe(); obs.VM != hoststate.VMRunning || obs.Address == "" {
		t.Fatalf("running host: %+v", obs)
	}
	if _, err := p.Stop(ctx, h); err != nil {
		t.Fatal(err)
	}
	if obs := probe(); obs.RawVM != "stopped" || emu.Requests() != 1 {
		t.Fatalf("after a stop: %+v, %d requests", obs, emu.Requests())
	}
	if err := cloud.ConsoleDelete(fakes.SelfHost, h); err != nil {
		t.Fatal(err)
	}
	if obs := probe(); obs.VM != hoststate.VMAbsent || obs.RawVM != selfhost.NotFound {
		t.Fatalf("after a delete: %+v", obs)
	}
	if err := cloud.SetConnectorOnline(h, false); err != nil {
		t.Fatal(err)
	}
	cloud.Clock().Advance(selfhost.DefaultTTL + time.Second)
	if obs := probe(); !obs.Unreachable {
		t.Fatalf("offline connector: %+v, want unreachable", obs)
	}
}
