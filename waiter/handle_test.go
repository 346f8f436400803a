package waiter_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/waiter"
)

// outcomes records ActionOutcome calls.
type outcomes struct {
	waiter.NopMetrics
	mu  sync.Mutex
	got []string
}

func (o *outcomes) ActionOutcome(p string, a hoststate.Action, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, p+" "+a.String()+" "+outcome)
}

// TestBeginReturnsOnceSentAndOutlivesItsContext: Begin writes stopping and
// sends, then returns; the wait goes on after Begin's context ends, and
// the handle reports off.
func TestBeginReturnsOnceSentAndOutlivesItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := &outcomes{}
		e := newEnv(t, envConfig{metrics: m})
		h := hostOf(fakes.GCP, 0)
		e.addHost("h", fakes.GCP, h, true, hoststate.StatusRunning)
		ctx, cancel := context.WithCancel(t.Context())
		hd, err := e.actions.Begin(ctx, "h", hoststate.ActionStop)
		if err != nil {
			t.Fatal(err)
		}
		cancel() // a request handler returning
		if hd.Begun().Status != hoststate.StatusStopping || e.get("h").Status != hoststate.StatusStopping {
			t.Fatalf("after Begin: handle %s, store %s; want stopping", hd.Begun().Status, e.get("h").Status)
		}
		select {
		case <-hd.Sent():
		default:
			t.Fatal("Begin returned before the stop was sent")
		}
		if n := e.cloud.Calls(fakes.GCP).Total(); n == 0 {
			t.Fatal("no call made by the time Begin returned")
		}
		if _, _, ok := hd.Outcome(); ok {
			t.Fatal("outcome known before any wait")
		}
		rec := drive(t, t.Context(), e.clock, time.Hour, nil, func() hoststate.Record {
			rec, err := hd.Wait(t.Context())
			if err != nil {
				t.Error(err)
			}
			return rec
		})
		if rec.Status != hoststate.StatusOff || hd.Seq != rec.ActionSeq {
			t.Fatalf("outcome %s (seq %d, handle %d), want off", rec.Status, rec.ActionSeq, hd.Seq)
		}
		if len(m.got) != 1 || m.got[0] != "gcp stop confirmed" {
			t.Fatalf("metrics %v", m.got)
		}
	})
}

// TestBeginRefusesSynchronously: every refusal comes from Begin itself.
func TestBeginRefusesSynchronously(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		e.addHost("h", fakes.Lambda, hostOf(fakes.Lambda, 0), true, hoststate.StatusRunning)
		before := e.get("h")
		if _, err := e.actions.Begin(t.Context(), "h", hoststate.ActionStop); !errors.Is(err, provider.ErrUnsupported) {
			t.Fatalf("Begin = %v, want ErrUnsupported", err)
		}
		if _, err := e.actions.Begin(t.Context(), "h", hoststate.ActionReprovision); !errors.Is(err, hoststate.ErrInvalidTransition) && !errors.Is(err, provider.ErrUnsupported) {
			t.Fatalf("Begin(reprovision) on running = %v, want a refusal", err)
		}
		e.addHost("g", fakes.GCP, hostOf(fakes.GCP, 1), true, hoststate.StatusRunning)
		if _, err := e.actions.Begin(t.Context(), "g", hoststate.ActionStart); !errors.Is(err, hoststate.ErrInvalidTransition) {
			t.Fatalf("Begin(start) on running = %v, want ErrInvalidTransition", err)
		}
		if e.get("h").Version != before.Version {
			t.Fatal("a refused Begin wrote")
		}
	})
}

// TestCloseCancelsBackgroundActions: Close ends every wait, leaves the
// transitional status for the reconciler, and refuses new Begins.
func TestCloseCancelsBackgroundActions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), true, hoststate.StatusRunning)
		hd, err := e.actions.Begin(t.Context(), "h", hoststate.ActionStop)
		if err != nil {
			t.Fatal(err)
		}
		e.actions.Close()
		rec, err, ok := hd.Outcome()
		if !ok || !errors.Is(err, context.Canceled) {
			t.Fatalf("after Close: ok %v, err %v; want cancelled", ok, err)
		}
		if rec.Status != hoststate.StatusStopping || e.get("h").Status != hoststate.StatusStopping {
			t.Fatalf("after Close: %s, want stopping left for the reconciler", e.get("h").Status)
		}
		if _, err := e.actions.Begin(t.Context(), "h", hoststate.ActionStop); !errors.Is(err, waiter.ErrClosed) {
			t.Fatalf("Begin after Close = %v, want ErrClosed", err)
		}
	})
}

// lateDNS answers NXDOMAIN until ready, then the host's address.
type lateDNS struct {
	e     *env
	ready time.Time
	addr  func() string
}

func (d *lateDNS) LookupHost(_ context.Context, name string) ([]string, error) {
	if d.e.clock.Now().Before(d.ready) {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return []string{d.addr()}, nil
}

// TestStartIsReadyOnlyOnceTheNameResolves: the start's outcome waits for
// DNS; running is written as soon as the provider confirms it.
func TestStartIsReadyOnlyOnceTheNameResolves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &lateDNS{}
		e := newEnv(t, envConfig{dns: &waiter.DNS{
			Name:     func(r hoststate.Record) string { return r.ID + ".hosts.example.test" },
			Resolver: d,
		}})
		d.e, d.ready = e, t0.Add(10*time.Minute)
		d.addr = func() string { return e.get("h").Address }
		e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), false, hoststate.StatusOff)
		var runningAt time.Time
		rec, err := e.do(doStart(e.actions), "h", func(now time.Time, _ <-chan struct{}) {
			if runningAt.IsZero() && e.get("h").Status == hoststate.StatusRunning {
				runningAt = now
			}
		})
		if err != nil || rec.Status != hoststate.StatusRunning {
			t.Fatalf("start: %s, %v", rec.Status, err)
		}
		if runningAt.IsZero() || !runningAt.Before(d.ready) {
			t.Fatalf("running written at %v, want before the name resolved at %v", runningAt, d.ready)
		}
		if e.clock.Now().Before(d.ready) {
			t.Fatalf("outcome at %v, before the name resolved at %v", e.clock.Now(), d.ready)
		}
	})
}
