// Package nebius adapts Nebius AI Cloud compute/v1 to [provider.Provider].
//
// The Nebius Go SDK (github.com/nebius/gosdk) cannot be a dependency of
// this module (the module proxy refuses it), so the adapter talks to two
// small interfaces, [InstanceService] and [DiskService], shaped like
// gosdk's compute/v1 services but using this package's plain structs. A
// short shim binds the real services to them; the README carries it.
// [Dial] is the compiled gRPC client of the same services, no gosdk
// needed.
//
// # Hosts
//
// A host is an instance and its data disk in one project: Host.Project is
// the parent id, Host.Volume the disk id, and Host.Instance either the
// instance id (computeinstance-...) or the instance's name, unique in the
// project (found with GetByName). Only a host referenced by name can be
// reprovisioned: a recreated instance has a new id, and the name is what
// stays; Probe reports the id seen in Observation.VMID either way. Stop is
// Nebius's native stop (the instance stays STOPPED with its disks).
//
// Actions on a host referenced by name refuse an instance that lacks the
// host's ownership labels (provider.ErrNotOurs): someone else's instance
// of the same name. A host referenced by id is its instance. A running
// instance whose data disk's read_write_attachment is not that instance
// reports the volume transitional: the host does not have its data.
//
// # Reprovision
//
// Reprovision (Config.LaunchSpec: platform, preset, image family, subnet)
// refuses a data disk managed by an instance (InstanceService.Delete
// deletes managed disks with it), deletes the stopped instance, then
// inside the Operation's Wait deletes the old boot disk, creates a boot
// disk from the image family and creates the instance with it and the
// same data disk attached, both as existing disks so that the instance
// manages neither.
//
// # Errors
//
// Errors are gRPC statuses, possibly wrapped: NotFound is "absent" for
// Probe and provider.ErrNotFound for actions; ResourceExhausted is a
// *provider.RateLimitError unless its ServiceError detail says quota or
// capacity (then the client's *RefusalError: provider.ErrRefused);
// InvalidArgument and OutOfRange match provider.ErrRefused; Unavailable,
// DeadlineExceeded and Aborted match provider.ErrUnavailable;
// FailedPrecondition (a state that settles: an instance still stopping)
// matches provider.ErrRetryableConflict, AlreadyExists
// provider.ErrConflict. Service text is quoted in messages. Operations
// are polled on the injected clock (every second, as gosdk's default);
// one that finishes with a non-OK status matches
// provider.ErrOperationFailed — except ABORTED, a later operation
// overtaking ours (a console stop during our start), which matches
// provider.ErrOverridden: drift for the reconciler, not a failed action.
package nebius
