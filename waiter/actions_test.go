package waiter_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// actionFunc picks one of the Actions methods.
type actionFunc func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error)

var (
	doStart       actionFunc = func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Start }
	doStop        actionFunc = func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Stop }
	doReboot      actionFunc = func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Reboot }
	doReprovision actionFunc = func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Reprovision }
	doDeprovision actionFunc = func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Deprovision }
	doRetry       actionFunc = func(a *waiter.Actions) func(context.Context, string) (hoststate.Record, error) { return a.Retry }
)

// TestEveryActionOnEveryProvider runs each action on each simulated
// provider from a consistent starting point and checks the transitional
// status written first, the final status, the ground truth behind it and
// the provider calls.
func TestEveryActionOnEveryProvider(t *testing.T) {
	const (
		off  = hoststate.StatusOff
		run  = hoststate.StatusRunning
		gone = hoststate.StatusDeprovisioned
		fail = hoststate.StatusError
	)
	tests := []struct {
		kind    string
		name    string
		do      actionFunc
		running bool
		from    hoststate.Status
		// first is the transitional status written before the call;
		// want the final status, or wantErr.
		first   hoststate.Status
		want    hoststate.Status
		wantErr error
		// method is the provider method the action sends.
		method string
	}{
		{fakes.GCP, "start", doStart, false, off, hoststate.StatusStarting, run, nil, fakes.MethodStart},
		{fakes.GCP, "stop", doStop, true, run, hoststate.StatusStopping, off, nil, fakes.MethodStop},
		{fakes.GCP, "reboot", doReboot, true, run, hoststate.StatusRestarting, run, nil, fakes.MethodReboot},
		{fakes.GCP, "reprovision", doReprovision, false, off, hoststate.StatusReprovisioning, run, nil, fakes.MethodReprovision},
		{fakes.GCP, "deprovision", doDeprovision, true, run, hoststate.StatusDeprovisioning, gone, nil, fakes.MethodDeprovision},
		{fakes.GCP, "retry", doRetry, false, fail, hoststate.StatusStarting, run, nil, fakes.MethodStart},

		{fakes.Nebius, "start", doStart, false, off, hoststate.StatusStarting, run, nil, fakes.MethodStart},
		{fakes.Nebius, "stop", doStop, true, run, hoststate.StatusStopping, off, nil, fakes.MethodStop},
		{fakes.Nebius, "reboot", doReboot, true, run, 0, 0, provider.ErrUnsupported, ""},
		{fakes.Nebius, "reprovision", doReprovision, false, off, hoststate.StatusReprovisioning, run, nil, fakes.MethodReprovision},
		{fakes.Nebius, "deprovision", doDeprovision, true, run, hoststate.StatusDeprovisioning, gone, nil, fakes.MethodDeprovision},

		{fakes.Hyperstack, "start", doStart, false, off, hoststate.StatusStarting, run, nil, fakes.MethodStart},
		{fakes.Hyperstack, "stop", doStop, true, run, hoststate.StatusStopping, off, nil, fakes.MethodStop},
		{fakes.Hyperstack, "reboot", doReboot, true, run, hoststate.StatusRestarting, run, nil, fakes.MethodReboot},
		{fakes.Hyperstack, "reprovision", doReprovision, false, off, hoststate.StatusReprovisioning, run, nil, fakes.MethodReprovision},
		{fakes.Hyperstack, "deprovision", doDeprovision, true, run, hoststate.StatusDeprovisioning, gone, nil, fakes.MethodDeprovision},

		{fakes.Lambda, "start", doStart, false, gone, hoststate.StatusStarting, run, nil, fakes.MethodStart},
		{fakes.Lambda, "stop", doStop, true, run, 0, 0, provider.ErrUnsupported, ""},
		{fakes.Lambda, "reboot", doReboot, true, run, hoststate.StatusRestarting, run, nil, fakes.MethodReboot},
		{fakes.Lambda, "reprovision", doReprovision, false, gone, 0, 0, provider.ErrUnsupported, ""},
		{fakes.Lambda, "deprovision", doDeprovision, true, run, hoststate.StatusDeprovisioning, gone, nil, fakes.MethodDeprovision},

		{fakes.SelfHost, "start", doStart, false, off, hoststate.StatusStarting, run, nil, fakes.MethodStart},
		{fakes.SelfHost, "stop", doStop, true, run, hoststate.StatusStopping, off, nil, fakes.MethodStop},
		{fakes.SelfHost, "reboot", doReboot, true, run, 0, 0, provider.ErrUnsupported, ""},
		{fakes.SelfHost, "reprovision", doReprovision, false, off, 0, 0, provider.ErrUnsupported, ""},
		{fakes.SelfHost, "deprovision", doDeprovision, true, run, 0, 0, provider.ErrUnsupported, ""},
	}
	for _, tt := range tests {
		for _, push := range []bool{false, true} {
			if push && tt.kind != fakes.SelfHost {
				continue
			}
			name := tt.kind + "/" + tt.name
			if push {
				name += "/pushed"
			}
			t.Run(name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					e := newEnv(t, envConfig{push: push})
					h := hostOf(tt.kind, 0)
					before := e.addHost("h", tt.kind, h, tt.running, tt.from)
					var tk tick
					if push {
						tk = e.connector("h", tt.kind, h)
					}
					rec, err := e.do(tt.do(e.actions), "h", tk)
					calls := e.cloud.Calls(tt.kind)
					if tt.wantErr != nil {
						if !errors.Is(err, tt.wantErr) {
							t.Fatalf("err = %v, want %v", err, tt.wantErr)
						}
						if diff := cmp.Diff(before, e.get("h")); diff != "" {
							t.Errorf("a refused action wrote (-before +after):\n%s", diff)
						}
						if calls.Total() != 0 {
							t.Errorf("a refused action made calls: %v", calls)
						}
						return
					}
					if err != nil {
						t.Fatalf("action: %v", err)
					}
					if got := e.store.statuses(); len(got) < 3 || got[1] != tt.first {
						t.Errorf("writes %v: want the transitional %s written before the provider call", got, tt.first)
					}
					if rec.Status != tt.want || e.get("h").Status != tt.want {
						t.Fatalf("final status %s (stored %s), want %s", rec.Status, e.get("h").Status, tt.want)
					}
					if s, ok := e.cloud.Truth(tt.kind, h).Status(); !ok || s != tt.want {
						t.Errorf("ground truth implies %s (%v), record says %s", s, ok, tt.want)
					}
					if calls[tt.method] != 1 {
						t.Errorf("%s calls = %d, want 1 (%v)", tt.method, calls[tt.method], calls)
					}
					if !rec.Deadline.IsZero() {
						t.Errorf("a settled record keeps its deadline %s", rec.Deadline)
					}
					// With pushed reports, probes are the gate's, the first look
					// after sending and a safety net every MaxInterval.
					if limit := 2 + int(e.clock.Now().Sub(t0)/waiter.DefaultMaxInterval); push && calls[fakes.MethodProbe] > limit {
						t.Errorf("pushed reports, yet %d probes (limit %d)", calls[fakes.MethodProbe], limit)
					}
				})
			})
		}
	}
}

// TestRefusedBeforeAnythingIsWritten checks the bad inputs: each returns a
// typed error, writes nothing and sends nothing.
func TestRefusedBeforeAnythingIsWritten(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(e *env)
		id      string
		do      actionFunc
		wantErr error
	}{
		{"unknown host", func(e *env) {}, "nope", doStart, store.ErrNotFound},
		{"action not allowed", func(e *env) {
			e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), true, hoststate.StatusRunning)
		}, "h", doStart, hoststate.ErrInvalidTransition},
		{"provider missing", func(e *env) {
			if _, err := e.store.Update(e.ctx, store.Write{Record: hoststate.Record{ID: "h", Provider: "aws", Status: hoststate.StatusOff}}); err != nil {
				e.t.Fatal(err)
			}
		}, "h", doStart, waiter.ErrNoProvider},
		{"invalid host reference", func(e *env) {
			if _, err := e.store.Update(e.ctx, store.Write{Record: hoststate.Record{ID: "h", Provider: fakes.GCP, Ref: provider.Host{Instance: "Bad/Name"}, Status: hoststate.StatusOff}}); err != nil {
				e.t.Fatal(err)
			}
		}, "h", doStart, provider.ErrInvalidHost},
		{"lambda cannot stop", func(e *env) {
			e.addHost("h", fakes.Lambda, hostOf(fakes.Lambda, 0), true, hoststate.StatusRunning)
		}, "h", doStop, provider.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envConfig{})
				tt.setup(e)
				before, _ := e.store.List(t.Context(), store.Filter{})
				writes := len(e.store.statuses())
				_, err := e.do(tt.do(e.actions), tt.id, nil)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				after, _ := e.store.List(t.Context(), store.Filter{})
				if diff := cmp.Diff(before, after); diff != "" || len(e.store.statuses()) != writes {
					t.Errorf("refused action wrote (-before +after):\n%s", diff)
				}
				if n := e.cloud.Calls(fakes.All).Total(); n != 0 {
					t.Errorf("refused action made %d calls", n)
				}
			})
		})
	}
}

// TestTransientErrorsMidWait: 5xx, timeouts and 429 bursts on every call
// delay the action but never decide it.
func TestTransientErrorsMidWait(t *testing.T) {
	for _, kind := range []string{fakes.GCP, fakes.Hyperstack, fakes.Lambda} {
		t.Run(kind, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envConfig{})
				h := hostOf(kind, 0)
				e.addHost("h", kind, h, true, hoststate.StatusRunning)
				if err := e.cloud.SetFaults(kind, fakes.Faults{ErrorRate: 0.3, TimeoutRate: 0.1, RateLimitRate: 0.1, RateLimitBurst: 3, RetryAfter: 5 * time.Second}); err != nil {
					t.Fatal(err)
				}
				do := doStop
				want := hoststate.StatusOff
				if kind == fakes.Lambda {
					do, want = doDeprovision, hoststate.StatusDeprovisioned
				}
				rec, err := e.do(do(e.actions), "h", nil)
				if err != nil {
					t.Fatalf("action: %v", err)
				}
				if rec.Status != want {
					t.Fatalf("status %s, want %s", rec.Status, want)
				}
				if s, _ := e.cloud.Truth(kind, h).Status(); s != want {
					t.Errorf("ground truth %s, record %s", s, want)
				}
			})
		})
	}
}

// TestRateLimitHonoursRetryAfter: after a 429 with a Retry-After hint, the
// next probe comes no sooner than the hint.
func TestRateLimitHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const hint = 30 * time.Second
		clock := clocktest.New(t0)
		var times []time.Time
		var limited []bool
		n := 0
		probe := func(context.Context) (hoststate.Observation, error) {
			n++
			times = append(times, clock.Now())
			if n <= 3 {
				limited = append(limited, true)
				return hoststate.Observation{}, &provider.RateLimitError{Provider: "test", RetryAfter: hint}
			}
			limited = append(limited, false)
			return hoststate.Observation{VM: hoststate.VMRunning}, nil
		}
		err := drive(t, t.Context(), clock, time.Hour, nil, func() error {
			_, err := waiter.Wait(t.Context(), clock, probe, waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), Rand: newRand(1)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(times); i++ {
			if limited[i-1] && times[i].Sub(times[i-1]) < hint {
				t.Errorf("probe %d came %s after a 429 asking for %s", i, times[i].Sub(times[i-1]), hint)
			}
		}
		if n != 4 {
			t.Errorf("%d probes, want 4 (three 429s, then the target)", n)
		}
	})
}

// TestActionTimeoutLeavesTransitional: a stop slower than its timeout
// returns ErrTimeout and leaves stopping with its deadline — then, as
// soon as the deadline passes, hoststate.Observe (what the reconciler
// runs) settles the host from ground truth.
func TestActionTimeoutLeavesTransitional(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{timeouts: waiter.Timeouts{Stop: 40 * time.Second}})
		h := hostOf(fakes.Hyperstack, 0)
		e.addHost("h", fakes.Hyperstack, h, true, hoststate.StatusRunning)
		d := fakes.DefaultDurations()
		d.Stop = 2 * time.Minute
		if err := e.cloud.SetDurations(fakes.Hyperstack, d); err != nil {
			t.Fatal(err)
		}
		rec, err := e.do(doStop(e.actions), "h", nil)
		var te *waiter.TimeoutError
		if !errors.As(err, &te) || !errors.Is(err, waiter.ErrTimeout) {
			t.Fatalf("err = %v, want a *TimeoutError", err)
		}
		if !te.Observed || te.Observation.VM != hoststate.VMStopping {
			t.Errorf("timeout carries %+v, want the last (stopping) observation", te)
		}
		stored := e.get("h")
		if stored.Status != hoststate.StatusStopping || stored.Deadline.IsZero() || !stored.InFlight() {
			t.Fatalf("after the timeout the record is %s (deadline %s), want stopping in flight", stored.Status, stored.Deadline)
		}
		if rec.Version != stored.Version {
			t.Errorf("returned version %d, stored %d", rec.Version, stored.Version)
		}
		settleLikeReconciler(t, e, "h", fakes.Hyperstack, h, hoststate.StatusOff)
	})
}

// TestCrashMidWaitRecovers: the process "crashes" (its context ends) while
// waiting; the record stays in flight until its deadline, then the
// reconcile decision finishes it without any change to reconcile.
func TestCrashMidWaitRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{timeouts: waiter.Timeouts{Deprovision: 5 * time.Minute}})
		h := hostOf(fakes.GCP, 0)
		e.addHost("h", fakes.GCP, h, true, hoststate.StatusRunning)
		ctx, crash := context.WithCancel(t.Context())
		crashAt := e.clock.Now().Add(20 * time.Second)
		err := drive(t, t.Context(), e.clock, time.Hour, func(now time.Time, _ <-chan struct{}) {
			if !now.Before(crashAt) {
				crash()
			}
		}, func() error {
			_, err := e.actions.Deprovision(ctx, "h")
			return err
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		stored := e.get("h")
		if stored.Status != hoststate.StatusDeprovisioning || !stored.InFlight() {
			t.Fatalf("after the crash: %s, want deprovisioning in flight", stored.Status)
		}
		// Before the deadline, the intermediate states hold the status.
		o := e.cloud.Truth(fakes.GCP, h).Observation()
		r := stored
		if ch := r.Observe(o, e.clock.Now(), hoststate.DefaultPolicy()); r.Status != hoststate.StatusDeprovisioning {
			t.Fatalf("before the deadline Observe moved it: %+v", ch)
		}
		settleLikeReconciler(t, e, "h", fakes.GCP, h, hoststate.StatusDeprovisioned)
	})
}

// settleLikeReconciler moves past the record's deadline and the grace
// window, then probes and folds through hoststate.Observe until the status
// stops changing, as a reconciler would, and checks it reaches want.
func settleLikeReconciler(t *testing.T, e *env, id, kind string, h provider.Host, want hoststate.Status) {
	t.Helper()
	rec := e.get(id)
	e.clock.Set(rec.Deadline.Add(3 * time.Minute))
	p := e.cloud.Provider(kind)
	for range 4 {
		o, err := p.Probe(t.Context(), h)
		if err != nil {
			t.Fatal(err)
		}
		rec.Observe(o, e.clock.Now(), hoststate.DefaultPolicy())
		e.clock.Advance(30 * time.Second)
	}
	if rec.Status != want {
		t.Fatalf("reconciled to %s, want %s", rec.Status, want)
	}
}

// TestOperationDoneWithError: a native operation that finishes DONE with
// an error is a definitive failure: error, with the message, nothing else.
func TestOperationDoneWithError(t *testing.T) {
	for _, kind := range []string{fakes.GCP, fakes.Nebius} {
		t.Run(kind, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envConfig{})
				h := hostOf(kind, 0)
				e.addHost("h", kind, h, true, hoststate.StatusRunning)
				if err := e.cloud.SetFaults(kind, fakes.Faults{OperationFailRate: 1}); err != nil {
					t.Fatal(err)
				}
				rec, err := e.do(doStop(e.actions), "h", nil)
				if !errors.Is(err, provider.ErrOperationFailed) {
					t.Fatalf("err = %v, want ErrOperationFailed", err)
				}
				if rec.Status != hoststate.StatusError || rec.Reason == "" {
					t.Fatalf("record %s %q, want error with the reason", rec.Status, rec.Reason)
				}
				if got := e.cloud.Truth(kind, h).VM; got != hoststate.VMRunning {
					t.Errorf("the failed operation changed the VM to %s", got)
				}
				if n := e.cloud.Calls(kind)[fakes.MethodProbe]; n != 0 {
					t.Errorf("%d probes after a failed operation, want none", n)
				}
			})
		})
	}
}

// TestDefinitiveRefusalFails: a provider refusal (here a start the
// provider rejects because its volume is gone) moves the record to error
// with the provider's message.
func TestDefinitiveRefusalFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		h := hostOf(fakes.Hyperstack, 0)
		e.addHost("h", fakes.Hyperstack, h, false, hoststate.StatusDeprovisioned)
		if err := e.cloud.DeleteVolume(fakes.Hyperstack, h); err != nil {
			t.Fatal(err)
		}
		rec, err := e.do(doStart(e.actions), "h", nil)
		if !errors.Is(err, provider.ErrNotFound) {
			t.Fatalf("err = %v, want the provider's ErrNotFound", err)
		}
		if rec.Status != hoststate.StatusError || rec.Reason == "" || e.get("h").Status != hoststate.StatusError {
			t.Fatalf("record %s %q, want error with the reason", rec.Status, rec.Reason)
		}
	})
}

// TestNotFoundRightAfterCreate: a created VM invisible for a while (404)
// holds starting — it is not read as deprovisioned or off.
func TestNotFoundRightAfterCreate(t *testing.T) {
	for _, kind := range []string{fakes.Hyperstack} {
		t.Run(kind, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envConfig{})
				h := hostOf(kind, 0)
				from := hoststate.StatusOff
				e.addHost("h", kind, h, false, from)
				if err := e.cloud.SetFaults(kind, fakes.Faults{CreateLag: 45 * time.Second}); err != nil {
					t.Fatal(err)
				}
				rec, err := e.do(doStart(e.actions), "h", nil)
				if err != nil || rec.Status != hoststate.StatusRunning {
					t.Fatalf("start: %s, %v", rec.Status, err)
				}
				for _, s := range e.store.statuses() {
					if s == hoststate.StatusDeprovisioned && from != s || s == hoststate.StatusOff && from != s {
						t.Errorf("wrote %s during the start (writes %v)", s, e.store.statuses())
					}
				}
			})
		})
	}
}

// TestHostSettlesElsewhere: a VM that goes to ERROR while starting is
// written as error (after confirmations) and reported as an outcome.
func TestHostSettlesElsewhere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		h := hostOf(fakes.Hyperstack, 0)
		e.addHost("h", fakes.Hyperstack, h, false, hoststate.StatusOff)
		errAt := e.clock.Now().Add(20 * time.Second)
		broke := false
		rec, err := e.do(doStart(e.actions), "h", func(now time.Time, _ <-chan struct{}) {
			if !broke && !now.Before(errAt) {
				broke = true
				if err := e.cloud.SetVMStatus(fakes.Hyperstack, h, "ERROR"); err != nil {
					t.Error(err)
				}
			}
		})
		var oe *waiter.OutcomeError
		if !errors.As(err, &oe) || oe.Got != hoststate.StatusError || oe.Want != hoststate.StatusRunning {
			t.Fatalf("err = %v, want an OutcomeError running→error", err)
		}
		if rec.Status != hoststate.StatusError || e.get("h").Status != hoststate.StatusError {
			t.Fatalf("record %s, want error", rec.Status)
		}
	})
}

// TestConcurrentWriterDuringWait: another writer (a reconciler recording
// an observation) bumps the version mid-wait; the waiter re-reads, folds
// its observations into the fresh record and still writes the outcome.
func TestConcurrentWriterDuringWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		h := hostOf(fakes.GCP, 0)
		e.addHost("h", fakes.GCP, h, true, hoststate.StatusRunning)
		wrote := false
		rec, err := e.do(doStop(e.actions), "h", func(now time.Time, _ <-chan struct{}) {
			if wrote || now.Before(t0.Add(10*time.Second)) {
				return
			}
			wrote = true
			cur := e.get("h")
			o := e.cloud.Truth(fakes.GCP, h).Observation()
			next := cur
			next.Observe(o, now, hoststate.DefaultPolicy())
			if _, err := e.store.Update(t.Context(), store.Write{Record: next}); err != nil {
				t.Error(err)
			}
		})
		if err != nil || rec.Status != hoststate.StatusOff {
			t.Fatalf("stop after a concurrent write: %s, %v", rec.Status, err)
		}
		if !wrote {
			t.Fatal("the concurrent write never happened")
		}
	})
}

// TestNewerActionSupersedes: a newer action written while the first waits
// is never overwritten by the first's outcome.
func TestNewerActionSupersedes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		h := hostOf(fakes.GCP, 0)
		e.addHost("h", fakes.GCP, h, true, hoststate.StatusRunning)
		var newer hoststate.Record
		_, err := e.do(doStop(e.actions), "h", func(now time.Time, _ <-chan struct{}) {
			if !newer.ActionAt.IsZero() || now.Before(t0.Add(10*time.Second)) {
				return
			}
			next := e.get("h")
			err := next.Apply(hoststate.ActionDeprovision, now)
			if err != nil {
				t.Error(err)
				return
			}
			if newer, err = e.store.Update(t.Context(), store.Write{Record: next}); err != nil {
				t.Error(err)
			}
		})
		if !errors.Is(err, waiter.ErrSuperseded) {
			t.Fatalf("err = %v, want ErrSuperseded", err)
		}
		if diff := cmp.Diff(newer, e.get("h")); diff != "" {
			t.Errorf("the newer action was overwritten (-want +got):\n%s", diff)
		}
	})
}

// TestNonTransientProbeErrorAbandons: a probe error that retrying cannot
// fix ends the wait without writing; the action stays in flight.
func TestNonTransientProbeErrorAbandons(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
			return []provider.Provider{&brokenProbe{Provider: c.Provider(fakes.Hyperstack), after: 3}}
		}})
		h := hostOf(fakes.Hyperstack, 0)
		e.addHost("h", fakes.Hyperstack, h, true, hoststate.StatusRunning)
		_, err := e.do(doStop(e.actions), "h", nil)
		if !errors.Is(err, provider.ErrBadResponse) {
			t.Fatalf("err = %v, want the probe's ErrBadResponse", err)
		}
		if s := e.get("h"); s.Status != hoststate.StatusStopping || !s.InFlight() {
			t.Fatalf("record %s, want stopping in flight", s.Status)
		}
	})
}

// brokenProbe fails every probe after the first few with a non-transient
// error.
type brokenProbe struct {
	provider.Provider
	after, n int
}

func (b *brokenProbe) Probe(ctx context.Context, h provider.Host) (hoststate.Observation, error) {
	b.n++
	if b.n > b.after {
		return hoststate.Observation{}, errors.Join(errors.New("html error page"), provider.ErrBadResponse)
	}
	return b.Provider.Probe(ctx, h)
}

// TestBeginReappliesAfterConflict: someone writes the record between the
// action's read and its write. If the action is still allowed it is
// applied again to the fresh record; if not, it is refused with nothing
// sent.
func TestBeginReappliesAfterConflict(t *testing.T) {
	tests := []struct {
		name string
		// meddle is what the other writer does to the record.
		meddle  func(r hoststate.Record) hoststate.Record
		wantErr error
	}{
		{"bookkeeping write: re-applied", func(r hoststate.Record) hoststate.Record {
			r.ProviderStatus = "RUNNING"
			return r
		}, nil},
		{"the host went off meanwhile: refused", func(r hoststate.Record) hoststate.Record {
			r.Status = hoststate.StatusOff
			return r
		}, hoststate.ErrInvalidTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var e *env
				meddled := false
				e = newEnv(t, envConfig{onWrite: func(rec hoststate.Record) {
					if meddled || rec.Status != hoststate.StatusStopping {
						return
					}
					meddled = true
					cur, err := e.store.MemStore.Get(e.ctx, rec.ID)
					if err != nil {
						t.Error(err)
						return
					}
					if _, err := e.store.MemStore.Update(e.ctx, store.Write{Record: tt.meddle(cur)}); err != nil {
						t.Error(err)
					}
				}})
				h := hostOf(fakes.GCP, 0)
				e.addHost("h", fakes.GCP, h, true, hoststate.StatusRunning)
				rec, err := e.do(doStop(e.actions), "h", nil)
				if !errIs(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !meddled {
					t.Fatal("the conflicting write never happened")
				}
				stops := e.cloud.Calls(fakes.GCP)[fakes.MethodStop]
				if tt.wantErr != nil {
					if stops != 0 || e.get("h").Status != hoststate.StatusOff {
						t.Errorf("refused after a conflict, yet %d stops sent, status %s", stops, e.get("h").Status)
					}
					return
				}
				if stops != 1 || rec.Status != hoststate.StatusOff || rec.ProviderStatus == "" {
					t.Errorf("after re-applying: %d stops, status %s", stops, rec.Status)
				}
			})
		})
	}
}

// TestConcurrentActions: one Actions serves several hosts at once.
func TestConcurrentActions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		kinds := []string{fakes.GCP, fakes.Nebius, fakes.Hyperstack, fakes.Lambda, fakes.SelfHost}
		for i, k := range kinds {
			e.addHost(k, k, hostOf(k, i), true, hoststate.StatusRunning)
		}
		type res struct {
			kind string
			rec  hoststate.Record
			err  error
		}
		results := drive(t, t.Context(), e.clock, time.Hour, nil, func() []res {
			ch := make(chan res, len(kinds))
			for _, k := range kinds {
				go func() {
					act := e.actions.Stop
					if k == fakes.Lambda {
						act = e.actions.Deprovision
					}
					rec, err := act(e.ctx, k)
					ch <- res{k, rec, err}
				}()
			}
			out := make([]res, 0, len(kinds))
			for range kinds {
				out = append(out, <-ch)
			}
			return out
		})
		for _, r := range results {
			want := hoststate.StatusOff
			if r.kind == fakes.Lambda {
				want = hoststate.StatusDeprovisioned
			}
			if r.err != nil || r.rec.Status != want {
				t.Errorf("%s: %s, %v; want %s", r.kind, r.rec.Status, r.err, want)
			}
		}
	})
}

// TestRacedActionAtTheSameInstantSupersedes: another replica's stop,
// applied at the very instant of ours (as a store with microsecond times
// can make it look), is a different action: the sequence number tells.
func TestRacedActionAtTheSameInstantSupersedes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), true, hoststate.StatusRunning)
		raced := false
		_, err := e.do(doStop(e.actions), "h", func(now time.Time, _ <-chan struct{}) {
			if raced || now.Before(t0.Add(10*time.Second)) {
				return
			}
			raced = true
			next := e.get("h") // same LastAction, same ActionAt
			next.ActionSeq++
			if _, err := e.store.Update(t.Context(), store.Write{Record: next}); err != nil {
				t.Error(err)
			}
		})
		if !errors.Is(err, waiter.ErrSuperseded) {
			t.Fatalf("err = %v, want ErrSuperseded", err)
		}
	})
}

// TestRecreatingStartNeedsBootstrapAgain: a Hyperstack start creates a new
// VM (the stop deleted the old one), so the host's first-boot setup is
// pending again.
func TestRecreatingStartNeedsBootstrapAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		rec := e.addHost("h", fakes.Hyperstack, hostOf(fakes.Hyperstack, 0), false, hoststate.StatusOff)
		rec.BootstrapDone = true
		if _, err := e.store.Update(t.Context(), store.Write{Record: rec}); err != nil {
			t.Fatal(err)
		}
		got, err := e.do(doStart(e.actions), "h", nil)
		if err != nil || got.Status != hoststate.StatusRunning {
			t.Fatalf("start: %s, %v", got.Status, err)
		}
		if got.BootstrapDone {
			t.Fatal("a recreated VM kept bootstrap done")
		}
	})
}
