// Package nebius adapts Nebius AI Cloud compute/v1 to [provider.Provider].
//
// The Nebius Go SDK (github.com/nebius/gosdk) cannot be a dependency of
// this module (the module proxy refuses it), so the adapter talks to two
// small interfaces, [InstanceService] and [DiskService], shaped like
// gosdk's compute/v1 services but using this package's plain structs. A
// short shim binds the real services to them; the README carries it.
//
// A host is an instance and its data disk in one project: Host.Project is
// the parent id, Host.Instance the instance id, Host.Volume the disk id.
// Stop is Nebius's native stop (the instance stays STOPPED with its disks).
//
// Errors are gRPC statuses, possibly wrapped: NotFound is "absent" for
// Probe and provider.ErrNotFound for actions; ResourceExhausted is a
// *provider.RateLimitError; Unavailable, DeadlineExceeded and Aborted match
// provider.ErrUnavailable; FailedPrecondition matches provider.ErrConflict.
// Operations are polled on the injected clock (every second, as gosdk's
// default); one that finishes with a non-OK status matches
// provider.ErrOperationFailed.
package nebius
