package fakes_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// noisy is a fault mix with every kind of fault.
var noisy = fakes.Faults{
	ErrorRate: 0.1, TimeoutRate: 0.05, RateLimitRate: 0.05, RateLimitBurst: 3, RetryAfter: 5 * time.Second,
	PartialListRate: 0.1, CreateLag: 20 * time.Second, DeleteLag: 20 * time.Second,
	OperationFailRate: 0.2, PreemptRate: 0.02, VolumeLossRate: 0.01, OfflineRate: 0.1,
}

// transcript drives a cloud of seed through a fixed sequence of calls under
// the noisy faults and records every answer.
func transcript(t *testing.T, seed int64) []string {
	t.Helper()
	c, clock := newCloud(t, seed)
	if err := c.SetFaults(fakes.All, noisy); err != nil {
		t.Fatal(err)
	}
	var hosts []struct {
		kind string
		h    provider.Host
	}
	for _, kind := range fakes.Kinds() {
		for i := range 4 {
			h := addHost(t, c, kind, fmt.Sprintf("vm-%d", i), i%2 == 0)
			hosts = append(hosts, struct {
				kind string
				h    provider.Host
			}{kind, h})
		}
	}
	var out []string
	for i := range 600 {
		x := hosts[i%len(hosts)]
		p := c.Provider(x.kind)
		var res string
		switch i % 5 {
		case 0, 1:
			obs, err := p.Probe(ctx, x.h)
			res = fmt.Sprintf("%+v %v", obs, err)
		case 2:
			_, err := p.Start(ctx, x.h)
			res = fmt.Sprint(err)
		case 3:
			_, err := p.Stop(ctx, x.h)
			res = fmt.Sprint(err)
		case 4:
			l, ok := p.(provider.Lister)
			if !ok {
				res = "no listing"
				break
			}
			page, err := l.ListPage(ctx, l.Scope(x.h), "")
			res = fmt.Sprintf("%+v %v", page, err)
		}
		out = append(out, res)
		clock.Advance(7 * time.Second)
	}
	return out
}

func TestFaultsAreDeterministic(t *testing.T) {
	a, b := transcript(t, 42), transcript(t, 42)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different answers (-first +second):\n%s", diff)
	}
	if c := transcript(t, 43); cmp.Equal(a, c) {
		t.Error("seeds 42 and 43 gave identical answers: faults do not depend on the seed")
	}
}

func TestErrorFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		f        fakes.Faults
		deadline bool
	}{
		{"5xx", fakes.Faults{ErrorRate: 1}, false},
		{"timeout", fakes.Faults{TimeoutRate: 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newCloud(t, 1)
			h := addHost(t, c, fakes.Hyperstack, "vm-1", true)
			if err := c.SetFaults(fakes.Hyperstack, tc.f); err != nil {
				t.Fatal(err)
			}
			_, err := c.Provider(fakes.Hyperstack).Probe(ctx, h)
			if !errors.Is(err, provider.ErrUnavailable) || !provider.Transient(err) {
				t.Errorf("err = %v, want a transient ErrUnavailable", err)
			}
			if got := errors.Is(err, context.DeadlineExceeded); got != tc.deadline {
				t.Errorf("errors.Is(err, DeadlineExceeded) = %v, want %v", got, tc.deadline)
			}
		})
	}
}

// TestRateLimitBursts: every run of 429s lasts at least the burst length
// (bursts may touch and merge), and each carries the retry-after hint.
func TestRateLimitBursts(t *testing.T) {
	c, _ := newCloud(t, 3)
	if err := c.SetFaults(fakes.Lambda, fakes.Faults{RateLimitRate: 0.05, RateLimitBurst: 4, RetryAfter: 12 * time.Second}); err != nil {
		t.Fatal(err)
	}
	var runs []int
	run := 0
	for range 2000 {
		err := c.InjectFault(fakes.Lambda, "instances.list")
		var rl *provider.RateLimitError
		switch {
		case err == nil:
			if run > 0 {
				runs = append(runs, run)
			}
			run = 0
		case errors.As(err, &rl):
			if rl.RetryAfter != 12*time.Second || rl.Provider != fakes.Lambda || !errors.Is(err, provider.ErrRateLimited) {
				t.Fatalf("429 = %+v", rl)
			}
			run++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if len(runs) < 5 {
		t.Fatalf("only %d bursts in 2000 calls at rate 0.05", len(runs))
	}
	for _, r := range runs {
		if r < 4 {
			t.Errorf("a burst of %d 429s, want at least 4", r)
		}
	}
	if got := c.Calls(fakes.Lambda)["instances.list"]; got != 2000 {
		t.Errorf("InjectFault counted %d calls, want 2000", got)
	}
}

// TestFailedCallsChangeNothing: with every call failing, no action reaches
// the cloud.
func TestFailedCallsChangeNothing(t *testing.T) {
	for _, f := range []fakes.Faults{{ErrorRate: 1}, {TimeoutRate: 1}, {RateLimitRate: 1}} {
		c, clock := newCloud(t, 1)
		var hosts []provider.Host
		for _, kind := range fakes.Kinds() {
			hosts = append(hosts, addHost(t, c, kind, "vm-1", true))
		}
		if err := c.SetFaults(fakes.All, f); err != nil {
			t.Fatal(err)
		}
		for i, kind := range fakes.Kinds() {
			before := c.Truth(kind, hosts[i])
			p := c.Provider(kind)
			for _, call := range []func() error{
				func() error { _, err := p.Stop(ctx, hosts[i]); return err },
				func() error { _, err := p.Start(ctx, hosts[i]); return err },
				func() error { _, err := p.Deprovision(ctx, hosts[i]); return err },
			} {
				if err := call(); !provider.Transient(err) && !errors.Is(err, provider.ErrUnsupported) {
					t.Errorf("%s: err = %v, want a transient fault", kind, err)
				}
			}
			clock.Advance(10 * time.Minute)
			if diff := cmp.Diff(before, c.Truth(kind, hosts[i])); diff != "" {
				t.Errorf("%s: failed calls changed the truth (-before +after):\n%s", kind, diff)
			}
		}
	}
}

func TestOperationFailFault(t *testing.T) {
	c, clock := newCloud(t, 1)
	h := addHost(t, c, fakes.GCP, "vm-1", true)
	if err := c.SetFaults(fakes.GCP, fakes.Faults{OperationFailRate: 1}); err != nil {
		t.Fatal(err)
	}
	op, err := c.Provider(fakes.GCP).Stop(ctx, h)
	if err != nil {
		t.Fatalf("Stop = %v; a failing operation is still accepted", err)
	}
	done := waitAsync(t, clock, op, 1)
	clock.Advance(time.Minute)
	if err := <-done; !errors.Is(err, provider.ErrOperationFailed) {
		t.Errorf("Wait = %v, want ErrOperationFailed", err)
	}
	if tr := c.Truth(fakes.GCP, h); tr.RawVM != "RUNNING" {
		t.Errorf("a failed operation changed the VM to %q", tr.RawVM)
	}
	_, opErr, _ := c.Operation(fakes.GCP, op.Name())
	if !errors.Is(opErr, provider.ErrOperationFailed) {
		t.Errorf("Operation error = %v", opErr)
	}
}

func TestEventualConsistency(t *testing.T) {
	c, clock := newCloud(t, 1)
	h := addHost(t, c, fakes.Hyperstack, "vm-1", true)
	if err := c.SetFaults(fakes.Hyperstack, fakes.Faults{CreateLag: 30 * time.Second, DeleteLag: 25 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if obs := probe(t, c, fakes.Hyperstack, h); obs.RawVM != "ACTIVE" {
		t.Fatalf("a host added before the lag fault is hidden: %+v", obs)
	}
	if _, err := c.Provider(fakes.Hyperstack).Stop(ctx, h); err != nil {
		t.Fatal(err)
	}
	// The VM is gone at 30 s but stays visible, DELETING, until 55 s.
	clock.Advance(30 * time.Second)
	if tr, obs := c.Truth(fakes.Hyperstack, h), probe(t, c, fakes.Hyperstack, h); tr.VMExists || obs.RawVM != "DELETING" {
		t.Errorf("at 30 s: truth exists=%v, probe %q; want gone but still visible as DELETING", tr.VMExists, obs.RawVM)
	}
	if vms := c.RawVMs(fakes.Hyperstack, ""); len(vms) != 1 {
		t.Errorf("RawVMs at 30 s lists %d VMs, want the deleted one still", len(vms))
	}
	clock.Advance(25 * time.Second)
	if obs := probe(t, c, fakes.Hyperstack, h); obs.VM != hoststate.VMAbsent {
		t.Errorf("at 55 s the deleted VM still shows %q", obs.RawVM)
	}
	// A new VM is invisible for 30 s after it exists.
	if _, err := c.Provider(fakes.Hyperstack).Start(ctx, h); err != nil {
		t.Fatal(err)
	}
	if tr, obs := c.Truth(fakes.Hyperstack, h), probe(t, c, fakes.Hyperstack, h); !tr.VMExists || obs.VM != hoststate.VMAbsent {
		t.Errorf("just created: truth exists=%v, probe %s; want existing but invisible", tr.VMExists, obs.VM)
	}
	if _, ok := c.RawVM(fakes.Hyperstack, h.Instance); ok {
		t.Error("RawVM shows a VM inside its create lag")
	}
	clock.Advance(30 * time.Second)
	if obs := probe(t, c, fakes.Hyperstack, h); obs.RawVM != "CREATING" {
		t.Errorf("after the lag: probe %q, want CREATING", obs.RawVM)
	}
}

func TestPreemptAndVolumeLossFaults(t *testing.T) {
	c, _ := newCloud(t, 1)
	lam := addHost(t, c, fakes.Lambda, "vm-1", true)
	hs := addHost(t, c, fakes.Hyperstack, "vm-1", true)
	if err := c.SetFaults(fakes.All, fakes.Faults{PreemptRate: 1, VolumeLossRate: 1}); err != nil {
		t.Fatal(err)
	}
	if obs := probe(t, c, fakes.Lambda, lam); obs.RawVM != "preempted" || obs.VM != hoststate.VMAbsent {
		t.Errorf("lambda under PreemptRate 1: %+v", obs)
	}
	obs := probe(t, c, fakes.Hyperstack, hs)
	if obs.RawVM != "ACTIVE" {
		t.Errorf("hyperstack has no spot capacity but shows %q", obs.RawVM)
	}
	if obs.Volume != hoststate.VolumeAbsent || c.Truth(fakes.Hyperstack, hs).VolumeExists {
		t.Errorf("VolumeLossRate 1 left the volume: %+v", obs)
	}
}

func TestOfflineFault(t *testing.T) {
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.SelfHost, "vm-1", true)
	if err := c.SetFaults(fakes.SelfHost, fakes.Faults{OfflineRate: 1}); err != nil {
		t.Fatal(err)
	}
	if obs := probe(t, c, fakes.SelfHost, h); !obs.Unreachable || obs.VM != hoststate.VMUnknown {
		t.Errorf("OfflineRate 1: %+v, want unreachable", obs)
	}
	if !c.Truth(fakes.SelfHost, h).ConnectorOnline {
		t.Error("an answer fault took the connector offline in the ground truth")
	}
}

func TestSetFaults(t *testing.T) {
	c, _ := newCloud(t, 1)
	if err := c.SetFaults("aws", fakes.Faults{}); !errors.Is(err, fakes.ErrUnknownKind) {
		t.Errorf("SetFaults(unknown kind) = %v", err)
	}
	if err := c.SetFaults(fakes.All, fakes.Faults{ErrorRate: 7}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range fakes.Kinds() {
		if err := c.InjectFault(kind, "x"); !errors.Is(err, provider.ErrUnavailable) {
			t.Errorf("%s: ErrorRate 7 (clamped to 1) gave %v", kind, err)
		}
	}
	if err := c.SetFaults(fakes.All, fakes.Faults{ErrorRate: math.NaN(), TimeoutRate: -1, RateLimitRate: math.Inf(-1)}); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if err := c.InjectFault(fakes.GCP, "x"); err != nil {
			t.Fatalf("NaN and negative rates injected %v", err)
		}
	}
	if err := c.InjectFault("aws", "x"); !errors.Is(err, fakes.ErrUnknownKind) {
		t.Errorf("InjectFault(unknown kind) = %v", err)
	}
}

func TestCallCounts(t *testing.T) {
	c, _ := newCloud(t, 1)
	g := addHost(t, c, fakes.GCP, "vm-1", true)
	l := addHost(t, c, fakes.Lambda, "vm-1", true)
	gp, lp := c.Provider(fakes.GCP), c.Provider(fakes.Lambda)
	for range 3 {
		probe(t, c, fakes.GCP, g)
	}
	listAll(t, gp.(provider.Lister), "proj")
	if _, err := gp.Stop(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := lp.Stop(ctx, l); !errors.Is(err, provider.ErrUnsupported) {
		t.Fatalf("lambda Stop = %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := lp.Probe(cancelled, l); !errors.Is(err, context.Canceled) {
		t.Fatalf("Probe(cancelled) = %v", err)
	}
	if _, err := lp.Reboot(ctx, l); err != nil {
		t.Fatal(err)
	}
	want := map[string]fakes.CallCounts{
		fakes.GCP:    {fakes.MethodProbe: 3, fakes.MethodListPage: 1, fakes.MethodStop: 1},
		fakes.Lambda: {fakes.MethodReboot: 1},
		fakes.All:    {fakes.MethodProbe: 3, fakes.MethodListPage: 1, fakes.MethodStop: 1, fakes.MethodReboot: 1},
		fakes.Nebius: {},
	}
	for kind, w := range want {
		if diff := cmp.Diff(w, c.Calls(kind)); diff != "" {
			t.Errorf("Calls(%q) (-want +got):\n%s", kind, diff)
		}
	}
	if got := c.Calls(fakes.All).Total(); got != 6 {
		t.Errorf("Total = %d, want 6", got)
	}
	if c.Calls("aws") != nil {
		t.Error("Calls(unknown kind) != nil")
	}
	c.ResetCalls()
	if got := c.Calls(fakes.All).Total(); got != 0 {
		t.Errorf("Total after ResetCalls = %d", got)
	}
}

func TestDropListEntry(t *testing.T) {
	c, _ := newCloud(t, 1)
	if c.DropListEntry(fakes.GCP) || c.DropListEntry("aws") {
		t.Error("DropListEntry without the fault dropped an entry")
	}
	if err := c.SetFaults(fakes.GCP, fakes.Faults{PartialListRate: 1}); err != nil {
		t.Fatal(err)
	}
	if !c.DropListEntry(fakes.GCP) {
		t.Error("PartialListRate 1 kept an entry")
	}
}

func TestActErrors(t *testing.T) {
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.GCP, "vm-1", true)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		kind string
		inst string
		a    fakes.RawAction
		want error
	}{
		{"cancelled", cancelled, fakes.GCP, h.Instance, fakes.RawStop, context.Canceled},
		{"unknown action", ctx, fakes.GCP, h.Instance, fakes.RawAction(0), fakes.ErrUnknownAction},
		{"unknown action 99", ctx, fakes.GCP, h.Instance, fakes.RawAction(99), fakes.ErrUnknownAction},
		{"unknown kind", ctx, "aws", h.Instance, fakes.RawStop, fakes.ErrUnknownKind},
		{"unknown instance", ctx, fakes.GCP, "nope", fakes.RawStop, provider.ErrNotFound},
	} {
		if _, err := c.Act(tc.ctx, tc.kind, tc.inst, tc.a); !errors.Is(err, tc.want) {
			t.Errorf("%s: Act = %v, want %v", tc.name, err, tc.want)
		}
	}
	if tr := c.Truth(fakes.GCP, h); tr.RawVM != "RUNNING" {
		t.Errorf("refused actions changed the VM to %q", tr.RawVM)
	}
	for a, want := range map[fakes.RawAction]string{
		fakes.RawStart: "start", fakes.RawStop: "stop", fakes.RawReboot: "reboot", fakes.RawDelete: "delete", 0: "RawAction(0)",
	} {
		if got := a.String(); got != want {
			t.Errorf("RawAction(%d).String() = %q, want %q", a, got, want)
		}
	}
}
