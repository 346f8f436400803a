package waiter_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/waiter"
)

// startWatch wraps a provider and records the ground truth at the moment
// each Start is sent.
type startWatch struct {
	provider.Provider
	cloud  *fakes.Cloud
	starts []fakes.Truth
}

func (w *startWatch) Start(ctx context.Context, h provider.Host) (provider.Operation, error) {
	w.starts = append(w.starts, w.cloud.Truth(w.Name(), h))
	return w.Provider.Start(ctx, h)
}

// TestStartWaitsForThePreviousVM is the Hyperstack stop/start race: the
// record already says off, but the old VM is still being deleted and its
// volume still reserved. The start must wait until both have settled —
// sent earlier, the provider refuses it.
func TestStartWaitsForThePreviousVM(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var watch *startWatch
		e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
			watch = &startWatch{Provider: c.Provider(fakes.Hyperstack), cloud: c}
			return []provider.Provider{watch}
		}})
		h := hostOf(fakes.Hyperstack, 0)
		e.addHost("h", fakes.Hyperstack, h, true, hoststate.StatusOff)
		if err := e.cloud.ConsoleStop(fakes.Hyperstack, h); err != nil {
			t.Fatal(err)
		}
		rec, err := e.do(doStart(e.actions), "h", nil)
		if err != nil || rec.Status != hoststate.StatusRunning {
			t.Fatalf("start: %s, %v", rec.Status, err)
		}
		if len(watch.starts) != 1 {
			t.Fatalf("%d starts sent, want 1", len(watch.starts))
		}
		if got := watch.starts[0]; got.VMExists || got.RawVolume != "available" {
			t.Errorf("start sent while the old VM was %q and the volume %q", got.RawVM, got.RawVolume)
		}
	})
}

func TestReadyToStart(t *testing.T) {
	tests := []struct {
		name           string
		o              hoststate.Observation
		volumeExpected bool
		want           bool
	}{
		{"stopped, volume ready", hoststate.Observation{VM: hoststate.VMStopped, Volume: hoststate.VolumePresent}, true, true},
		{"gone, volume available", hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumePresent}, true, true},
		{"still deleting", hoststate.Observation{VM: hoststate.VMStopping, Volume: hoststate.VolumeTransitional}, true, false},
		{"gone, volume reserved", hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeTransitional}, true, false},
		{"gone, volume not visible yet", hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}, true, false},
		{"gone, no volume to keep", hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}, false, true},
		{"starting already", hoststate.Observation{VM: hoststate.VMStarting, Volume: hoststate.VolumePresent}, true, false},
		{"unrecognized", hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumePresent}, true, false},
		{"volume failed", hoststate.Observation{VM: hoststate.VMStopped, Volume: hoststate.VolumeUnknown}, true, false},
	}
	for _, tt := range tests {
		if got := waiter.ReadyToStart(tt.volumeExpected).Met(tt.o); got != tt.want {
			t.Errorf("%s: Met = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestGateTimeoutSendsNothing: a previous VM that never finishes stopping
// keeps the start from being sent at all; the action times out in flight.
func TestGateTimeoutSendsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{timeouts: waiter.Timeouts{Start: 2 * time.Minute}})
		h := hostOf(fakes.GCP, 0)
		e.addHost("h", fakes.GCP, h, true, hoststate.StatusOff)
		if err := e.cloud.SetVMStatus(fakes.GCP, h, "STOPPING"); err != nil {
			t.Fatal(err)
		}
		_, err := e.do(doStart(e.actions), "h", nil)
		if !errIs(err, waiter.ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if n := e.cloud.Calls(fakes.GCP)[fakes.MethodStart]; n != 0 {
			t.Errorf("%d starts sent while the VM was still stopping", n)
		}
		if s := e.get("h"); s.Status != hoststate.StatusStarting || !s.InFlight() {
			t.Errorf("record %s, want starting in flight", s.Status)
		}
	})
}
