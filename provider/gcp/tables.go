package gcp

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// InstanceStates normalizes Compute Engine instance.status. It is built
// once: probes and listings share it.
var InstanceStates = provider.NewVMTable("gcp instance",
	provider.VMRow{Raw: "PROVISIONING", VM: hoststate.VMStarting, Note: "resources being allocated"},
	provider.VMRow{Raw: "STAGING", VM: hoststate.VMStarting, Note: "resources acquired, booting"},
	provider.VMRow{Raw: "RUNNING", VM: hoststate.VMRunning},
	provider.VMRow{Raw: "STOPPING", VM: hoststate.VMStopping, Note: "still stopping: never off (the seeds' UI bug)"},
	provider.VMRow{Raw: "STOPPED", VM: hoststate.VMStopped, Note: "legacy name of a stopped instance"},
	provider.VMRow{Raw: "SUSPENDING", VM: hoststate.VMStopping, Note: "memory being saved; the VM is going down"},
	provider.VMRow{Raw: "SUSPENDED", VM: hoststate.VMStopped, Note: "a suspended VM does not run; its disks remain (it comes back with resume)"},
	provider.VMRow{Raw: "REPAIRING", VM: hoststate.VMStarting, Note: "being repaired: transient like PROVISIONING, never an error; it comes back"},
	provider.VMRow{Raw: "TERMINATED", VM: hoststate.VMStopped, Note: "a stopped GCE VM is TERMINATED and still exists, disks too"},
	provider.VMRow{Raw: "DEPROVISIONING", VM: hoststate.VMStopping, Note: "resources being torn down, on a stop or a delete"},
	provider.VMRow{Raw: "PENDING", VM: hoststate.VMStarting, Note: "flex-start waiting for capacity"},
	provider.VMRow{Raw: "PENDING_STOP", VM: hoststate.VMStopping, Note: "a graceful shutdown, up to its configured maximum"},
)

// DiskStates normalizes Compute Engine disk.status.
var DiskStates = provider.NewVolumeTable("gcp disk",
	provider.VolumeRow{Raw: "CREATING", Volume: hoststate.VolumeTransitional},
	provider.VolumeRow{Raw: "RESTORING", Volume: hoststate.VolumeTransitional, Note: "restoring from a snapshot"},
	provider.VolumeRow{Raw: "READY", Volume: hoststate.VolumePresent},
	provider.VolumeRow{Raw: "FAILED", Volume: hoststate.VolumeUnknown, Note: "the disk exists but failed: neither present nor absent, so never deprovisioned"},
	provider.VolumeRow{Raw: "UNAVAILABLE", Volume: hoststate.VolumeTransitional, Note: "temporarily unavailable, e.g. during maintenance"},
	provider.VolumeRow{Raw: "DELETING", Volume: hoststate.VolumeTransitional, Note: "still exists until deleted: not yet absent"},
)
