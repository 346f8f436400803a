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
//     by name (volume_name). Hyperstack's 409 answer also maps to
//     provider.ErrConflict.
//
// Hyperstack has no operations to wait on: actions return a nil Operation
// and callers confirm by probing.
//
// # Errors
//
// 404 is "absent" only with Hyperstack's JSON envelope; 429 is a
// *provider.RateLimitError whose hint is the rest of the current minute on
// the injected clock (Hyperstack limits per minute and sends no
// Retry-After); 5xx, timeouts and transport failures match
// provider.ErrUnavailable; HTML pages, malformed or oversized bodies and
// unexpected statuses match provider.ErrBadResponse. The provider's own
// answer is reachable as *APIError.
//
// # Security
//
// The API key travels only in the api_key header. It never appears in
// errors, logs or in the fmt and slog output of [Config] and [Provider].
// Redirects are refused so the header cannot follow one to another host, and
// the base URL must be https unless Config.AllowInsecureHTTP is set (for
// local emulators).
package hyperstack
