package fakes

import "time"

// Durations are how long the simulated cloud takes for each transition.
// Start from [DefaultDurations] and change what a test needs; a zero field
// makes that transition instant, a negative one counts as zero.
type Durations struct {
	// Start: a stopped VM boots to running (gcp, nebius, selfhost).
	Start time.Duration
	// Stop: a running VM stops (gcp, nebius, selfhost) or, on hyperstack,
	// is deleted (half of it STOPPING, half DELETING).
	Stop time.Duration
	// Reboot: a running VM restarts.
	Reboot time.Duration
	// Create: a new VM boots (hyperstack start, lambda launch).
	Create time.Duration
	// Delete: a VM is deleted (deprovision, lambda terminate, console delete).
	Delete time.Duration
	// VolumeDetach: after its VM is gone, a hyperstack volume stays
	// "reserved" this long before it is "available" again.
	VolumeDetach time.Duration
	// VolumeDelete: a volume being deleted takes this long to disappear.
	VolumeDelete time.Duration
	// Address: a VM that just reached running has no public address yet for
	// this long, as when a floating IP is attached after boot.
	Address time.Duration
	// Linger: a terminated or preempted lambda instance stays listed this
	// long before it disappears.
	Linger time.Duration
}

// DefaultDurations returns durations in the range real clouds show (30 s to
// 90 s for most transitions).
func DefaultDurations() Durations {
	return Durations{
		Start:        45 * time.Second,
		Stop:         30 * time.Second,
		Reboot:       30 * time.Second,
		Create:       90 * time.Second,
		Delete:       60 * time.Second,
		VolumeDetach: 20 * time.Second,
		VolumeDelete: 30 * time.Second,
		Address:      0,
		Linger:       5 * time.Minute,
	}
}

// sanitized clamps negative durations to zero, so no input schedules a
// transition in the past.
func (d Durations) sanitized() Durations {
	for _, p := range []*time.Duration{&d.Start, &d.Stop, &d.Reboot, &d.Create, &d.Delete, &d.VolumeDetach, &d.VolumeDelete, &d.Address, &d.Linger} {
		*p = max(*p, 0)
	}
	return d
}
