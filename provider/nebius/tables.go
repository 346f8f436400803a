package nebius

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// InstanceStates normalizes Nebius compute/v1 InstanceStatus.state (the
// enum's name). It is built once: probes and listings share it.
var InstanceStates = provider.NewVMTable("nebius instance",
	provider.VMRow{Raw: "CREATING", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "UPDATING", VM: hoststate.VMStarting, Note: "being reconfigured; it will come back up"},
	provider.VMRow{Raw: "STARTING", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "RUNNING", VM: hoststate.VMRunning},
	provider.VMRow{Raw: "STOPPING", VM: hoststate.VMStopping},
	provider.VMRow{Raw: "STOPPED", VM: hoststate.VMStopped},
	provider.VMRow{Raw: "DELETING", VM: hoststate.VMStopping, Note: "a VM being deleted is still going down: stopping, not absent"},
	provider.VMRow{Raw: "ERROR", VM: hoststate.VMError},
	provider.VMRow{Raw: "UNSPECIFIED", VM: hoststate.VMUnknown, Note: "the zero enum: no information"},
)

// DiskStates normalizes Nebius compute/v1 DiskStatus.state.
var DiskStates = provider.NewVolumeTable("nebius disk",
	provider.VolumeRow{Raw: "UNSPECIFIED", Volume: hoststate.VolumeUnknown, Note: "the zero enum: no information"},
	provider.VolumeRow{Raw: "CREATING", Volume: hoststate.VolumeTransitional},
	provider.VolumeRow{Raw: "READY", Volume: hoststate.VolumePresent},
	provider.VolumeRow{Raw: "UPDATING", Volume: hoststate.VolumeTransitional, Note: "being resized or reattached"},
	provider.VolumeRow{Raw: "DELETING", Volume: hoststate.VolumeTransitional, Note: "still exists until deleted"},
	provider.VolumeRow{Raw: "ERROR", Volume: hoststate.VolumeUnknown, Note: "exists but failed: never read as absent"},
	provider.VolumeRow{Raw: "BROKEN", Volume: hoststate.VolumeUnknown, Note: "exists but broken: never read as absent"},
)
