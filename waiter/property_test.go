package waiter_test

import (
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/waiter"
)

// seconds draws a duration in whole seconds from [lo, hi].
func seconds(t *rapid.T, lo, hi int, label string) time.Duration {
	return time.Duration(rapid.IntRange(lo, hi).Draw(t, label)) * time.Second
}

// drawDurations draws every transition duration of the fake cloud.
func drawDurations(t *rapid.T) fakes.Durations {
	return fakes.Durations{
		Start:        seconds(t, 0, 180, "start"),
		Stop:         seconds(t, 0, 180, "stop"),
		Reboot:       seconds(t, 0, 120, "reboot"),
		Create:       seconds(t, 0, 240, "create"),
		Delete:       seconds(t, 0, 180, "delete"),
		VolumeDetach: seconds(t, 0, 60, "detach"),
		VolumeDelete: seconds(t, 0, 60, "volumeDelete"),
		Linger:       seconds(t, 0, 300, "linger"),
	}
}

// actionCase is an action that the table allows from a starting point
// consistent with the ground truth.
type actionCase struct {
	name    string
	do      actionFunc
	running bool
	from    hoststate.Status
	act     hoststate.Action
}

// casesFor lists the actions a kind supports, as its provider's Supports
// says (the real adapter's answer).
func casesFor(kind string) []actionCase {
	off := hoststate.StatusOff
	if kind == fakes.Lambda {
		off = hoststate.StatusDeprovisioned
	}
	p := fakes.NewCloud(nil, 1).Provider(kind)
	var cs []actionCase
	for _, c := range []actionCase{
		{"start", doStart, false, off, hoststate.ActionStart},
		{"deprovision", doDeprovision, true, hoststate.StatusRunning, hoststate.ActionDeprovision},
		{"stop", doStop, true, hoststate.StatusRunning, hoststate.ActionStop},
		{"reprovision", doReprovision, false, off, hoststate.ActionReprovision},
		{"reboot", doReboot, true, hoststate.StatusRunning, hoststate.ActionReboot},
	} {
		if p.Supports(hostOf(kind, 0), c.act) == nil && hoststate.Allowed(c.from, c.act) {
			cs = append(cs, c)
		}
	}
	return cs
}

// startable lists the kinds whose provider supports start.
func startable() []string {
	var out []string
	for _, k := range fakes.Kinds() {
		p := fakes.NewCloud(nil, 1).Provider(k)
		if p.Supports(hostOf(k, 0), hoststate.ActionStart) == nil && p.Supports(hostOf(k, 0), hoststate.ActionStop) == nil {
			out = append(out, k)
		}
	}
	return out
}

// write is one store write with the ground truth at that instant.
type write struct {
	rec   hoststate.Record
	truth fakes.Truth
	at    time.Time
}

// sample is the status the ground truth implied at a time.
type sample struct {
	at     time.Time
	status hoststate.Status
	ok     bool
	truth  fakes.Truth
}

// TestPropertyWaiterNeverFinalizesUnreachedStatus is docs/ARCHITECTURE.md, invariant 7:
// whatever the timings and faults (5xx, timeouts, 429 bursts, eventual
// consistency, failing operations, preemption, volume loss), every final
// status a waiter writes is one the provider's ground truth had reached —
// except error written because the provider definitively failed the
// action, which records the failure, not a VM state.
//
// "Had reached" means at that moment, or within the API's staleness
// window before it: with DeleteLag the provider keeps showing a deleted
// resource with its last status, so a volume lost behind the control
// plane's back still reads "available" for that long.
// The VM and the volume lag independently, so the state read may combine
// a fresh VM with a stale volume — one that never existed as a whole
// (found by rapid: a volume lost while the VM stopped read as off). No waiter can see
// past its provider's API; the reconciler corrects such a status as drift
// once the API catches up.
func TestPropertyWaiterNeverFinalizesUnreachedStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rapid.Check(inBubble{t}, func(rt *rapid.T) {
			kind := rapid.SampledFrom(fakes.Kinds()).Draw(rt, "kind")
			c := rapid.SampledFrom(casesFor(kind)).Draw(rt, "action")
			var (
				mu      sync.Mutex
				writes  []write
				samples []sample
				e       *env
				h       = hostOf(kind, 0)
				armed   bool
			)
			e = newEnvTB(rt, t.Context(), envConfig{
				timeouts: waiter.Timeouts{
					Start: seconds(rt, 30, 1200, "timeoutStart"), Stop: seconds(rt, 30, 1200, "timeoutStop"),
					Reboot: seconds(rt, 30, 1200, "timeoutReboot"), Reprovision: seconds(rt, 30, 1200, "timeoutReprovision"),
					Deprovision: seconds(rt, 30, 1200, "timeoutDeprovision"),
				},
				onWrite: func(rec hoststate.Record) {
					mu.Lock()
					defer mu.Unlock()
					if armed {
						writes = append(writes, write{rec, e.cloud.Truth(kind, h), e.clock.Now()})
					}
				},
			})
			if err := e.cloud.SetDurations(kind, drawDurations(rt)); err != nil {
				rt.Fatal(err)
			}
			e.addHost("h", kind, h, c.running, c.from)
			faults := fakes.Faults{
				ErrorRate:         rapid.Float64Range(0, 0.3).Draw(rt, "errorRate"),
				TimeoutRate:       rapid.Float64Range(0, 0.1).Draw(rt, "timeoutRate"),
				RateLimitRate:     rapid.Float64Range(0, 0.2).Draw(rt, "rateLimitRate"),
				RateLimitBurst:    rapid.IntRange(1, 5).Draw(rt, "burst"),
				RetryAfter:        seconds(rt, 0, 20, "retryAfter"),
				CreateLag:         seconds(rt, 0, 60, "createLag"),
				DeleteLag:         seconds(rt, 0, 60, "deleteLag"),
				OperationFailRate: rapid.Float64Range(0, 0.3).Draw(rt, "operationFailRate"),
				PreemptRate:       rapid.Float64Range(0, 0.05).Draw(rt, "preemptRate"),
				VolumeLossRate:    rapid.Float64Range(0, 0.02).Draw(rt, "volumeLossRate"),
			}
			if err := e.cloud.SetFaults(kind, faults); err != nil {
				rt.Fatal(err)
			}
			mu.Lock()
			armed = true
			mu.Unlock()
			history := func(now time.Time, _ <-chan struct{}) {
				tr := e.cloud.Truth(kind, h)
				st, ok := tr.Status()
				mu.Lock()
				samples = append(samples, sample{now, st, ok, tr})
				mu.Unlock()
			}
			history(e.clock.Now(), nil)
			rec, err := e.do(c.do(e.actions), "h", history)

			var oe *waiter.OutcomeError
			switch {
			case err == nil, errors.Is(err, waiter.ErrTimeout), errors.As(err, &oe):
			case errors.Is(err, provider.ErrOperationFailed), errors.Is(err, provider.ErrConflict), errors.Is(err, provider.ErrNotFound):
				if rec.Status != hoststate.StatusError {
					rt.Fatalf("definitive failure %v left %s, want error", err, rec.Status)
				}
			default:
				rt.Fatalf("unexpected error %v", err)
			}
			failedByProvider := err != nil && rec.Status == hoststate.StatusError && oe == nil
			mu.Lock()
			defer mu.Unlock()
			for _, w := range writes {
				s := w.rec.Status
				if s.Transitional() || (s == hoststate.StatusError && failedByProvider) {
					continue
				}
				if got, ok := w.truth.Status(); ok && got == s {
					continue
				}
				// Each resource may read as it was up to DeleteLag ago, the
				// VM and the volume independently: the write is allowed if
				// some VM state and some volume state within that window
				// imply it.
				reached := false
				var vms []hoststate.VMState
				var vols []hoststate.VolumeState
				for _, sm := range samples {
					if !sm.at.After(w.at) && !sm.at.Before(w.at.Add(-faults.DeleteLag-step)) {
						reached = reached || (sm.ok && sm.status == s)
						vms, vols = append(vms, sm.truth.VM), append(vols, sm.truth.Volume)
					}
				}
				for _, vm := range vms {
					for _, vol := range vols {
						if got, ok := hoststate.Implied(vm, vol); ok && got == s && faults.DeleteLag > 0 {
							reached = true
						}
					}
				}
				if !reached {
					rt.Fatalf("wrote %s at %s while the ground truth was VM %s (%q), volume %s (%q), and was not %s within the %s staleness window",
						s, w.at.Sub(t0), w.truth.VM, w.truth.RawVM, w.truth.Volume, w.truth.RawVolume, s, faults.DeleteLag)
				}
			}
		})
	})
}

// TestPropertyNoStartWhileThePreviousVMStops is docs/ARCHITECTURE.md, invariant 8: a
// start clicked while the previous VM is still stopping or being deleted
// (the record already says off) is sent only once the provider's ground
// truth shows no VM stopping and no volume in transition — and then
// succeeds.
func TestPropertyNoStartWhileThePreviousVMStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rapid.Check(inBubble{t}, func(rt *rapid.T) {
			kind := rapid.SampledFrom(startable()).Draw(rt, "kind")
			var watch *startWatch
			e := newEnvTB(rt, t.Context(), envConfig{
				timeouts: waiter.Timeouts{Start: time.Hour},
				providers: func(c *fakes.Cloud) []provider.Provider {
					watch = &startWatch{Provider: c.Provider(kind), cloud: c}
					return []provider.Provider{watch}
				},
			})
			if err := e.cloud.SetDurations(kind, drawDurations(rt)); err != nil {
				rt.Fatal(err)
			}
			h := hostOf(kind, 0)
			e.addHost("h", kind, h, true, hoststate.StatusOff)
			if err := e.cloud.ConsoleStop(kind, h); err != nil {
				rt.Fatal(err)
			}
			if err := e.cloud.SetFaults(kind, fakes.Faults{
				ErrorRate:     rapid.Float64Range(0, 0.2).Draw(rt, "errorRate"),
				RateLimitRate: rapid.Float64Range(0, 0.1).Draw(rt, "rateLimitRate"),
				DeleteLag:     seconds(rt, 0, 30, "deleteLag"),
			}); err != nil {
				rt.Fatal(err)
			}
			e.clock.Advance(seconds(rt, 0, 240, "clickAfter"))
			rec, err := e.do(doStart(e.actions), "h", nil)
			if err != nil || rec.Status != hoststate.StatusRunning {
				rt.Fatalf("start: %s, %v", rec.Status, err)
			}
			if len(watch.starts) == 0 {
				rt.Fatal("no start sent")
			}
			// Several starts mean transient failures were retried; each one
			// must respect the gate.
			sep := watch.Capabilities().SeparateVolume
			for _, tr := range watch.starts {
				if tr.VM == hoststate.VMStopping || (sep && tr.Volume != hoststate.VolumePresent) {
					rt.Fatalf("start sent while the previous VM was %q and its volume %q", tr.RawVM, tr.RawVolume)
				}
			}
		})
	})
}
