package selfhost

import (
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// NotFound is the state a connector reports for a VM its VM manager does
// not have.
const NotFound = "not_found"

// States normalizes the VM state a connector reports (its VM manager's
// states passed through). An offline connector is not a row: the adapter
// reports it as an unreachable observation, so the host becomes unknown,
// never off.
var States = provider.NewVMTable("self-host connector",
	provider.VMRow{Raw: "running", VM: hoststate.VMRunning},
	provider.VMRow{Raw: "starting", VM: hoststate.VMStarting},
	provider.VMRow{Raw: "stopping", VM: hoststate.VMStopping},
	provider.VMRow{Raw: "stopped", VM: hoststate.VMStopped},
	provider.VMRow{Raw: "off", VM: hoststate.VMStopped, Note: "the VM manager's word for stopped"},
	provider.VMRow{Raw: "restarting", VM: hoststate.VMStarting, Note: "coming back up"},
	provider.VMRow{Raw: "delayed_shutdown", VM: hoststate.VMStopping, Note: "a shutdown is scheduled: going down"},
	provider.VMRow{Raw: "suspending", VM: hoststate.VMStopping},
	provider.VMRow{Raw: "suspended", VM: hoststate.VMStopped, Note: "does not run; its disk remains"},
	provider.VMRow{Raw: "error", VM: hoststate.VMError},
	provider.VMRow{Raw: "unknown", VM: hoststate.VMUnknown, Note: "the VM manager cannot tell: never off"},
	provider.VMRow{Raw: NotFound, VM: hoststate.VMAbsent, Note: "the connector says the VM does not exist"},
)
