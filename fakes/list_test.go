package fakes_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// addShuffled adds n hosts of kind in a scrambled order, so listings must
// sort; every third one is added stopped. It returns the instance names,
// sorted.
func addShuffled(t testing.TB, c *fakes.Cloud, kind string, n int, seed uint64) []string {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("vm-%05d", i)
	}
	shuffled := slices.Clone(names)
	rand.New(rand.NewPCG(seed, 0)).Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for i, name := range shuffled {
		addHost(t, c, kind, name, i%3 != 0)
	}
	return names
}

func TestListPagePaging(t *testing.T) {
	for _, kind := range fakes.Kinds() {
		for _, tc := range []struct{ n, pageSize, wantPages int }{
			{0, 0, 1}, {1, 0, 1}, {49, 0, 1}, {50, 0, 1}, {51, 0, 2}, {120, 0, 3},
			{120, 7, 18}, {7, 7, 1}, {8, 7, 2},
		} {
			t.Run(fmt.Sprintf("%s/n=%d/size=%d", kind, tc.n, tc.pageSize), func(t *testing.T) {
				c, _ := newCloud(t, 1, fakes.WithPageSize(tc.pageSize))
				l := lister(t, c, kind)
				names := addShuffled(t, c, kind, tc.n, uint64(tc.n))
				scope := l.Scope(hostFor(kind, "x"))
				// A host in another scope, where the kind has several, must
				// not appear.
				other := hostFor(kind, "zz-other")
				other.Project, other.Zone = "proj-2", "europe-west1-b"
				if l.Scope(other) != scope {
					if err := c.AddHost(kind, other, true); err != nil {
						t.Fatal(err)
					}
				}
				pages := listAll(t, l, scope)
				if len(pages) != tc.wantPages {
					t.Errorf("%d pages, want %d", len(pages), tc.wantPages)
				}
				size := tc.pageSize
				if size == 0 {
					size = fakes.DefaultPageSize
				}
				var vms, volumes []string
				for i, page := range pages {
					if len(page.VMs) > size {
						t.Errorf("page %d has %d VMs, more than the page size %d", i, len(page.VMs), size)
					}
					for _, vm := range page.VMs {
						vms = append(vms, vm.Instance)
						obs := probe(t, c, kind, hostFor(kind, vm.Instance))
						got := provider.ListedVM{Instance: vm.Instance, VM: obs.VM, Raw: obs.RawVM, Address: obs.Address, VMID: obs.VMID}
						if diff := cmp.Diff(got, vm); diff != "" {
							t.Errorf("listed VM differs from its probe (-probe +listed):\n%s", diff)
						}
					}
					for _, v := range page.Volumes {
						volumes = append(volumes, v.Volume)
					}
				}
				// Every host with a VM is listed once, in order; stopped
				// hyperstack and lambda hosts have no VM.
				var wantVMs, wantVolumes []string
				for _, name := range names {
					h := hostFor(kind, name)
					if c.Truth(kind, h).VMExists {
						wantVMs = append(wantVMs, name)
					}
					if c.Truth(kind, h).VolumeExists {
						wantVolumes = append(wantVolumes, h.Volume)
					}
				}
				if diff := cmp.Diff(wantVMs, vms); diff != "" {
					t.Errorf("listed VMs (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantVolumes, volumes); diff != "" {
					t.Errorf("listed volumes (-want +got):\n%s", diff)
				}
				if got := c.Calls(kind)[fakes.MethodListPage]; got != len(pages) {
					t.Errorf("counted %d ListPage calls for %d pages", got, len(pages))
				}
			})
		}
	}
}

func TestListPageUnknownScopeIsEmpty(t *testing.T) {
	c, _ := newCloud(t, 1)
	addHost(t, c, fakes.Nebius, "vm-1", true)
	page, err := c.Provider(fakes.Nebius).(provider.Lister).ListPage(ctx, "nowhere", "")
	if err != nil || len(page.VMs) != 0 || len(page.Volumes) != 0 || page.Next != "" {
		t.Errorf("ListPage(unknown scope) = %+v, %v; want one empty page", page, err)
	}
}

// TestListPageTokenSurvivesInsertions: the token names the next host, so a
// host added mid-listing after the token is still listed and nothing
// repeats.
func TestListPageTokenSurvivesInsertions(t *testing.T) {
	c, _ := newCloud(t, 1, fakes.WithPageSize(2))
	for _, n := range []string{"b", "d", "f", "h"} {
		addHost(t, c, fakes.Lambda, n, true)
	}
	l := c.Provider(fakes.Lambda).(provider.Lister)
	scope := l.Scope(hostFor(fakes.Lambda, "x"))
	first, err := l.ListPage(ctx, scope, "")
	if err != nil {
		t.Fatal(err)
	}
	addHost(t, c, fakes.Lambda, "a", true) // before the token: missed this round
	addHost(t, c, fakes.Lambda, "e", true) // after it: listed
	var got []string
	for _, vm := range first.VMs {
		got = append(got, vm.Instance)
	}
	for _, page := range listAllFrom(t, l, scope, first.Next) {
		for _, vm := range page.VMs {
			got = append(got, vm.Instance)
		}
	}
	if diff := cmp.Diff([]string{"b", "d", "e", "f", "h"}, got); diff != "" {
		t.Errorf("listing across insertions (-want +got):\n%s", diff)
	}
}

func listAllFrom(t testing.TB, l provider.Lister, scope, token string) []provider.ListPage {
	t.Helper()
	var pages []provider.ListPage
	for token != "" {
		page, err := l.ListPage(ctx, scope, token)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page)
		token = page.Next
	}
	return pages
}

func TestListPagePartialFault(t *testing.T) {
	c, _ := newCloud(t, 7)
	addShuffled(t, c, fakes.GCP, 400, 3)
	if err := c.SetFaults(fakes.GCP, fakes.Faults{PartialListRate: 0.25}); err != nil {
		t.Fatal(err)
	}
	l := c.Provider(fakes.GCP).(provider.Lister)
	pages := listAll(t, l, "proj")
	if len(pages) != 8 {
		t.Errorf("a partial listing has %d pages, want the same 8", len(pages))
	}
	var vms, volumes int
	for _, p := range pages {
		vms += len(p.VMs)
		volumes += len(p.Volumes)
	}
	// 400 of each are there; about a quarter must be missing, and the
	// listing must not silently be complete or empty.
	for what, n := range map[string]int{"VMs": vms, "volumes": volumes} {
		if n < 250 || n > 350 {
			t.Errorf("partial listing shows %d of 400 %s, want about 300", n, what)
		}
	}
	if err := c.SetFaults(fakes.GCP, fakes.Faults{}); err != nil {
		t.Fatal(err)
	}
	vms = 0
	for _, p := range listAll(t, l, "proj") {
		vms += len(p.VMs)
	}
	if vms != 400 {
		t.Errorf("without the fault the listing shows %d of 400 VMs", vms)
	}
}

func TestRawListings(t *testing.T) {
	c, _ := newCloud(t, 1)
	addShuffled(t, c, fakes.GCP, 5, 1)
	east := provider.Host{Project: "proj", Zone: "us-east1-b", Instance: "vm-east", Volume: "vm-east-data", Labels: map[string]string{"owner": "x"}}
	other := provider.Host{Project: "other", Zone: "us-east1-b", Instance: "vm-other", Volume: "vm-other-data"}
	for _, h := range []provider.Host{east, other} {
		if err := c.AddHost(fakes.GCP, h, true); err != nil {
			t.Fatal(err)
		}
	}
	instances := func(vms []fakes.RawVM) []string {
		var out []string
		for _, v := range vms {
			out = append(out, v.Instance)
		}
		return out
	}
	for _, tc := range []struct {
		scope string
		want  []string
	}{
		{"", []string{"vm-00000", "vm-00001", "vm-00002", "vm-00003", "vm-00004", "vm-east", "vm-other"}},
		{"proj", []string{"vm-00000", "vm-00001", "vm-00002", "vm-00003", "vm-00004", "vm-east"}},
		{"other", []string{"vm-other"}},
		{"nope/us-east1-b", nil},
	} {
		if diff := cmp.Diff(tc.want, instances(c.RawVMs(fakes.GCP, tc.scope))); diff != "" {
			t.Errorf("RawVMs(gcp, %q) (-want +got):\n%s", tc.scope, diff)
		}
	}
	var vols []fakes.RawVolume // the GCP scope is the project: pick east's volume
	for _, v := range c.RawVolumes(fakes.GCP, "proj") {
		if v.Zone == east.Zone {
			vols = append(vols, v)
		}
	}
	want := []fakes.RawVolume{{Kind: fakes.GCP, Volume: "vm-east-data", Project: "proj", Zone: "us-east1-b",
		Labels: map[string]string{"owner": "x"}, Instance: "vm-east", Status: "READY", AttachedTo: "vm-east", AttachedVMID: vols[0].AttachedVMID}}
	if diff := cmp.Diff(want, vols); diff != "" {
		t.Errorf("RawVolumes (-want +got):\n%s", diff)
	}
	vm, ok := c.RawVM(fakes.GCP, "vm-east")
	wantVM := fakes.RawVM{Kind: fakes.GCP, Instance: "vm-east", Project: "proj", Zone: "us-east1-b", Status: "RUNNING",
		Address: vm.Address, Volume: "vm-east-data", Labels: map[string]string{"owner": "x", provider.ManagedLabel: "true"},
		ID: vm.ID, CreatedAt: epoch}
	if diff := cmp.Diff(wantVM, vm); !ok || diff != "" || vm.Address == "" || vm.ID == "" || vols[0].AttachedVMID != vm.ID {
		t.Errorf("RawVM (-want +got):\n%s", diff)
	}
	vm.Labels["owner"] = "changed"
	if again, _ := c.RawVM(fakes.GCP, "vm-east"); again.Labels["owner"] != "x" {
		t.Error("editing a RawVM's labels changed the cloud")
	}
	if _, ok := c.RawVM(fakes.GCP, "nope"); ok {
		t.Error("RawVM(unknown) found something")
	}
	if _, ok := c.RawVolume(fakes.Lambda, "x"); ok {
		t.Error("RawVolume(lambda) found something")
	}
	if got := c.RawVolumes(fakes.Lambda, ""); got != nil {
		t.Errorf("RawVolumes(lambda) = %v", got)
	}
	if n := c.Calls(fakes.All).Total(); n != 0 {
		t.Errorf("the raw API counted %d calls; only InjectFault counts", n)
	}
}
