package hyperstack_test

import (
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// TestWaiterDeprovisionsARunningHost drives a user's deprovision of a
// running host through waiter.Actions, the real adapter and the emulator
// (real loopback HTTP, so not inside synctest): Hyperstack refuses to
// delete the volume while its VM holds it, and the action still ends
// deprovisioned — confirmed by the provider's ground truth.
//
// clocktest.Drive moves the fake clock only while the waiter is idle: the
// action's deadline timer plus one more (the operation's poll, or a
// pause between probes) are pending, which the clock tells without a
// wall-clock guess.
func TestWaiterDeprovisionsARunningHost(t *testing.T) {
	e := newEnv(t, fakes.DefaultDurations(), nil)
	st := store.NewMemStore(store.MemConfig{Now: e.clock.Now})
	ctx := t.Context()
	if _, err := st.Update(ctx, store.Write{Record: hoststate.Record{
		ID: "h", Provider: "hyperstack", Ref: e.host, Status: hoststate.StatusRunning, Since: e.clock.Now(),
	}}); err != nil {
		t.Fatal(err)
	}
	actions, err := waiter.New(waiter.Config{Store: st, Providers: []provider.Provider{e.p}, Clock: e.clock, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		rec hoststate.Record
		err error
	}
	// A waiting waiter holds two timers: its deadline and one more.
	res, err := clocktest.Drive(ctx, e.clock, 2, time.Second, 30*time.Minute, func() result {
		rec, err := actions.Deprovision(ctx, "h")
		return result{rec, err}
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.err != nil || res.rec.Status != hoststate.StatusDeprovisioned {
		t.Fatalf("Deprovision = %s, %v; want deprovisioned", res.rec.Status, res.err)
	}
	if tr := e.cloud.Truth(fakes.Hyperstack, e.host); tr.VMExists || tr.VolumeExists {
		t.Errorf("deprovisioned, but the ground truth is %+v", tr)
	}
	if n := e.cloud.Calls(fakes.Hyperstack)["volumes.delete"]; n < 2 {
		t.Errorf("%d volume deletes: the first, while attached, must have been refused and retried", n)
	}
}
