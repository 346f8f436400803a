// Package hyperstack adapts Hyperstack (NexGen Cloud's infrahub v1 REST API)
// to [provider.Provider] with a small net/http client.
//
// # Hosts
//
// A host is a VM named Host.Instance and a data volume whose numeric id is
// Host.Volume. The VM is found by name, not id, because on Hyperstack a
// deleting stop deletes the VM and a start creates a new one with a new id:
// the name is what stays. When several VMs carry the name (an old one still
// deleting while a new one boots) Probe reports the newest (highest id),
// with its id in Observation.VMID.
//
// VMs the adapter creates carry the host's ownership labels
// (provider.OwnershipLabels, as "key=value" labels); Start, Stop, Reboot,
// Reprovision and Deprovision refuse a VM of the host's name without them
// (provider.ErrNotOurs) and send nothing. A running VM whose volume's
// attachments do not name it reports the volume transitional.
//
// # Stop modes
//
// A host's stop mode is its StopModeLabel ("driftless.stop-mode"), else
// Config.StopMode:
//   - delete (the default, the seeds' stop): Stop deletes the VM and keeps
//     the volume (Capabilities.StopDeletesVM), and a start creates a new
//     VM from the host's launch spec (Config.LaunchSpec), so a host
//     without one cannot start;
//   - hibernate: Stop hibernates the VM (GET .../hibernate; HIBERNATED is
//     billed only for storage and IP) and Start restores it
//     (GET .../hibernate-restore) with its boot disk, address and id.
//
// Start works on what exists:
//   - a SHUTOFF VM (stopped in the console) is started with
//     GET /core/virtual-machines/{id}/start, a HIBERNATED one restored;
//   - an ACTIVE or booting VM needs nothing: Start returns (nil, nil);
//   - a VM still stopping, deleting or hibernating makes Start fail with
//     provider.ErrRetryableConflict before any change (the seeds'
//     stop/start race): a waiter resends it within the action's deadline;
//     a VM in ERROR is a plain provider.ErrConflict;
//   - with no VM, Start reads the volume (still settling — reserved,
//     detaching — is a retryable conflict too) and creates the VM with
//     POST /core/virtual-machines from the host's launch spec, attaching
//     the volume by name and labelling the VM. Hyperstack's "name is not
//     available" while the old VM is still being deleted is retryable.
//
// Hyperstack has no operations to wait on: Start, Stop and Reboot return a
// nil Operation and callers confirm by probing.
//
// # Reprovision and deprovision
//
// Reprovision deletes what is left of the host's VM (a hibernated one)
// and returns an Operation whose Wait creates the new VM from the launch
// spec around the same volume once the old one is gone. Deprovision
// deletes the host's VMs and returns an Operation whose Wait deletes the
// volume once the VM is gone or the volume detached. Both poll on
// Config.Clock and retry Hyperstack's state refusals within Wait's
// context — the action's deadline.
//
// # Errors
//
// 404 is "absent" only as Hyperstack's own not-found answer (status false,
// error_reason "not_found"): a gateway's or wrong endpoint's 404 is a bad
// response. State preconditions come as HTTP 400 bad_request with a
// message (a volume still attached, a VM still being created, a name not
// available, an action the VM's state forbids): they match
// provider.ErrRetryableConflict (and provider.ErrConflict), other 400s
// match provider.ErrRefused; 401 and 403 match no class (the key, not the
// VM); 409 is provider.ErrConflict. 429 is a
// *provider.RateLimitError whose hint is a minute (Hyperstack blocks for
// the next minute and sends no Retry-After); 5xx, timeouts and transport
// failures match provider.ErrUnavailable; HTML pages, malformed or
// oversized bodies, a listing page without its count, and unexpected
// statuses match provider.ErrBadResponse. The provider's own answer is
// reachable as *APIError, its message quoted.
//
// # Security
//
// The API key travels only in the api_key header. It never appears in
// errors (an answer echoing it has it replaced), logs or the fmt, JSON
// and slog output of [Config] and [Provider]. Redirects are refused so the
// header cannot follow one to another host, every request has
// Config.RequestTimeout whatever its context's deadline, and the base URL
// must be https unless Config.AllowInsecureHTTP is set (for local
// emulators).
package hyperstack
