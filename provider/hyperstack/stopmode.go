package hyperstack

import (
	"github.com/driftless/driftless/provider"
)

// StopMode is how a Hyperstack host stops.
type StopMode string

// Stop modes.
const (
	// StopDelete deletes the VM and keeps the data volume (the seeds'
	// stop): nothing but the volume is billed, and a start creates a new
	// VM from the host's launch spec — a new id, a new boot disk and
	// address.
	StopDelete StopMode = "delete"
	// StopHibernate hibernates the VM (GET .../hibernate, needs ACTIVE and
	// a flavor that supports it): the VM stays, HIBERNATED, billed only
	// for storage and its IP, and a start restores it
	// (GET .../hibernate-restore) with its boot disk and id.
	StopHibernate StopMode = "hibernate"
)

// StopModeLabel is the host label (Host.Labels) that chooses a host's
// stop mode, "delete" or "hibernate", over Config.StopMode. It is a
// control label (provider.ControlPrefix): it is not put on the VM, and
// changing it never makes the VM look foreign.
const StopModeLabel = provider.ControlPrefix + "stop-mode"

// valid reports whether m is a stop mode.
func (m StopMode) valid() bool { return m == StopDelete || m == StopHibernate }

// stopModeOf returns host's stop mode: its label's, else def.
func stopModeOf(host provider.Host, def StopMode) StopMode {
	if m := StopMode(host.Labels[StopModeLabel]); m.valid() {
		return m
	}
	return def
}
