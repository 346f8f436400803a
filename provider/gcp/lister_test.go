package gcp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/option"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
)

// listAll walks a scope's listing to the end and returns the VM and volume
// names, failing on a page error or an endless listing.
func listAll(t interface {
	Helper()
	Fatalf(string, ...any)
}, p provider.Lister, scope string) (vms, vols []string, pages int) {
	t.Helper()
	token := ""
	for pages = 1; ; pages++ {
		page, err := p.ListPage(context.Background(), scope, token)
		if err != nil {
			t.Fatalf("ListPage %d: %v", pages, err)
		}
		for _, v := range page.VMs {
			vms = append(vms, v.Zone+"/"+v.Instance)
		}
		for _, v := range page.Volumes {
			vols = append(vols, v.Zone+"/"+v.Volume)
		}
		if page.Next == "" {
			return vms, vols, pages
		}
		if pages > 1000 {
			t.Fatalf("listing does not end")
		}
		token = page.Next
	}
}

func TestListPageProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
		srv := emulators.NewGCP(cloud)
		defer srv.Close()
		mine := map[string]string{"managed-by": "driftless"}
		zones := []string{"us-central1-a", "us-central1-b"}
		var wantVMs, wantVols []string
		n := rapid.IntRange(0, 12).Draw(rt, "hosts")
		for i := range n {
			zone := rapid.SampledFrom(zones).Draw(rt, "zone")
			ours := rapid.Bool().Draw(rt, "ours")
			running := rapid.Bool().Draw(rt, "running")
			h := provider.Host{Project: "proj-1", Zone: zone, Instance: fmt.Sprintf("vm-%02d", i), Volume: fmt.Sprintf("disk-%02d", i)}
			if ours {
				h.Labels = mine
			} else {
				h.Labels = map[string]string{"managed-by": "someone-else"}
			}
			if err := srv.AddHost(h, running); err != nil {
				rt.Fatal(err)
			}
			if ours {
				wantVMs, wantVols = append(wantVMs, zone+"/"+h.Instance), append(wantVols, zone+"/"+h.Volume)
			}
		}
		pageSize := rapid.IntRange(1, 5).Draw(rt, "pageSize")
		p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true, Labels: mine, PageSize: pageSize},
			option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
		if err != nil {
			rt.Fatal(err)
		}
		defer p.Close()
		vms, vols, _ := listAll(rt, p, "proj-1") // one listing for every zone
		slices.Sort(vms)
		slices.Sort(vols)
		slices.Sort(wantVMs)
		slices.Sort(wantVols)
		if diff := cmp.Diff(wantVMs, vms); diff != "" {
			rt.Errorf("listed VMs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantVols, vols); diff != "" {
			rt.Errorf("listed disks (-want +got):\n%s", diff)
		}
	})
}

func TestListPageCostsPagesNotHosts(t *testing.T) {
	e := newEnv(t, gcp.Config{PageSize: 10, Labels: map[string]string{"managed-by": "driftless"}}, fakes.Durations{})
	for i := range 45 {
		h := e.host
		h.Instance, h.Volume = fmt.Sprintf("vm-x%02d", i), fmt.Sprintf("disk-x%02d", i)
		if err := e.srv.AddHost(h, true); err != nil {
			t.Fatal(err)
		}
	}
	e.cloud.ResetCalls()
	vms, vols, pages := listAll(t, e.p, e.p.Scope(e.host))
	if len(vms) != 46 || len(vols) != 46 {
		t.Fatalf("listed %d VMs and %d disks, want 46 each", len(vms), len(vols))
	}
	// 46 instances in pages of 10, then 46 disks: 5 + 5 requests.
	if got := e.cloud.Calls(fakes.GCP).Total(); got != 10 || pages != 10 {
		t.Errorf("listing took %d API calls over %d pages, want 10", got, pages)
	}
}

func TestListPageReportsState(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	page, err := e.p.ListPage(context.Background(), e.p.Scope(e.host), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.ListedVM{{Instance: "vm-1", Zone: e.host.Zone, VM: 1, Raw: "RUNNING", Address: "10.0.0.1", VMID: e.cloud.Truth(fakes.GCP, e.host).VMID}}
	if diff := cmp.Diff(want, page.VMs); diff != "" {
		t.Errorf("VMs (-want +got):\n%s", diff)
	}
	page, err = e.p.ListPage(context.Background(), e.p.Scope(e.host), page.Next)
	if err != nil {
		t.Fatal(err)
	}
	wantVol := []provider.ListedVolume{{Volume: "disk-1", Zone: e.host.Zone, State: 1, Raw: "READY"}}
	if diff := cmp.Diff(wantVol, page.Volumes); diff != "" || page.Next != "" {
		t.Errorf("volumes (-want +got):\n%s next %q", diff, page.Next)
	}
}

func TestListPagePartialIsAnError(t *testing.T) {
	bodies := map[string]string{
		"unreachables":     `{"items":{},"unreachables":["zones/us-central1-a"]}`,
		"zone unreachable": `{"items":{"zones/us-central1-a":{"warning":{"code":"UNREACHABLE","message":"down"}}}}`,
	}
	bad := map[string]string{
		"nameless instance": `{"items":{"zones/us-central1-a":{"instances":[{"status":"RUNNING"}]}}}`,
		"statusless":        `{"items":{"zones/us-central1-a":{"instances":[{"name":"vm-9"}]}}}`,
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, gcp.Config{}, fakes.Durations{})
			e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusOK, Body: body})
			if _, err := e.p.ListPage(context.Background(), e.p.Scope(e.host), ""); !errors.Is(err, provider.ErrBadResponse) {
				t.Fatalf("ListPage error = %v, want ErrBadResponse", err)
			}
		})
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, gcp.Config{}, fakes.Durations{})
			e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: http.StatusOK, Body: body})
			if _, err := e.p.ListPage(context.Background(), e.p.Scope(e.host), ""); !errors.Is(err, provider.ErrUnavailable) {
				t.Fatalf("ListPage error = %v, want ErrUnavailable", err)
			}
		})
	}
}

func TestListPageBadInput(t *testing.T) {
	e := newEnv(t, gcp.Config{}, fakes.Durations{})
	for _, tt := range []struct{ scope, token string }{
		{"", ""},
		{"Proj", ""},
		{"proj-1/us-central1-a", ""}, // the scope is a project
		{"proj-1", "garbage"},
		{"proj-1", "x:abc"},
	} {
		if _, err := e.p.ListPage(context.Background(), tt.scope, tt.token); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("ListPage(%q, %q) error = %v, want ErrInvalidHost", tt.scope, tt.token, err)
		}
	}
	if n := e.cloud.Calls(fakes.GCP).Total(); n != 0 {
		t.Errorf("bad listing input made %d calls", n)
	}
}

// A listing Compute Engine reports as partial is unavailable, never a bad
// answer, and says which call (listing and project) could not reach which
// scope.
func TestPartialListingIsUnavailable(t *testing.T) {
	for name, body := range map[string]string{
		"warning":      `{"items":{"zones/us-central1-a":{"instances":[{"name":"vm-1","id":"1","status":"RUNNING"}]},"zones/us-central1-b":{"warning":{"code":"UNREACHABLE","message":"down"}}}}`,
		"unreachables": `{"items":{"zones/us-central1-a":{"instances":[{"name":"vm-1","id":"1","status":"RUNNING"}]}},"unreachables":["zones/us-central1-b"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			}))
			defer srv.Close()
			p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true}, option.WithEndpoint(srv.URL), option.WithoutAuthentication())
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			for token, call := range map[string]string{"": "list instances proj-1", "d:": "list disks proj-1"} {
				_, err = p.ListPage(context.Background(), "proj-1", token)
				if !errors.Is(err, provider.ErrUnavailable) || errors.Is(err, provider.ErrBadResponse) || !strings.Contains(err.Error(), "us-central1-b") {
					t.Fatalf("ListPage(%q) = %v; want unavailable (not a bad response) naming the zone", token, err)
				}
				if !strings.Contains(err.Error(), "gcp: "+call+": ") {
					t.Errorf("ListPage(%q) = %v; want the call %q named", token, err, call)
				}
			}
		})
	}
}

// TestScopesThatAreNotZones: an UNREACHABLE warning fails the page
// whatever its scope's key; entries under a key that names no zone are a
// bad response in the instance listing (instances are zonal); the disk
// listing skips a region's scope (its regional disks are no host's).
func TestScopesThatAreNotZones(t *testing.T) {
	const vm = `{"name":"vm-1","id":"1","status":"RUNNING"}`
	const disk = `{"name":"disk-1","status":"READY"}`
	for _, tc := range []struct {
		name, token, body string
		want              error // nil: the page lists only vm-1/disk-1 of zones/a
	}{
		{"region unreachable", "", `{"items":{"zones/a":{"instances":[` + vm + `]},"regions/r":{"warning":{"code":"UNREACHABLE"}}}}`, provider.ErrUnavailable},
		{"empty zone unreachable", "", `{"items":{"zones/a":{"instances":[` + vm + `]},"zones/":{"warning":{"code":"UNREACHABLE"}}}}`, provider.ErrUnavailable},
		{"global unreachable disks", "d:", `{"items":{"zones/a":{"disks":[` + disk + `]},"global":{"warning":{"code":"UNREACHABLE"}}}}`, provider.ErrUnavailable},
		{"region unreachable disks", "d:", `{"items":{"zones/a":{"disks":[` + disk + `]},"regions/r":{"warning":{"code":"UNREACHABLE"}}}}`, provider.ErrUnavailable},
		{"empty zone entries", "", `{"items":{"zones/a":{"instances":[` + vm + `]},"zones/":{"instances":[` + vm + `]}}}`, provider.ErrBadResponse},
		{"empty zone disks", "d:", `{"items":{"zones/a":{"disks":[` + disk + `]},"zones/":{"disks":[` + disk + `]}}}`, provider.ErrBadResponse},
		{"region instances", "", `{"items":{"zones/a":{"instances":[` + vm + `]},"regions/r":{"instances":[` + vm + `]}}}`, provider.ErrBadResponse},
		{"region empty instances", "", `{"items":{"zones/a":{"instances":[` + vm + `]},"regions/r":{"instances":[],"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`, nil},
		{"regional disks", "d:", `{"items":{"zones/a":{"disks":[` + disk + `]},"regions/r":{"disks":[` + disk + `]}}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			p, err := gcp.New(context.Background(), gcp.Config{AllowInsecureHTTP: true}, option.WithEndpoint(srv.URL), option.WithoutAuthentication())
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			page, err := p.ListPage(context.Background(), "proj-1", tc.token)
			if tc.want != nil {
				other := provider.ErrBadResponse
				if tc.want == other {
					other = provider.ErrUnavailable
				}
				if !errors.Is(err, tc.want) || errors.Is(err, other) {
					t.Fatalf("ListPage = %+v, %v; want an error matching %v only", page, err, tc.want)
				}
				return
			}
			if err != nil || len(page.VMs)+len(page.Volumes) != 1 {
				t.Fatalf("ListPage = %+v, %v; want the one entry of zones/a", page, err)
			}
		})
	}
}
