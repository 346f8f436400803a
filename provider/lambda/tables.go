package lambda

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// InstanceStates normalizes Lambda Cloud instance status. Lambda has no
// stop and no separate data volume: a host whose instance is gone is
// deprovisioned. It is built once: probes and listings share it.
var InstanceStates = provider.NewVMTable("lambda instance",
	provider.VMRow{Raw: "booting", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "active", VM: hoststate.VMRunning},
	provider.VMRow{Raw: "unhealthy", VM: hoststate.VMStarting, Note: "unusable for now but it can recover (a restart can bring it back): not an error"},
	provider.VMRow{Raw: "terminating", VM: hoststate.VMStopping, Note: "being deleted: stopping until gone"},
	provider.VMRow{Raw: "terminated", VM: hoststate.VMAbsent, Note: "terminated instances are gone for good"},
	provider.VMRow{Raw: "preempted", VM: hoststate.VMAbsent, Note: "reclaimed by Lambda: gone for good"},
)
