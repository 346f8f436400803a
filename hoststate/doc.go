// Package hoststate is driftless's pure core: the host statuses, the user
// actions and their transition table, the reconcile decision, heartbeat
// gating and what a UI shows.
//
// Nothing here does I/O, starts goroutines or reads the clock: every
// function takes the record, its input and the time, and returns a new
// record. That makes the rules deterministic and cheap (the hot paths do
// not allocate), and lets property tests run millions of steps; the
// reconcile and waiter packages are the imperative shell around it, much as
// etcd's raft node wraps its pure state machine.
//
// The flow for one host:
//
//   - a user action: [Record.Apply] sets the transitional status at once
//     ("stopping") and starts the grace window;
//   - a provider probe: [Record.Observe] decides whether the stored status should
//     follow the observation now, later (grace window, confirmations, an
//     action still in flight) or never (a failed probe, an unrecognized
//     provider status);
//   - a heartbeat from the host daemon: [Record.Heartbeat] accepts it only while
//     running;
//   - a UI: [View] shows the status, what the provider reports, the
//     daemon's liveness and badges.
//
// The transition table is declared once, as typed rows ([Transitions]):
// a misspelt status does not compile. [Record.Apply] and [Record.Observe] use a lookup
// compiled from it, [Mermaid] draws it, and package hoststate/fsmview
// builds a looplab/fsm machine from it for callers who want callbacks,
// keeping that dependency out of the pure core.
//
// Decisions beyond docs/ARCHITECTURE.md, made here and documented at [Record.Observe]: every
// flip to off, deprovisioned or error needs Policy.Confirmations agreeing
// observations, even when it is the expected outcome of a stop (a stop
// costs one extra probe; a false "off" costs data); and while an action is
// in flight, the provider's intermediate states hold its transitional
// status until the action's deadline, after which they count as drift, so
// an orphaned action never wedges a host.
package hoststate
