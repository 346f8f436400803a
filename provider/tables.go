package provider

import "github.com/driftless/driftless/hoststate"

// Shorthands for the table literals below.
const (
	running      = hoststate.VMRunning
	starting     = hoststate.VMStarting
	stopping     = hoststate.VMStopping
	stopped      = hoststate.VMStopped
	absent       = hoststate.VMAbsent
	vmError      = hoststate.VMError
	vmUnknown    = hoststate.VMUnknown
	present      = hoststate.VolumePresent
	volAbsent    = hoststate.VolumeAbsent
	transitional = hoststate.VolumeTransitional
	volUnknown   = hoststate.VolumeUnknown
)

// GCPInstanceStates is the table for Compute Engine instance.status.
func GCPInstanceStates() VMTable {
	return VMTable{Provider: "gcp instance", Rows: []VMRow{
		{"PROVISIONING", starting, "resources being allocated"},
		{"STAGING", starting, "resources acquired, booting"},
		{"RUNNING", running, ""},
		{"STOPPING", stopping, "still stopping: never off (the seeds' UI bug)"},
		{"STOPPED", stopped, "legacy name of a stopped instance"},
		{"SUSPENDING", stopping, "memory being saved; the VM is going down"},
		{"SUSPENDED", stopped, "a suspended VM does not run; its disks remain"},
		{"REPAIRING", vmError, "GCE is repairing the VM: not usable"},
		{"TERMINATED", stopped, "a stopped GCE VM is TERMINATED and still exists, disks too"},
		{"DEPROVISIONING", stopping, "being deleted"},
		{"PENDING", starting, "flex-start waiting for capacity"},
		{"PENDING_STOP", stopping, "stop requested, not yet stopping"},
	}}
}

// GCPDiskStates is the table for Compute Engine disk.status.
func GCPDiskStates() VolumeTable {
	return VolumeTable{Provider: "gcp disk", Rows: []VolumeRow{
		{"CREATING", transitional, ""},
		{"RESTORING", transitional, "restoring from a snapshot"},
		{"READY", present, ""},
		{"FAILED", volUnknown, "the disk exists but failed: neither present nor absent, so never deprovisioned"},
		{"UNAVAILABLE", transitional, "temporarily unavailable, e.g. during maintenance"},
		{"DELETING", transitional, "still exists until deleted: not yet absent"},
	}}
}

// NebiusInstanceStates is the table for Nebius compute/v1 InstanceStatus.state.
func NebiusInstanceStates() VMTable {
	return VMTable{Provider: "nebius instance", Rows: []VMRow{
		{"CREATING", starting, ""},
		{"UPDATING", starting, "being reconfigured; it will come back up"},
		{"STARTING", starting, ""},
		{"RUNNING", running, ""},
		{"STOPPING", stopping, ""},
		{"STOPPED", stopped, ""},
		{"DELETING", stopping, "a VM being deleted is still going down: stopping, not absent"},
		{"ERROR", vmError, ""},
		{"UNSPECIFIED", vmUnknown, "the zero enum: no information"},
	}}
}

// NebiusDiskStates is the table for Nebius compute/v1 DiskStatus.state.
func NebiusDiskStates() VolumeTable {
	return VolumeTable{Provider: "nebius disk", Rows: []VolumeRow{
		{"UNSPECIFIED", volUnknown, "the zero enum: no information"},
		{"CREATING", transitional, ""},
		{"READY", present, ""},
		{"UPDATING", transitional, "being resized or reattached"},
		{"DELETING", transitional, "still exists until deleted"},
		{"ERROR", volUnknown, "exists but failed: never read as absent"},
		{"BROKEN", volUnknown, "exists but broken: never read as absent"},
	}}
}

// HyperstackVMStates is the table for Hyperstack virtual machine status.
func HyperstackVMStates() VMTable {
	return VMTable{Provider: "hyperstack vm", Rows: []VMRow{
		{"CREATING", starting, ""},
		{"BUILD", starting, ""},
		{"ACTIVE", running, ""},
		{"STARTING", starting, ""},
		{"REBOOTING", starting, "coming back up"},
		{"HARD_REBOOT", starting, "coming back up"},
		{"STOPPING", stopping, ""},
		{"SHUTOFF", stopped, ""},
		{"HIBERNATING", stopping, ""},
		{"HIBERNATED", stopped, "hibernated VMs do not run; they are stopped, not gone"},
		{"RESTORING", starting, "restoring from hibernation"},
		{"DELETING", stopping, "inferred: the VM still exists until the API answers 404"},
		{"ERROR", vmError, ""},
	}}
}

// HyperstackVolumeStates is the table for Hyperstack volume status
// (OpenStack style, lower case).
func HyperstackVolumeStates() VolumeTable {
	return VolumeTable{Provider: "hyperstack volume", Rows: []VolumeRow{
		{"creating", transitional, ""},
		{"downloading", transitional, "image being written"},
		{"available", present, "detached and usable"},
		{"in-use", present, "attached to a VM (inferred)"},
		{"reserved", transitional, "the seeds: reserved is transitional, not failed (inferred)"},
		{"attaching", transitional, "inferred"},
		{"detaching", transitional, "inferred"},
		{"deleting", transitional, "still exists until deleted (inferred)"},
		{"error", volUnknown, "exists but failed: never read as absent"},
		{"error_deleting", volUnknown, "a delete failed: the volume may still hold data (inferred)"},
		{"deleted", volAbsent, ""},
	}}
}

// LambdaInstanceStates is the table for Lambda Cloud instance status. Lambda
// has no stop and no separate data volume: a host whose instance is gone is
// deprovisioned.
func LambdaInstanceStates() VMTable {
	return VMTable{Provider: "lambda instance", Rows: []VMRow{
		{"booting", starting, ""},
		{"active", running, ""},
		{"unhealthy", vmError, "the instance runs but Lambda reports it unusable"},
		{"terminating", stopping, "being deleted: stopping until gone"},
		{"terminated", absent, "terminated instances are gone for good"},
		{"preempted", absent, "reclaimed by Lambda: gone for good"},
	}}
}

// SelfHostStates is the table for a self-host connector's reported VM state
// (the VM manager's states passed through). An offline connector is not a
// row: the self-host adapter reports it as an unreachable observation, so
// the host becomes unknown, never off.
func SelfHostStates() VMTable {
	return VMTable{Provider: "self-host connector", Rows: []VMRow{
		{"running", running, ""},
		{"starting", starting, ""},
		{"stopping", stopping, ""},
		{"stopped", stopped, ""},
		{"off", stopped, "the VM manager's word for stopped"},
		{"error", vmError, ""},
		{"not_found", absent, "the connector says the VM does not exist"},
	}}
}

// VMTables returns every VM table, for listing in a UI.
func VMTables() []VMTable {
	return []VMTable{GCPInstanceStates(), NebiusInstanceStates(), HyperstackVMStates(), LambdaInstanceStates(), SelfHostStates()}
}

// VolumeTables returns every volume table, for listing in a UI.
func VolumeTables() []VolumeTable {
	return []VolumeTable{GCPDiskStates(), NebiusDiskStates(), HyperstackVolumeStates()}
}
