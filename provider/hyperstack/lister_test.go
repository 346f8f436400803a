package hyperstack_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
)

func TestListPageProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
		srv := emulators.NewHyperstack(cloud, apiKey)
		defer srv.Close()
		var wantVMs, wantVols []string
		for i := range rapid.IntRange(0, 12).Draw(rt, "hosts") {
			h := provider.Host{Instance: fmt.Sprintf("host-%02d", i), Volume: strconv.Itoa(2000 + i)}
			running := rapid.Bool().Draw(rt, "running")
			if err := srv.AddHost(h, running); err != nil {
				rt.Fatal(err)
			}
			if running {
				wantVMs = append(wantVMs, h.Instance)
			}
			wantVols = append(wantVols, h.Volume)
		}
		p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true,
			PageSize: rapid.IntRange(1, 5).Draw(rt, "pageSize")})
		if err != nil {
			rt.Fatal(err)
		}
		var vms, vols []string
		token := ""
		for pages := 0; ; pages++ {
			if pages > 100 {
				rt.Fatal("listing does not end")
			}
			page, err := p.ListPage(context.Background(), p.Scope(provider.Host{}), token)
			if err != nil {
				rt.Fatal(err)
			}
			for _, v := range page.VMs {
				vms = append(vms, v.Instance)
			}
			for _, v := range page.Volumes {
				vols = append(vols, v.Volume)
			}
			if token = page.Next; token == "" {
				break
			}
		}
		slices.Sort(vms)
		slices.Sort(vols)
		if diff := cmp.Diff(wantVMs, vms); diff != "" {
			rt.Errorf("VMs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantVols, vols); diff != "" {
			rt.Errorf("volumes (-want +got):\n%s", diff)
		}
	})
}

func TestListPageKeepsTheNewestVMOfAName(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	body := `{"status":true,"count":2,"instances":[` +
		`{"id":7,"name":"host-1","status":"DELETING"},{"id":9,"name":"host-1","status":"CREATING"}]}`
	e.srv.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultStatus, Status: 200, Path: "/core/virtual-machines", Body: body})
	page, err := e.p.ListPage(context.Background(), "hyperstack", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.ListedVM{{Instance: "host-1", VM: hyperstack.VMStates.Normalize("CREATING"), Raw: "CREATING", VMID: "9"}}
	if diff := cmp.Diff(want, page.VMs); diff != "" {
		t.Errorf("VMs (-want +got):\n%s", diff)
	}
	if obs := e.probe(t); obs.RawVM != "CREATING" {
		t.Errorf("Probe picked %s, want the newest VM (CREATING)", obs.RawVM)
	}
}

func TestListPageBadInput(t *testing.T) {
	e := newEnv(t, fakes.Durations{}, nil)
	for _, tt := range []struct{ scope, token string }{
		{"CANADA-1", ""}, {"hyperstack", "v:0"}, {"hyperstack", "v:x"}, {"hyperstack", "z:1"}, {"hyperstack", "o:99999999999"},
	} {
		if _, err := e.p.ListPage(context.Background(), tt.scope, tt.token); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("ListPage(%q, %q) error = %v", tt.scope, tt.token, err)
		}
	}
}
