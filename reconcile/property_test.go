package reconcile_test

import (
	"context"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
)

// TestPropFleetInvariants drives a fleet of 10 hosts across all five
// provider kinds with random user actions, console drift, clock advances,
// faults, heartbeats and ticks, and checks docs/ARCHITECTURE.md invariants 1–6 after
// every step. Failures shrink to a short, named sequence of steps.
func TestPropFleetInvariants(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newFleet(rt, rapid.Int64().Draw(rt, "seed"), 2, 50, reconcile.Config{Seed: 1})
		policy := hoststate.DefaultPolicy()
		pick := func() hoststate.Record { return f.get(rapid.SampledFrom(f.hosts).Draw(rt, "host").ID) }
		// consoleDeleted marks the hosts whose VM a console deleted while
		// no deprovision was in flight: their missing VM is an off host's,
		// not an unfinished deprovision's. A user action clears it.
		consoleDeleted := map[string]bool{}
		statuses := func() map[string]hoststate.Status {
			m := make(map[string]hoststate.Status, len(f.hosts))
			for _, h := range f.hosts {
				m[h.ID] = f.get(h.ID).Status
			}
			return m
		}
		// checkTick runs a tick and checks invariants 2 and 3 on every change.
		checkTick := func() reconcile.Report {
			rep := f.tick()
			for _, c := range rep.Changes {
				h := f.get(c.ID)
				tr := f.cloud.Truth(c.Provider, h.Ref)
				switch c.To {
				case hoststate.StatusOff:
					if tr.VM == hoststate.VMRunning || tr.VM == hoststate.VMStopping {
						rt.Fatalf("invariant 3: %s off while the provider reports the VM %v", c.ID, tr.VM)
					}
				case hoststate.StatusDeprovisioned:
					if tr.VolumeExists {
						rt.Fatalf("invariant 3: %s deprovisioned while its volume exists", c.ID)
					}
				}
				if (c.To == hoststate.StatusOff || c.To == hoststate.StatusDeprovisioned) && c.Count < policy.Confirmations {
					rt.Fatalf("invariant 2: %s flipped to %v after %d confirmations", c.ID, c.To, c.Count)
				}
			}
			return rep
		}

		rt.Repeat(map[string]func(*rapid.T){
			"tick": func(t *rapid.T) { checkTick() },
			"advance": func(t *rapid.T) {
				f.clock.Advance(time.Duration(rapid.IntRange(10, 300).Draw(t, "seconds")) * time.Second)
			},
			"user action": func(t *rapid.T) {
				h := pick()
				if f.act(h.ID, rapid.SampledFrom(hoststate.Actions()).Draw(t, "action")) == nil || f.get(h.ID).Version != h.Version {
					delete(consoleDeleted, h.ID)
				}
			},
			"console drift": func(t *rapid.T) {
				h := pick()
				switch rapid.IntRange(0, 4).Draw(t, "event") {
				case 0:
					_ = f.cloud.ConsoleStart(h.Provider, h.Ref)
				case 1:
					_ = f.cloud.ConsoleStop(h.Provider, h.Ref)
				case 2:
					if f.cloud.ConsoleDelete(h.Provider, h.Ref) == nil && h.Status != hoststate.StatusDeprovisioning {
						consoleDeleted[h.ID] = true
					}
				case 3:
					_ = f.cloud.Preempt(h.Provider, h.Ref)
				case 4:
					_ = f.cloud.SetConnectorOnline(h.Ref, rapid.Bool().Draw(t, "online"))
				}
			},
			"faults": func(t *rapid.T) {
				kind := rapid.SampledFrom(fakes.Kinds()).Draw(t, "kind")
				_ = f.cloud.SetFaults(kind, fakes.Faults{
					ErrorRate:      rapid.Float64Range(0, 0.5).Draw(t, "errors"),
					TimeoutRate:    rapid.Float64Range(0, 0.2).Draw(t, "timeouts"),
					RateLimitRate:  rapid.Float64Range(0, 0.3).Draw(t, "429s"),
					RateLimitBurst: rapid.IntRange(1, 5).Draw(t, "burst"),
					CreateLag:      time.Duration(rapid.IntRange(0, 30).Draw(t, "createLag")) * time.Second,
				})
			},
			"invariant 1: an API outage changes nothing": func(t *rapid.T) {
				kind := rapid.SampledFrom(fakes.Kinds()).Draw(t, "kind")
				_ = f.cloud.SetFaults(kind, fakes.Faults{ErrorRate: 1})
				before := statuses()
				f.tick()
				after := statuses()
				for _, h := range f.hosts {
					if h.Provider == kind && before[h.ID] != after[h.ID] {
						t.Fatalf("invariant 1: %s moved %v → %v during a %s outage", h.ID, before[h.ID], after[h.ID], kind)
					}
				}
				_ = f.cloud.SetFaults(kind, fakes.Faults{})
			},
			"invariant 4: heartbeat": func(t *rapid.T) {
				h := pick()
				ok, err := f.rec.Heartbeat(context.Background(), h.ID)
				if err != nil {
					t.Fatal(err)
				}
				if after := f.get(h.ID).Status; after != h.Status || (ok && h.Status != hoststate.StatusRunning) {
					t.Fatalf("invariant 4: heartbeat moved %s from %v to %v (accepted %v)", h.ID, h.Status, after, ok)
				}
			},
			"invariant 6: concurrent user action wins": func(t *rapid.T) {
				h := pick()
				cs := &conflictingStore{MemStore: f.store, f: f, target: h.ID}
				r, err := reconcile.New(reconcile.Config{Store: cs, Clock: f.clock, Providers: []provider.Provider{f.cloud.Provider(h.Provider)}, FullSweepEvery: 1})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := r.RunOnce(context.Background()); err != nil {
					t.Fatal(err)
				}
				if cs.fired {
					got := f.get(h.ID)
					if hoststate.Allowed(h.Status, hoststate.ActionStop) && (got.LastAction != hoststate.ActionStop || !got.ActionAt.Equal(f.clock.Now())) {
						t.Fatalf("invariant 6: the concurrent stop on %s was overwritten: %+v", h.ID, got)
					}
				}
			},
			"invariant 5: convergence once faults stop": func(t *rapid.T) {
				_ = f.cloud.SetFaults("", fakes.Faults{})
				for _, h := range f.hosts {
					_ = f.cloud.SetConnectorOnline(h.Ref, true)
				}
				// Bound: in-flight actions expire (ActionTimeout), a backoff
				// ends (BackoffMax), then Grace + (Confirmations+1) × Interval.
				bound := policy.ActionTimeout + 15*time.Minute + policy.Grace + time.Duration(policy.Confirmations+1)*2*time.Minute
				for end := f.clock.Now().Add(bound); f.clock.Now().Before(end); {
					f.clock.Advance(2 * time.Minute)
					checkTick()
				}
				for _, h := range f.hosts {
					tr := f.cloud.Truth(h.Provider, h.Ref)
					want, settled := tr.Status()
					got := f.get(h.ID)
					if want == hoststate.StatusOff && !tr.VMExists && got.LastAction == hoststate.ActionDeprovision && !consoleDeleted[h.ID] {
						// A deprovision that deleted the VM but left the
						// volume is unfinished: error, never off.
						want = hoststate.StatusError
					}
					if settled && got.Status != want {
						t.Fatalf("invariant 5: %s is %v, ground truth %v (%s / %s)", h.ID, got.Status, want, got.ProviderStatus, got.ProviderVolumeStatus)
					}
				}
			},
		})
	})
}
