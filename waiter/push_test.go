package waiter_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// stoppingConnector answers a stop and remembers it was asked.
type stoppingConnector struct{ stopped atomic.Bool }

func (c *stoppingConnector) Start(context.Context, provider.Host) error { return nil }
func (c *stoppingConnector) Stop(context.Context, provider.Host) error {
	c.stopped.Store(true)
	return nil
}

// watched counts Watch calls of the real self-host adapter.
type watched struct {
	*selfhost.Provider
	watches atomic.Int32
}

func (w *watched) Watch(h provider.Host) (<-chan hoststate.Observation, func(), error) {
	w.watches.Add(1)
	return w.Provider.Watch(h)
}

// TestSelfHostReportsReachTheWaiter: with no Config.Subscribe, a stop on a
// self-host host waits on the connector's pushed reports through the real
// adapter's Watch, and ends off once the connector reports the VM stopped.
func TestSelfHostReportsReachTheWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := clocktest.New(t0)
		conn := &stoppingConnector{}
		sp, err := selfhost.New(selfhost.Config{Connector: conn, Now: clock.Now, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		p := &watched{Provider: sp}
		h := provider.Host{Project: "conn-1", Instance: "vm-1"}
		report := func(state string) {
			if err := sp.Report(context.Background(), selfhost.Report{Connector: h.Project, Instance: h.Instance, State: state, Address: "192.0.2.9", At: clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		report("running")
		st := store.NewMemStore(store.MemConfig{Now: clock.Now})
		if _, err := st.Update(t.Context(), store.Write{Record: hoststate.Record{ID: "h", Provider: selfhost.Name, Ref: h, Status: hoststate.StatusRunning, Since: t0}}); err != nil {
			t.Fatal(err)
		}
		a, err := waiter.New(waiter.Config{Store: st, Providers: []provider.Provider{p}, Clock: clock, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		reported := false
		got := drive(t, t.Context(), clock, time.Hour, func(now time.Time, _ <-chan struct{}) {
			if conn.stopped.Load() && !reported && now.Sub(t0) >= 20*time.Second {
				reported = true
				report("stopped")
			}
		}, func() hoststate.Record {
			rec, err := a.Stop(t.Context(), "h")
			if err != nil {
				t.Error(err)
			}
			return rec
		})
		if got.Status != hoststate.StatusOff {
			t.Fatalf("status %s, want off", got.Status)
		}
		if n := p.watches.Load(); n != 1 {
			t.Fatalf("Watch called %d times, want once: the reports are not wired into the waiter", n)
		}
	})
}
