// Package selfhost adapts self-hosted machines to [provider.Provider].
//
// On a self-host, a connector program on the user's machine runs the VMs and
// talks to the control plane. The control plane feeds what it hears into a
// [Provider]: [Provider.Report] for a VM's state as the connector saw it,
// [Provider.Heartbeat] for the connector being alive. Probe answers from
// memory, with no I/O:
//   - a connector silent for longer than its TTL makes the host
//     Unreachable with VM unknown — never off, since a machine that went
//     offline says nothing about its VMs;
//   - otherwise the latest report is normalized with
//     [States]; a connector that has not reported the VM
//     yet gives VM unknown.
//
// A host is Host.Project = the connector's id and Host.Instance = the VM's
// name on it. Self-hosts have no separate data volume: a VM the connector
// reports "not_found" is deprovisioned.
//
// # Reports in the store
//
// With Config.Reports (a store.Store), reports live in the control plane's
// store, keyed by host id: every replica judges a connector by the same
// reports, whichever replica the connector talks to, and a restart loses
// none. Report stores each one (Report.Host names its host); Probe reads
// the stored report of the host its context names (provider.WithHostID,
// which the reconciler and the waiter set). A connector keeps its hosts
// reachable by reporting each of them at least once per TTL. Without
// Config.Reports, reports stay in this process: one replica only.
//
// A restarted control plane has heard nothing from anyone, through no
// fault of the connectors: for Config.Grace after New (or after
// [Provider.Resume], which a replica taking over after a failover calls)
// no connector is judged offline, so a restart does not turn every
// self-host unknown. Sends are not graced: Start and Stop need a connector
// heard from within its TTL.
//
// Start and Stop go to the connector through the [Connector] interface, the
// control plane's channel to it; they fail with provider.ErrUnavailable while
// the connector is silent. Waiters [Provider.Subscribe] to a host's reports
// instead of polling (Capabilities.PushReports).
package selfhost
