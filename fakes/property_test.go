package fakes_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// world is a cloud with a few hosts of every kind for property tests.
type world struct {
	c     *fakes.Cloud
	clock *clocktest.Clock
	hosts []kindHost
}

type kindHost struct {
	kind string
	h    provider.Host
}

func newWorld(t *rapid.T, seed int64) *world {
	clock := clocktest.New(epoch)
	w := &world{c: fakes.NewCloud(clock, seed, fakes.WithPageSize(2)), clock: clock}
	for _, kind := range fakes.Kinds() {
		for i := range 2 {
			h := hostFor(kind, fmt.Sprintf("vm-%d", i))
			if err := w.c.AddHost(kind, h, rapid.Bool().Draw(t, "running")); err != nil {
				t.Fatalf("AddHost: %v", err)
			}
			w.hosts = append(w.hosts, kindHost{kind, h})
		}
	}
	return w
}

// rawStatuses are strings a connector or provider might report, real and
// made up, for SetVMStatus.
var rawStatuses = []string{
	"running", "stopped", "off", "error", "not_found", "starting", "stopping",
	"RUNNING", "TERMINATED", "REPAIRING", "SUSPENDED", "STOPPED", "DELETING",
	"ACTIVE", "SHUTOFF", "HIBERNATED", "ERROR", "unhealthy", "terminated",
	"paused", "  Running ", "???",
}

// knownErr reports whether err is one of the typed errors the fakes
// promise.
func knownErr(err error) bool {
	for _, target := range []error{
		provider.ErrUnavailable, provider.ErrRateLimited, provider.ErrConflict, provider.ErrNotFound,
		provider.ErrUnsupported, provider.ErrInvalidHost, provider.ErrOperationFailed,
		fakes.ErrUnknownHost, fakes.ErrInvalidStatus, context.Canceled, context.DeadlineExceeded,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// step performs one random action, console event or clock advance.
func (w *world) step(t *rapid.T) error {
	x := rapid.SampledFrom(w.hosts).Draw(t, "host")
	p := w.c.Provider(x.kind)
	switch rapid.IntRange(0, 12).Draw(t, "op") {
	case 0:
		_, err := p.Start(ctx, x.h)
		return err
	case 1:
		_, err := p.Stop(ctx, x.h)
		return err
	case 2:
		if p.Supports(x.h, hoststate.ActionReboot) == nil {
			_, err := p.Reboot(ctx, x.h)
			return err
		}
	case 3:
		_, err := p.Deprovision(ctx, x.h)
		return err
	case 4:
		return w.c.ConsoleStart(x.kind, x.h)
	case 5:
		return w.c.ConsoleStop(x.kind, x.h)
	case 6:
		return w.c.ConsoleDelete(x.kind, x.h)
	case 7:
		return w.c.Preempt(x.kind, x.h)
	case 8:
		return w.c.DeleteVolume(x.kind, x.h)
	case 9:
		return w.c.SetVMStatus(x.kind, x.h, rapid.SampledFrom(rawStatuses).Draw(t, "raw"))
	default:
		w.clock.Advance(time.Duration(rapid.IntRange(0, 180).Draw(t, "advance")) * time.Second)
	}
	return nil
}

// TestProbeAgreesWithTruth: without faults, whatever sequence of actions,
// console events and clock moves happened, a probe and a listing show
// exactly the ground truth.
func TestProbeAgreesWithTruth(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := newWorld(t, rapid.Int64().Draw(t, "seed"))
		for i := range rapid.IntRange(1, 60).Draw(t, "steps") {
			if err := w.step(t); err != nil && !knownErr(err) {
				t.Fatalf("step %d: untyped error %v", i, err)
			}
			listed := map[string]provider.ListedVM{}
			listedVol := map[string]provider.ListedVolume{}
			listers := map[string]bool{}
			for _, x := range w.hosts {
				l, ok := w.c.Provider(x.kind).(provider.Lister)
				if !ok || listers[x.kind+"/"+l.Scope(x.h)] {
					continue
				}
				listers[x.kind+"/"+l.Scope(x.h)] = true
				for _, page := range listAll(t, l, l.Scope(x.h)) {
					for _, vm := range page.VMs {
						listed[x.kind+"/"+vm.Instance] = vm
					}
					for _, v := range page.Volumes {
						listedVol[x.kind+"/"+v.Volume] = v
					}
				}
			}
			for _, x := range w.hosts {
				tr := w.c.Truth(x.kind, x.h)
				obs, err := w.c.Provider(x.kind).Probe(ctx, x.h)
				if err != nil {
					t.Fatalf("Probe without faults: %v", err)
				}
				if diff := cmp.Diff(tr.Observation(), obs); diff != "" {
					t.Fatalf("step %d, %s %s: probe disagrees with truth (-truth +probe):\n%s", i, x.kind, x.h.Instance, diff)
				}
				if obs.Address != "" && obs.VM != hoststate.VMRunning {
					t.Fatalf("%s %s: address %q while %s", x.kind, x.h.Instance, obs.Address, obs.VM)
				}
				if (x.kind == fakes.Lambda || x.kind == fakes.SelfHost) && obs.Volume != hoststate.VolumeNone {
					t.Fatalf("%s reports volume %s; it has none", x.kind, obs.Volume)
				}
				if _, lists := w.c.Provider(x.kind).(provider.Lister); !lists {
					continue
				}
				vm, ok := listed[x.kind+"/"+x.h.Instance]
				if ok != (obs.VM != hoststate.VMAbsent || obs.RawVM != "") {
					t.Fatalf("%s %s: listed=%v but probe %+v", x.kind, x.h.Instance, ok, obs)
				}
				if ok && (vm.VM != obs.VM || vm.Raw != obs.RawVM || vm.Address != obs.Address) {
					t.Fatalf("%s %s: listed %+v, probed %+v", x.kind, x.h.Instance, vm, obs)
				}
				if v, ok := listedVol[x.kind+"/"+x.h.Volume]; ok != tr.VolumeExists || ok && v.Raw != obs.RawVolume {
					t.Fatalf("%s %s: volume listed=%v (%+v), truth %+v", x.kind, x.h.Instance, ok, v, tr)
				}
			}
		}
	})
}

// randomFaults draws any fault configuration, extreme rates included.
func randomFaults(t *rapid.T) fakes.Faults {
	rate := func(name string) float64 {
		return rapid.SampledFrom([]float64{0, 0, 0.01, 0.3, 1, -1, 2}).Draw(t, name)
	}
	return fakes.Faults{
		ErrorRate: rate("error"), TimeoutRate: rate("timeout"), RateLimitRate: rate("429"),
		RateLimitBurst:  rapid.IntRange(-1, 5).Draw(t, "burst"),
		RetryAfter:      time.Duration(rapid.IntRange(-5, 60).Draw(t, "retry")) * time.Second,
		PartialListRate: rate("partial"), OperationFailRate: rate("opfail"),
		PreemptRate: rate("preempt"), VolumeLossRate: rate("volloss"), OfflineRate: rate("offline"),
		CreateLag: time.Duration(rapid.IntRange(-10, 120).Draw(t, "createLag")) * time.Second,
		DeleteLag: time.Duration(rapid.IntRange(-10, 120).Draw(t, "deleteLag")) * time.Second,
	}
}

// TestRandomFaultsNeverPanicOrCorrupt: under any fault mix, with random
// hosts (valid or not) and random raw statuses, nothing panics, every error
// is typed, and a call that failed left every host's truth as it was.
func TestRandomFaultsNeverPanicOrCorrupt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := newWorld(t, rapid.Int64().Draw(t, "seed"))
		for _, kind := range append(fakes.Kinds(), fakes.All) {
			if rapid.Bool().Draw(t, "set faults") {
				if err := w.c.SetFaults(kind, randomFaults(t)); err != nil {
					t.Fatal(err)
				}
			}
		}
		truths := func() []fakes.Truth {
			var out []fakes.Truth
			for _, x := range w.hosts {
				out = append(out, w.c.Truth(x.kind, x.h))
			}
			return out
		}
		for i := range rapid.IntRange(1, 80).Draw(t, "steps") {
			x := rapid.SampledFrom(w.hosts).Draw(t, "host")
			h := x.h
			if rapid.IntRange(0, 9).Draw(t, "invalid?") == 0 {
				h.Instance = rapid.String().Draw(t, "instance")
			}
			p := w.c.Provider(x.kind)
			before := truths()
			var err error
			call := true
			switch rapid.IntRange(0, 7).Draw(t, "op") {
			case 0:
				_, err = p.Probe(ctx, h)
			case 1:
				_, err = p.Start(ctx, h)
			case 2:
				_, err = p.Stop(ctx, h)
			case 3:
				var op provider.Operation
				op, err = p.Deprovision(ctx, h)
				if op != nil {
					octx, cancel := context.WithCancel(ctx)
					cancel()
					if werr := op.Wait(octx); werr != nil && !knownErr(werr) {
						t.Fatalf("Wait: untyped error %v", werr)
					}
				}
			case 4:
				if l, ok := p.(provider.Lister); ok {
					_, err = l.ListPage(ctx, l.Scope(x.h), rapid.SampledFrom([]string{"", "vm-0", "zzz", "\x00"}).Draw(t, "token"))
				}
			case 5:
				call = false
				err = w.c.SetVMStatus(x.kind, h, rapid.OneOf(rapid.SampledFrom(rawStatuses), rapid.String()).Draw(t, "raw"))
			case 6:
				call = false
				_, _ = w.c.RawVM(x.kind, h.Instance)
				_ = w.c.RawVMs(x.kind, "")
				_ = w.c.RawVolumes(x.kind, "")
			default:
				call = false
				w.clock.Advance(time.Duration(rapid.IntRange(0, 180).Draw(t, "advance")) * time.Second)
			}
			if err != nil && !knownErr(err) {
				t.Fatalf("step %d: untyped error %v", i, err)
			}
			if call && (provider.Transient(err) || errors.Is(err, provider.ErrInvalidHost)) {
				if diff := cmp.Diff(before, truths()); diff != "" {
					t.Fatalf("step %d: a failed call (%v) changed the truth:\n%s", i, err, diff)
				}
			}
		}
	})
}
