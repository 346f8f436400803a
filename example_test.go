package driftless_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider/gcp"
)

// Example follows one GCP host through the pure core, with no cloud and no
// clock: a user starts it, the provider's raw statuses pass through its
// table and the reconcile decision, a heartbeat shows the host alive, a
// failed API call changes nothing, and a stop made behind the control
// plane's back (in the provider console) is accepted only once confirmed.
// The reconcile and waiter packages make these same calls against real
// providers and a Store.
func Example() {
	t0 := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	policy := hoststate.DefaultPolicy()
	vms, disks := gcp.InstanceStates, gcp.DiskStates
	probe := func(vm, disk, address string) hoststate.Observation {
		return hoststate.Observation{
			VM: vms.Normalize(vm), Volume: disks.Normalize(disk),
			RawVM: vm, RawVolume: disk, Address: address,
		}
	}
	rec := hoststate.Record{ID: "host-1", Provider: "gcp", Status: hoststate.StatusOff}

	// The user clicks Start: the UI shows starting at once.
	rec.Apply(hoststate.ActionStart, t0)
	fmt.Println("start:", rec.Status)

	observe := func(after time.Duration, seen hoststate.Observation) {
		var ch hoststate.Change
		ch = rec.Observe(seen, t0.Add(after), policy)
		fmt.Printf("%-6v %-10s %s -> %s (%s)\n", after, orFailed(seen.RawVM), ch.From, ch.To, ch.Reason)
	}
	observe(10*time.Second, probe("STAGING", "READY", ""))
	observe(30*time.Second, probe("RUNNING", "READY", "")) // up, but no address yet
	observe(40*time.Second, probe("RUNNING", "READY", "203.0.113.7"))

	// The host daemon's heartbeats count only while the host is running.
	rec.Heartbeat(t0.Add(time.Minute), policy)
	fmt.Println("view:", hoststate.View(rec, t0.Add(90*time.Second), policy).Label)

	// A failed API call never changes the status.
	observe(5*time.Minute, hoststate.Observation{Err: errors.New("HTTP 503")})

	// The VM is stopped from the console: drift, accepted only when a
	// second consecutive probe agrees.
	observe(10*time.Minute, probe("TERMINATED", "READY", ""))
	observe(12*time.Minute, probe("TERMINATED", "READY", ""))
	// Output:
	// start: starting
	// 10s    STAGING    starting -> starting (agrees)
	// 30s    RUNNING    starting -> starting (awaiting address)
	// 40s    RUNNING    starting -> running (reported)
	// view: running / active
	// 5m0s   failed     running -> running (probe failed)
	// 10m0s  TERMINATED running -> running (held for confirmation)
	// 12m0s  TERMINATED running -> off (drift confirmed)
}

// orFailed names a failed probe, which has no raw status.
func orFailed(raw string) string {
	if raw == "" {
		return "failed"
	}
	return raw
}
