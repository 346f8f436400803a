package gcp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/option"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
)

// BenchmarkListDecode measures the adapter's cost per listed instance:
// one aggregated-list page of 500 real-size instances from a local
// server, fetched and decoded. answer=full sends every field
// (testdata/instance.json carries what a Compute Engine answer does:
// disks, network interfaces, metadata, service accounts, scheduling,
// shielded-VM settings), as a server that ignores the fields parameter
// would; answer=partial sends what Compute Engine sends for the adapter's
// field mask (testdata/instance-fields.json: the emulator's mask applied
// to instance.json, checked by the emulator's tests), and fails unless the
// request asked for it.
func BenchmarkListDecode(b *testing.B) {
	const perPage = 500
	for _, tc := range []struct{ answer, file string }{{"full", "instance.json"}, {"partial", "instance-fields.json"}} {
		b.Run("answer="+tc.answer, func(b *testing.B) {
			golden, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				b.Fatal(err)
			}
			var items []string
			for i := range perPage {
				items = append(items, strings.ReplaceAll(string(golden), "NAME", fmt.Sprintf("vm-%04d", i)))
			}
			page := `{"items":{"zones/us-central1-a":{"instances":[` + strings.Join(items, ",") + `]},` +
				`"zones/us-central1-b":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`
			if tc.answer == "full" {
				page = `{"kind":"compute#instanceAggregatedList","id":"projects/proj-1/aggregated/instances","items":{` +
					`"zones/us-central1-a":{"instances":[` + strings.Join(items, ",") + `]},` +
					`"zones/us-central1-b":{"warning":{"code":"NO_RESULTS_ON_PAGE","message":"There are no results for scope 'zones/us-central1-b' on this page.","data":[{"key":"scope","value":"zones/us-central1-b"}]}}},` +
					`"selfLink":"https://www.googleapis.com/compute/v1/projects/proj-1/aggregated/instances"}`
			}
			asked := ""
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked = r.URL.Query().Get("fields")
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(page))
			}))
			defer srv.Close()
			p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true, PageSize: perPage}, option.WithEndpoint(srv.URL), option.WithoutAuthentication())
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				got, err := p.ListPage(context.Background(), "proj-1", "")
				if err != nil || len(got.VMs) != perPage || got.VMs[0].Address != "203.0.113.17" || got.VMs[0].VMID != "4821937463728190563" {
					b.Fatalf("listed %d VMs: %v", len(got.VMs), err)
				}
			}
			b.StopTimer()
			if !strings.Contains(asked, "instances(name,id,status,") {
				b.Fatalf("the listing asked for fields %q", asked)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/perPage, "ns/entry")
		})
	}
}

// TestListingAsksForPartialResponses: both listings name the fields the
// adapter reads (the request's other parameters and headers are
// TestListRequestIsTheSDKs's and
// TestRequestsCarryTheCredentialsAndNoInternalHeader's).
func TestListingAsksForPartialResponses(t *testing.T) {
	var fields []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fields = append(fields, r.URL.Query().Get("fields"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":{}}`))
	}))
	defer srv.Close()
	p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true}, option.WithEndpoint(srv.URL), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for token := ""; ; {
		page, err := p.ListPage(context.Background(), "proj-1", token)
		if err != nil {
			t.Fatal(err)
		}
		if token = page.Next; token == "" {
			break
		}
	}
	want := []string{
		"items/*/instances(name,id,status,networkInterfaces/accessConfigs/natIP),items/*/warning/code,nextPageToken,unreachables",
		"items/*/disks(name,status),items/*/warning/code,nextPageToken,unreachables",
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields asked (-want +got):\n%s", diff)
	}
}

// sweepCalls lists every scope of hosts spread over zones (in one project)
// against the emulator and returns the API calls the sweep took.
func sweepCalls(t testing.TB, zones, hosts int) int {
	cloud := fakes.NewCloud(clocktest.New(start), 1)
	srv := emulators.NewGCP(cloud)
	defer srv.Close()
	p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true}, option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	scopes := map[string]bool{}
	for i := range hosts {
		h := provider.Host{Project: "proj-1", Zone: fmt.Sprintf("us-central1-%c", 'a'+i%zones), Instance: fmt.Sprintf("vm-%04d", i), Volume: fmt.Sprintf("disk-%04d", i)}
		if err := srv.AddHost(h, true); err != nil {
			t.Fatal(err)
		}
		scopes[p.Scope(h)] = true
	}
	cloud.ResetCalls()
	listed := 0
	for scope := range scopes {
		for token := ""; ; {
			page, err := p.ListPage(context.Background(), scope, token)
			if err != nil {
				t.Fatal(err)
			}
			listed += len(page.VMs)
			if token = page.Next; token == "" {
				break
			}
		}
	}
	if listed != hosts {
		t.Fatalf("listed %d of %d hosts", listed, hosts)
	}
	return cloud.Calls(fakes.GCP).Total()
}

// BenchmarkSweepCalls reports the API calls a full sweep's listing of
// 200 hosts takes when they sit in 1 or 8 zones of one project.
func BenchmarkSweepCalls(b *testing.B) {
	for _, zones := range []int{1, 8} {
		b.Run(fmt.Sprintf("zones=%d", zones), func(b *testing.B) {
			calls := 0
			for b.Loop() {
				calls = sweepCalls(b, zones, 200)
			}
			b.ReportMetric(float64(calls), "calls/sweep")
		})
	}
}

// TestSweepCallsIndependentOfZones: one aggregated listing per project,
// so spreading the hosts over more zones costs no more calls.
func TestSweepCallsIndependentOfZones(t *testing.T) {
	one := sweepCalls(t, 1, 40)
	for _, zones := range []int{2, 8} {
		if got := sweepCalls(t, zones, 40); got != one {
			t.Errorf("%d zones: %d calls per sweep, 1 zone: %d", zones, got, one)
		}
	}
	if one != 2 {
		t.Errorf("a sweep of 40 hosts took %d calls, want 2 (instances, disks)", one)
	}
}
