package waiter_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// runOnFakeClock runs f while moving clock forward a second at a time
// whenever f is waiting on it (holding its deadline timer and one more),
// so examples take no real time.
func runOnFakeClock(clock *clocktest.Clock, f func()) {
	_, _ = clocktest.Drive(context.Background(), clock, 2, time.Second, 24*time.Hour, func() struct{} { f(); return struct{}{} })
}

// Wait for a VM to run, failing fast if it goes to error. The probe here
// is scripted; normally it wraps provider.Provider.Probe. The start is
// known to take about 30 s, so the waiter spends no probes before 24 s.
func ExampleWait() {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := clocktest.New(start)
	probe := func(context.Context) (hoststate.Observation, error) {
		if clock.Now().Sub(start) < 30*time.Second {
			return hoststate.Observation{VM: hoststate.VMStarting, RawVM: "STAGING"}, nil
		}
		return hoststate.Observation{VM: hoststate.VMRunning, RawVM: "RUNNING", Address: "203.0.113.7"}, nil
	}
	runOnFakeClock(clock, func() {
		o, err := waiter.Wait(context.Background(), clock, probe, waiter.Options{
			Target:   waiter.VMIn(hoststate.VMRunning),
			FailFast: waiter.VMIn(hoststate.VMError),
			Timeout:  10 * time.Minute,
			// Typical start time at this provider.
			ExpectedDuration: 30 * time.Second,
			Rand:             rand.New(rand.NewPCG(1, 2)),
		})
		fmt.Println(o.RawVM, o.Address, err, "after", clock.Now().Sub(start))
	})
	// Output: RUNNING 203.0.113.7 <nil> after 32s
}

// Stop a GCP host: "stopping" is written before the provider is called,
// the native operation is waited on, and "off" is written only after two
// probes confirm the VM is TERMINATED.
func ExampleActions_Stop() {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cloud := fakes.NewCloud(clock, 1)
	host := provider.Host{Project: "proj", Zone: "zone-a", Instance: "web-1", Volume: "web-1-data"}
	if err := cloud.AddHost(fakes.GCP, host, true); err != nil {
		fmt.Println(err)
		return
	}
	st := store.NewMemStore(store.MemConfig{})
	if _, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: "web-1", Provider: fakes.GCP, Ref: host, Status: hoststate.StatusRunning}}); err != nil {
		fmt.Println(err)
		return
	}
	actions, err := waiter.New(waiter.Config{Store: st, Providers: []provider.Provider{cloud.Provider(fakes.GCP)}, Clock: clock, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	runOnFakeClock(clock, func() {
		rec, err := actions.Stop(ctx, "web-1")
		calls := cloud.Calls(fakes.GCP)
		fmt.Println(rec.Status, err, "- stop calls:", calls[fakes.MethodStop], "probes:", calls[fakes.MethodProbe])
	})
	// Output: off <nil> - stop calls: 1 probes: 2
}

// The start gate: a Hyperstack VM still being deleted, or its volume still
// reserved, is not ready for a start; gone with the volume available is.
func ExampleReadyToStart() {
	gate := waiter.ReadyToStart(true)
	fmt.Println(gate.Met(hoststate.Observation{VM: hoststate.VMStopping, RawVM: "DELETING", Volume: hoststate.VolumeTransitional, RawVolume: "reserved"}))
	fmt.Println(gate.Met(hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeTransitional, RawVolume: "reserved"}))
	fmt.Println(gate.Met(hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumePresent, RawVolume: "available"}))
	// Output:
	// false
	// false
	// true
}

// staticResolver answers every lookup with the same addresses.
type staticResolver []string

func (r staticResolver) LookupHost(context.Context, string) ([]string, error) { return r, nil }

// Hand a host name out only once DNS resolves it to the new address. A
// *net.Resolver is a Resolver; this one answers at once.
func ExampleWaitResolvable() {
	addrs, err := waiter.WaitResolvable(context.Background(), clock.System(),
		staticResolver{"2001:db8::7"}, "h1.example.test", "2001:db8:0:0::7", waiter.Options{Timeout: time.Minute})
	fmt.Println(addrs, err)
	// Output: [2001:db8::7] <nil>
}
