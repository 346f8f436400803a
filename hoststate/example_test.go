package hoststate_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/driftless/driftless/hoststate"
)

func ExampleRecord_Apply() {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	r := hoststate.Record{ID: "host-1", Status: hoststate.StatusRunning}

	err := r.Apply(hoststate.ActionStop, now)
	fmt.Println(r.Status, err)

	err = r.Apply(hoststate.ActionReboot, now) // refused: r is unchanged
	fmt.Println(errors.Is(err, hoststate.ErrInvalidTransition), err)
	// Output:
	// stopping <nil>
	// true hoststate: cannot reboot a host that is stopping
}

func ExampleRecord_Observe() {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	p := hoststate.DefaultPolicy()
	r := hoststate.Record{ID: "host-1", Status: hoststate.StatusRunning}
	if err := r.Apply(hoststate.ActionStop, now); err != nil {
		fmt.Println(err)
		return
	}

	// GCP still says STOPPING: the host stays stopping, never off.
	probe := hoststate.Observation{VM: hoststate.VMStopping, Volume: hoststate.VolumePresent, RawVM: "STOPPING", RawVolume: "READY"}
	c := r.Observe(probe, now.Add(20*time.Second), p)
	fmt.Println(c.From, "->", c.To, "|", c.Reason)

	// TERMINATED twice in a row: off, confirmed.
	probe.VM, probe.RawVM = hoststate.VMStopped, "TERMINATED"
	c = r.Observe(probe, now.Add(40*time.Second), p)
	fmt.Println(c.From, "->", c.To, "|", c.Reason, c.Count)
	c = r.Observe(probe, now.Add(60*time.Second), p)
	fmt.Println(c.From, "->", c.To, "|", c.Reason, c.Count)

	// A failed API call never flips anything.
	c = r.Observe(hoststate.Observation{Err: errors.New("HTTP 503")}, now.Add(80*time.Second), p)
	fmt.Println(c.From, "->", c.To, "|", c.Reason)
	// Output:
	// stopping -> stopping | agrees
	// stopping -> stopping | held for confirmation 1
	// stopping -> off | reported 2
	// off -> off | probe failed
}

func ExampleView() {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	p := hoststate.DefaultPolicy()
	r := hoststate.Record{
		ID: "host-1", Status: hoststate.StatusRunning, Since: now.Add(-time.Hour),
		Observed: hoststate.VMRunning, ProviderStatus: "ACTIVE", Address: "203.0.113.7",
		BootstrapDone: true,
	}
	r.Heartbeat(now.Add(-30*time.Second), p)
	v := hoststate.View(r, now, p)
	fmt.Printf("%s (provider: %s) [%s]\n", v.Label, v.ProviderStatus, v.Flags)

	// The daemon dies: five minutes later the view says so.
	v = hoststate.View(r, now.Add(5*time.Minute), p)
	fmt.Printf("%s (provider: %s) [%s]\n", v.Label, v.ProviderStatus, v.Flags)
	// Output:
	// running / active (provider: ACTIVE) []
	// running / host offline (provider: ACTIVE) [stale]
}
