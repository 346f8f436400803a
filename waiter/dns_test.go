package waiter_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/waiter"
)

// TestDNSGateKeepsTheTimerCount: while a start waits for its name to
// resolve, the action holds as many timers as in any other wait — its
// deadline and the pause — so a driver that moves a fake clock whenever
// two timers are pending (as the smoke harness and the adapters' waiter
// tests do) sees the waiter idle only when it is. The gate once made its
// own deadline timer on top of the action's: three while idle, two while
// busy, and such a driver ran the clock to the deadline.
func TestDNSGateKeepsTheTimerCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := &lateDNS{}
		e := newEnv(t, envConfig{dns: &waiter.DNS{
			Name:     func(r hoststate.Record) string { return r.ID + ".hosts.example.test" },
			Resolver: d,
		}})
		d.e, d.ready = e, t0.Add(5*time.Minute)
		d.addr = func() string { return e.get("h").Address }
		e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), false, hoststate.StatusOff)
		gated := 0
		rec, err := e.do(doStart(e.actions), "h", func(_ time.Time, finished <-chan struct{}) {
			synctest.Wait()
			select {
			case <-finished:
				return
			default:
			}
			if e.get("h").Status != hoststate.StatusRunning {
				return
			}
			// Running is written: the action now waits at the DNS gate.
			gated++
			if n := e.clock.Timers(); n > 2 {
				t.Fatalf("%d timers pending while the start waits for DNS, want 2 (deadline and pause)", n)
			}
		})
		if err != nil || rec.Status != hoststate.StatusRunning {
			t.Fatalf("start: %s, %v", rec.Status, err)
		}
		if gated == 0 {
			t.Fatal("the start never waited at the DNS gate")
		}
	})
}
