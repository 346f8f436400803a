// Package smoke runs every provider through a host's whole lifecycle —
// create, start, reboot, stop, reprovision around the kept data volume,
// start again, deprovision — through the real waiter and the real
// reconciler, and checks after every step what the control plane wrote
// against what the provider itself says.
//
// A control-plane team runs it against real clouds ([Run] with targets
// built from real adapters and clock.System time); CI runs the very same
// plan against the in-process emulators (package smoke/smoketest, which
// builds the targets and drives a fake clock).
//
// # The plan
//
// [PlanFor] derives the steps from what the provider says of itself
// ([provider.Provider.Supports] and [provider.Capabilities]), never from
// its name:
//
//	create       Target.Create makes what the host needs (its data volume,
//	             or nothing); a reconcile tick must then find it off (or
//	             deprovisioned, without a volume)
//	start        → running with an address (a first start that must create
//	             the VM around the volume is a reprovision)
//	reboot       → running
//	stop         → off (the VM stopped, or deleted where a stop deletes it,
//	             the volume kept)
//	reprovision  → running: a new VM around the same data volume
//	stop         → off
//	start        → running
//	deprovision  → deprovisioned, nothing left behind
//
// An action the provider does not support is reported skipped with the
// provider's reason (Lambda has no stop); a step whose action the
// transition table does not allow from where the host is (a stop after a
// skipped stop) is skipped with that reason.
//
// # What every step checks
//
// Each action goes through [waiter.Actions.Begin] and its Handle; then a
// reconcile tick ([reconcile.Reconciler.RunOnce], every tick a full sweep)
// runs and must leave the status as the waiter wrote it. Then:
//
//   - the control-plane status is the action's goal;
//   - the provider's own view ([Inspector]) agrees: a running VM with the
//     record's address and VM id, a stopped (or, where a stop deletes it,
//     absent) VM, and after the deprovision nothing of the host at all;
//   - the data volume is the one the run created, at every step until the
//     deprovision: same identity, never absent in between;
//   - the invariants, checked on every write to the store as it happens:
//     never off while the provider still runs or stops the VM, never
//     deprovisioned while the data volume exists;
//   - where the target names its hosts ([DNSCheck]), a start is reported
//     done only once the name resolves to the address, and a stop leaves
//     the name resolving.
//
// # Faults
//
// A target whose [Target.Faults] is set runs in the fault mode: its plan
// with one fault per step, in a fixed rotation ([Fault]): created
// resources invisible for a while, a crash of the driver right after the
// provider call was sent (the call returns into a dead process: the action
// is abandoned, a new waiter and reconciler are built on the same store,
// and the reconciler must bring the host to the action's goal — or, where
// the driver itself carried the rest of the action, settle it where the
// provider left it, and the resent action must finish it), 5xx answers,
// 429/403 storms, and stale reads of deleted resources.
//
// # Time
//
// Everything runs on [Time]: [SystemTime] for real clouds; over emulators
// a fake clock that moves only while everything under test waits on it
// (smoke/smoketest), so a run takes simulated minutes in wall-clock
// seconds and repeats exactly. Step durations are measured on that clock.
//
// The package imports only the library's public packages; it never
// imports the simulated cloud.
package smoke
