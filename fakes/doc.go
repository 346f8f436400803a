// Package fakes provides test doubles that are real enough to trust, in the
// spirit of net/http/httptest: an in-memory simulated [Cloud] with each
// provider's own semantics and raw statuses, deterministic from a seed and
// driven by a manual clock (clock/clocktest).
//
// # Cloud
//
// [Cloud.AddHost] creates ground truth; [Cloud.Provider] returns a
// provider.Provider of one of the kinds [GCP], [Nebius], [Hyperstack],
// [Lambda] and [SelfHost] that answers like the kind's real adapter: the
// fakes hold no facts of their own but take each adapter's
// provider.Facts — its status tables, capabilities, validation, Supports
// and listing scope (a kind whose adapter lists is a provider.Lister too;
// the self-host adapter does not list). Raw statuses are the real
// providers' strings, normalized through the adapters' tables, so the
// fakes exercise the tables too.
//
// What the fakes add is how each cloud behaves over time (the planner of
// each kind):
//
//   - gcp keeps a stopped instance: RUNNING → STOPPING → TERMINATED; start
//     goes PROVISIONING → STAGING → RUNNING; the disk stays READY.
//   - nebius: STOPPING → STOPPED; STARTING → RUNNING; delete DELETING → gone.
//   - hyperstack stop deletes the VM (STOPPING → DELETING → 404) while the
//     volume goes in-use → reserved → available; start creates a new VM
//     (CREATING → BUILD → ACTIVE) and fails with provider.ErrConflict while
//     the old VM exists or the volume is not yet available. A volume is
//     deleted only once detached: a deprovision deletes the VM first and
//     the volume after, as the adapter does.
//   - lambda has no stop, and its adapter does not launch instances
//     (provider.ErrUnsupported); there is no separate volume; deprovision
//     terminates (terminating → terminated → gone after Durations.Linger).
//     A launch from the console ([Cloud.ConsoleStart]) creates an instance
//     (booting → active); a real launch returns a new instance id, the
//     fake keeps Host.Instance stable so tests need not follow ids.
//   - selfhost answers from a connector that reports the VM manager's states
//     (running, stopped, off, not_found, ...); with the connector offline a
//     probe is a successful Unreachable observation with VMUnknown. A
//     connector only starts and stops.
//
// Not-found is an observation (VMAbsent), never a Probe error. gcp and
// nebius actions, and every deprovision of a host with a data volume,
// return an Operation whose Wait blocks on the clock.
//
// States evolve lazily: every VM and volume holds its current raw status
// and the steps scheduled ahead, applied when it is next read. Advancing
// the clock therefore costs nothing, and listing is O(hosts on the page).
//
// # Drift and faults
//
// External events — [Cloud.ConsoleStart], [Cloud.ConsoleStop],
// [Cloud.ConsoleDelete], [Cloud.Preempt], [Cloud.DeleteVolume],
// [Cloud.SetVMStatus], [Cloud.SetVolumeStatus], [Cloud.SetConnectorState] and
// [Cloud.SetConnectorOnline] — change the ground truth behind the control
// plane's back. [Cloud.SetFaults] injects seeded faults: 5xx errors,
// timeouts, 429 bursts, partial listing pages, eventual consistency,
// failing operations, preemption, volume loss and connector silence. A
// failed call never changes the cloud. [Cloud.Truth] is the ground truth
// and [Cloud.Calls] counts API calls, for property tests and cost
// assertions.
//
// # Raw API for emulators
//
// HTTP emulators of the provider APIs build on the same primitives the
// in-process providers use: [Cloud.InjectFault] (count one call and draw
// its fault), [Cloud.RawVM], [Cloud.RawVolume], [Cloud.RawVMs],
// [Cloud.RawVolumes] (visible state, lag applied), [Cloud.DropListEntry]
// (the partial-listing fault per entry), [Cloud.Act] (the semantics of an
// action: RawDeleteVM and RawDeleteVolume are the two calls of a
// deprovision, the volume's refused while it is attached) and
// [Cloud.Operation] (poll an operation).
package fakes
