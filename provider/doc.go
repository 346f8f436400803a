// Package provider is the contract between driftless and a cloud: the
// [Provider] interface each adapter implements, its optional [Lister], the
// [Capabilities] that spare callers per-provider switches, the typed
// errors, the status table type and the [Facts] each adapter exports.
//
// # The contract
//
//   - Not-found is an observation. Probe reports a VM the provider does not
//     know as a successful [hoststate.Observation] with VM
//     [hoststate.VMAbsent]; only a failed call (network, 5xx, 429, auth) is
//     an error, and a failed call never changes a host's status. Whether an
//     absent VM means off or deprovisioned is the data volume's call.
//   - Errors are typed. Test them with errors.Is / errors.As:
//     [ErrUnsupported] (Lambda cannot stop), [ErrRateLimited] (a
//     [*RateLimitError] with a retry-after hint), [ErrUnavailable] (5xx,
//     timeouts), [ErrInvalidHost] (a [*HostError], returned before any
//     request), [ErrConflict] (the current state forbids the action) and
//     [ErrRetryableConflict] (a state that settles by itself: a name
//     still held, a volume still detaching), [ErrNotFound] (an action's
//     target is missing), [ErrNotOurs] (a [*NotOursError]: someone else's
//     VM of the host's name; nothing was sent), [ErrRefused] (a quota,
//     capacity or invalid-request refusal: the action failed; never an
//     authentication or permission failure, which stays ambiguous),
//     [ErrBadResponse],
//     [ErrOperationFailed] and [ErrOverridden] (a later operation
//     overtook ours: drift, not a failed action). [Transient] tells which
//     are worth a retry: rate limits, unavailability and retryable
//     conflicts, so a waiter resends those within the action's deadline.
//   - Recreating is explicit. Reprovision recreates a stopped host's VM
//     around its kept data volume (a new VM id, the same volume);
//     [ActionCall] maps each action to its method. What a VM is created
//     from is a [LaunchSpec] per host, given by the [LaunchFunc] in the
//     adapter's configuration: one adapter serves a fleet of regions and
//     flavors. A host without one cannot be recreated, and Supports says
//     so without a request.
//   - Ownership is checked. Every VM an adapter creates carries
//     [OwnershipLabels] (the host's labels and [ManagedLabel]); where the
//     provider has labels, an action on a VM of the host's name that lacks
//     them ([Owns]) is refused before anything is sent. Probes report the
//     provider's immutable VM id (Observation.VMID, ListedVM.VMID), which
//     the record pins: a VM with another id is another VM.
//   - Sends are idempotent where the provider allows: [WithRequestID]
//     carries the key of one send, which adapters of providers that
//     deduplicate (GCP's requestId) derive their calls' keys from.
//   - Tables fail closed. Each provider has one raw→normalized table per
//     resource, in its adapter package, built once as a package-level
//     [VMTable] or [VolumeTable] (gcp.InstanceStates, gcp.DiskStates,
//     nebius.InstanceStates, nebius.DiskStates, hyperstack.VMStates,
//     hyperstack.VolumeStates, lambda.InstanceStates, selfhost.States).
//     Matching ignores case and surrounding space; a raw string not in the
//     table is [hoststate.VMUnknown] or [hoststate.VolumeUnknown] — never
//     absent, never running — so a new or garbled provider status can
//     never make a host look gone or healthy. Tables are immutable: Rows
//     returns a copy, so a UI can list them.
//   - Facts live in one place. Each adapter package exports its [Facts]
//     (tables, capabilities, validation, what it supports, its listing
//     scope); its Provider answers from them and the simulated cloud in
//     package fakes takes them from there, so the two cannot disagree.
//     Package provider/providertest is the conformance suite every adapter
//     runs against its emulator.
//
// # Where providers disagree
//
// The same words mean different things at different providers; the tables
// decide once, with the reason in each row's Note:
//
//   - GCP STOPPING is stopping, never off: the VM is still going down (a UI
//     that showed it off was a bug in the seeds). TERMINATED is stopped, and
//     the instance still exists with its disks: a stopped GCE VM is
//     TERMINATED. REPAIRING is starting: transient, never an error.
//   - Lambda unhealthy is starting (unusable for now, but it can recover,
//     e.g. after a restart), never error; terminating is
//     stopping (still there until gone); terminated and preempted are absent:
//     Lambda instances never come back, and Lambda has no separate data
//     volume, so such a host is deprovisioned.
//   - Nebius DELETING is stopping: a VM being deleted still exists.
//   - Hyperstack HIBERNATED is stopped (not gone); the volume status
//     reserved is transitional, never failed or absent, because a volume
//     is reserved while its VM is deleted (the seeds' stop/start race).
//   - Statuses that mean "exists but failed" (GCP disk FAILED, Nebius disk
//     ERROR/BROKEN, Hyperstack volume error) are unknown, never absent: a
//     broken volume may still hold data, so the host is never deprovisioned
//     on its account.
package provider
