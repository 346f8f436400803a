// Package hyperstack adapts Hyperstack (NexGen Cloud's infrahub v1 REST API)
// to [provider.Provider] with a small net/http client.
//
// # Hosts
//
// A host is a VM named Host.Instance and a data volume whose numeric id is
// Host.Volume. The VM is found by name, not id, because on Hyperstack a stop
// deletes the VM and a start creates a new one with a new id: the name is
// what stays. When several VMs carry the name (an old one still deleting
// while a new one boots) Probe reports the newest (highest id).
//
// # Stop and start
//
// Stop deletes the VM and keeps the volume (Capabilities.StopDeletesVM).
// Start works on what exists:
//   - a SHUTOFF VM (stopped in the console) is started with
//     GET /core/virtual-machines/{id}/start, a HIBERNATED one restored with
//     GET /core/virtual-machines/{id}/hibernate-restore;
//   - an ACTIVE or booting VM needs nothing: Start returns (nil, nil);
//   - a VM still stopping, deleting or hibernating, or in ERROR, makes Start
//     fail with an error matching provider.ErrConflict before any change:
//     this is the seeds' stop/start race;
//   - with no VM, Start reads the volume (it must be "available", anything
//     else is ErrConflict) and creates the VM with
//     POST /core/virtual-machines from Config.Launch, attaching the volume
//     by name (volume_name). Hyperstack's refusals for the current state
//     (a name still taken by a VM being deleted) map to
//     provider.ErrConflict too.
//
// Hyperstack has no operations to wait on: Start, Stop and Reboot return a
// nil Operation and callers confirm by probing.
//
// # Deprovision
//
// Hyperstack refuses to delete a volume that a VM still holds, and a VM
// takes a while to go. Deprovision deletes the host's VMs and returns an
// Operation whose Wait deletes the volume once the VM is gone or the
// volume detached, polling on Config.Clock and retrying Hyperstack's state
// refusals within Wait's context — the action's deadline.
//
// # Errors
//
// 404 is "absent" only as Hyperstack's own not-found answer (status false,
// error_reason "not_found"): a gateway's or wrong endpoint's 404 is a bad
// response. State preconditions come as HTTP 400 bad_request with a
// message (a volume still attached, a VM still being created, a name not
// available, an action the VM's state forbids): they match
// provider.ErrConflict, definitive for the caller, while other 400s are
// plain refusals; 409 is ErrConflict as well. 429 is a
// *provider.RateLimitError whose hint is a minute (Hyperstack blocks for
// the next minute and sends no Retry-After); 5xx, timeouts and transport failures match
// provider.ErrUnavailable; HTML pages, malformed or oversized bodies, a
// listing page without its count, and unexpected statuses match
// provider.ErrBadResponse. The provider's own answer is reachable as
// *APIError.
//
// # Security
//
// The API key travels only in the api_key header. It never appears in
// errors, logs or in the fmt and slog output of [Config] and [Provider].
// Redirects are refused so the header cannot follow one to another host, and
// the base URL must be https unless Config.AllowInsecureHTTP is set (for
// local emulators).
package hyperstack
