package hyperstack

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// VMStates normalizes Hyperstack virtual machine status. It is built once:
// probes, listings and Start's checks share it.
var VMStates = provider.NewVMTable("hyperstack vm",
	provider.VMRow{Raw: "CREATING", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "BUILD", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "ACTIVE", VM: hoststate.VMRunning},
	provider.VMRow{Raw: "STARTING", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "REBOOTING", VM: hoststate.VMStarting, Note: "coming back up"},
	provider.VMRow{Raw: "HARD_REBOOT", VM: hoststate.VMStarting, Note: "coming back up"},
	provider.VMRow{Raw: "STOPPING", VM: hoststate.VMStopping},
	provider.VMRow{Raw: "SHUTOFF", VM: hoststate.VMStopped},
	provider.VMRow{Raw: "HIBERNATING", VM: hoststate.VMStopping},
	provider.VMRow{Raw: "HIBERNATED", VM: hoststate.VMStopped, Note: "hibernated VMs do not run; they are stopped, not gone"},
	provider.VMRow{Raw: "RESTORING", VM: hoststate.VMStarting, Note: "restoring from hibernation"},
	provider.VMRow{Raw: "DELETING", VM: hoststate.VMStopping, Note: "inferred: the VM still exists until the API answers 404"},
	provider.VMRow{Raw: "ERROR", VM: hoststate.VMError},
)

// VolumeStates normalizes Hyperstack volume status (OpenStack style, lower
// case).
var VolumeStates = provider.NewVolumeTable("hyperstack volume",
	provider.VolumeRow{Raw: "creating", Volume: hoststate.VolumeTransitional},
	provider.VolumeRow{Raw: "downloading", Volume: hoststate.VolumeTransitional, Note: "image being written"},
	provider.VolumeRow{Raw: "available", Volume: hoststate.VolumePresent, Note: "detached and usable"},
	provider.VolumeRow{Raw: "in-use", Volume: hoststate.VolumePresent, Note: "attached to a VM (inferred)"},
	provider.VolumeRow{Raw: "reserved", Volume: hoststate.VolumeTransitional, Note: "the seeds: reserved is transitional, not failed (inferred)"},
	provider.VolumeRow{Raw: "attaching", Volume: hoststate.VolumeTransitional, Note: "inferred"},
	provider.VolumeRow{Raw: "detaching", Volume: hoststate.VolumeTransitional, Note: "inferred"},
	provider.VolumeRow{Raw: "deleting", Volume: hoststate.VolumeTransitional, Note: "still exists until deleted (inferred)"},
	provider.VolumeRow{Raw: "error", Volume: hoststate.VolumeUnknown, Note: "exists but failed: never read as absent"},
	provider.VolumeRow{Raw: "error_deleting", Volume: hoststate.VolumeUnknown, Note: "a delete failed: the volume may still hold data (inferred)"},
	provider.VolumeRow{Raw: "deleted", Volume: hoststate.VolumeAbsent},
)
