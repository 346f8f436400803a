package reconcile_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
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
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// These tests run the reconciler through the real adapters over the
// emulators, which answer in the providers' real shapes: drift is
// repaired, and no failed, malformed or foreign answer changes a status.

const emulatorKey = "emulator-key-0123456789"

// emuFleet is n running hosts of one kind behind its emulator.
type emuFleet struct {
	t     *testing.T
	kind  string
	clock *clocktest.Clock
	cloud *fakes.Cloud
	store *store.MemStore
	rec   *reconcile.Reconciler
	hosts []provider.Host
	// srv is the HTTP emulator; nil for Nebius (its services are
	// in-process fakes).
	srv *emulators.Server
}

// emuKinds are the kinds with an emulator and a real adapter over it.
var emuKinds = []string{fakes.GCP, fakes.Hyperstack, fakes.Lambda, fakes.Nebius}

func emuHost(kind string, i int) provider.Host {
	switch kind {
	case fakes.GCP:
		return provider.Host{Project: "proj-1", Zone: "zone-a", Instance: fmt.Sprintf("vm-%d", i), Volume: fmt.Sprintf("disk-%d", i)}
	case fakes.Hyperstack:
		return provider.Host{Region: "CANADA-1", Instance: fmt.Sprintf("host-%d", i), Volume: strconv.Itoa(1001 + i)}
	case fakes.Lambda:
		return provider.Host{Region: "us-east-1", Instance: fmt.Sprintf("0920582c7ff041399e34823a0be6%04d", i)}
	default:
		return provider.Host{Project: "project-e00abc", Instance: fmt.Sprintf("computeinstance-e00%d", i), Volume: fmt.Sprintf("computedisk-e00%d", i)}
	}
}

func newEmuFleet(t *testing.T, kind string, n int) *emuFleet {
	t.Helper()
	f := &emuFleet{t: t, kind: kind, clock: clocktest.New(t0)}
	f.cloud = fakes.NewCloud(f.clock, 1)
	f.store = store.NewMemStore(store.MemConfig{Now: f.clock.Now})
	var (
		p      provider.Provider
		create func(provider.Host, bool) error
		err    error
	)
	switch kind {
	case fakes.GCP:
		f.srv = emulators.NewGCP(f.cloud)
		var g *gcp.Provider
		g, err = gcp.New(context.Background(), gcp.Config{Clock: f.clock, AllowInsecureHTTP: true},
			option.WithEndpoint(f.srv.URL()), option.WithoutAuthentication())
		if g != nil {
			t.Cleanup(func() { _ = g.Close() })
		}
		p = g
	case fakes.Hyperstack:
		f.srv = emulators.NewHyperstack(f.cloud, emulatorKey)
		p, err = hyperstack.New(hyperstack.Config{BaseURL: f.srv.BaseURL(), APIKey: emulatorKey, AllowInsecureHTTP: true, Clock: f.clock})
	case fakes.Lambda:
		f.srv = emulators.NewLambda(f.cloud, emulatorKey)
		p, err = lambda.New(lambda.Config{BaseURL: f.srv.BaseURL(), APIKey: emulatorKey, AllowInsecureHTTP: true, Now: f.clock.Now})
	case fakes.Nebius:
		fake := emulators.NewNebius(f.cloud)
		create = fake.AddHost
		p, err = nebius.New(fake.Instances(), fake.Disks(), nebius.Config{Clock: f.clock})
	}
	must(t, err)
	if f.srv != nil {
		t.Cleanup(f.srv.Close)
		create = f.srv.AddHost
	}
	for i := range n {
		h := emuHost(kind, i)
		must(t, create(h, true))
		_, err := f.store.Update(context.Background(), store.Write{Record: hoststate.Record{ID: h.Instance, Provider: kind, Ref: h, Status: hoststate.StatusRunning, Since: t0}})
		must(t, err)
		f.hosts = append(f.hosts, h)
	}
	f.rec, err = reconcile.New(reconcile.Config{Store: f.store, Clock: f.clock, Providers: []provider.Provider{p}, FullSweepEvery: 1})
	must(t, err)
	for range 2 {
		f.tick()
	}
	return f
}

func (f *emuFleet) tick() {
	f.t.Helper()
	f.clock.Advance(2 * time.Minute)
	if _, err := f.rec.RunOnce(context.Background()); err != nil {
		f.t.Fatalf("RunOnce: %v", err)
	}
}

func (f *emuFleet) statuses() []hoststate.Status {
	f.t.Helper()
	var out []hoststate.Status
	for _, h := range f.hosts {
		rec, err := f.store.Get(context.Background(), h.Instance)
		must(f.t, err)
		out = append(out, rec.Status)
	}
	return out
}

// settled is the status the provider's ground truth implies for h.
func (f *emuFleet) settled(h provider.Host) hoststate.Status {
	tr := f.cloud.Truth(f.kind, h)
	s, ok := hoststate.Implied(tr.VM, tr.Volume)
	if !ok {
		f.t.Fatalf("%s: truth %+v implies no status", h.Instance, tr)
	}
	return s
}

// TestReconcileRepairsDriftThroughTheRealAdapters: a VM deleted or
// stopped from the console is repaired to what the provider says, and a
// host nobody touched never leaves running.
func TestReconcileRepairsDriftThroughTheRealAdapters(t *testing.T) {
	for _, kind := range emuKinds {
		t.Run(kind, func(t *testing.T) {
			f := newEmuFleet(t, kind, 3)
			if got := f.statuses(); got[0] != hoststate.StatusRunning || got[1] != hoststate.StatusRunning || got[2] != hoststate.StatusRunning {
				t.Fatalf("setup: %v", got)
			}
			must(t, f.cloud.ConsoleDelete(kind, f.hosts[0]))
			if kind != fakes.Lambda { // a Lambda console cannot stop
				must(t, f.cloud.ConsoleStop(kind, f.hosts[1]))
			}
			for range 15 {
				f.tick()
				if s := f.statuses()[2]; s != hoststate.StatusRunning {
					t.Fatalf("the untouched host became %s", s)
				}
			}
			for i, h := range f.hosts {
				if got, want := f.statuses()[i], f.settled(h); got != want {
					t.Errorf("%s: %s after the drift, the provider implies %s", h.Instance, got, want)
				}
			}
			if got := f.statuses()[0]; got == hoststate.StatusRunning {
				t.Errorf("the deleted VM's host is still running")
			}
		})
	}
}

// TestAmbiguousAnswersChangeNothingThroughTheRealAdapters: while every
// answer is a 5xx, a rate limit (in each of the provider's shapes), an
// HTML page, malformed or truncated JSON or a gateway's 404, no status
// changes — not even of a host whose VM was deleted meanwhile; once the
// answers are real again, that host is repaired.
func TestAmbiguousAnswersChangeNothingThroughTheRealAdapters(t *testing.T) {
	faults := map[string]emulators.Fault{
		"503":           {Kind: emulators.FaultStatus, Status: 503},
		"rate limit":    {Kind: emulators.FaultRateLimit},
		"429":           {Kind: emulators.FaultRateLimit, Status: http.StatusTooManyRequests},
		"html":          {Kind: emulators.FaultHTML},
		"malformed":     {Kind: emulators.FaultMalformed},
		"truncated":     {Kind: emulators.FaultTruncated},
		"gateway 404":   {Kind: emulators.FaultStatus, Status: 404, Body: `{"message":"no Route matched with those values"}`},
		"401":           {Kind: emulators.FaultStatus, Status: 401},
		"huge":          {Kind: emulators.FaultHuge},
		"html 404 page": {Kind: emulators.FaultHTML, Status: 404},
	}
	for _, kind := range []string{fakes.GCP, fakes.Hyperstack, fakes.Lambda} {
		for name, fault := range faults {
			t.Run(kind+"/"+name, func(t *testing.T) {
				f := newEmuFleet(t, kind, 3)
				f.srv.InjectHTTPFault(fault)
				must(t, f.cloud.ConsoleDelete(kind, f.hosts[0]))
				for range 8 {
					f.tick()
					for i, s := range f.statuses() {
						if s != hoststate.StatusRunning {
							t.Fatalf("%s became %s while every answer was %s", f.hosts[i].Instance, s, name)
						}
					}
				}
				f.srv.ClearHTTPFaults()
				for range 15 {
					f.tick()
				}
				if got, want := f.statuses()[0], f.settled(f.hosts[0]); got != want {
					t.Errorf("after the faults: %s, the provider implies %s", got, want)
				}
				if got := f.statuses()[1]; got != hoststate.StatusRunning {
					t.Errorf("an untouched host is %s", got)
				}
			})
		}
	}
}
