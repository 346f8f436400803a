// Package lambda adapts Lambda Cloud's public REST API (v1) to
// [provider.Provider] with a small net/http client.
//
// # Hosts
//
// A host is one instance. Host.Instance is either its instance id (32 hex
// digits) or its name; a host referenced by name is the live instance of
// that name (a terminated one only when no other is left; two live ones
// are ambiguous, a bad response), found in the listing, since Lambda looks
// instances up by id only. Probe reports the instance's id in
// Observation.VMID. Lambda has no stop and no separate data volume: Probe
// always reports the volume absent (so a gone instance means
// deprovisioned), Stop fails with provider.ErrUnsupported (stopping a
// Lambda host means deprovisioning it), and so does Reprovision (there is
// no volume to keep).
//
// Start launches a new instance (POST /instance-operations/launch) named
// Host.Instance from the host's launch spec (Config.LaunchSpec: region,
// instance type, SSH key names, file system names), for a host referenced
// by name: a launch makes a new id, so a host referenced by id cannot be
// relaunched under its reference. A live instance needs nothing, an
// unhealthy one is restarted, and one still terminating is refused for
// now (provider.ErrRetryableConflict). Reboot restarts; Deprovision
// terminates.
//
// unhealthy reads as starting (it often recovers, a restart can bring it
// back) for Config.UnhealthyGrace (10 min) since first seen, then as
// failed. Lambda has no labels: a VM's id, pinned in the record, is what
// tells a relaunched instance apart.
//
// # Errors
//
// Lambda answers {"error":{"code":..}}; the adapter classifies on the code,
// and the answer is reachable as *APIError (its message quoted, so a
// newline cannot forge a log line):
//   - global/object-does-not-exist: Probe reports the instance absent;
//     actions fail with provider.ErrNotFound. A 404 without the envelope
//     (an HTML page, a gateway's JSON) is a bad response, never absent;
//   - global/invalid-api-key and global/account-inactive: *APIError with
//     [APIError.Unauthorized] true, not transient;
//   - 429: *provider.RateLimitError with Retry-After, or one second (the
//     documented rate) without it;
//   - 5xx, global/internal-error, global/unknown and launch capacity
//     shortages: provider.ErrUnavailable;
//   - filesystems/filesystem-in-use: provider.ErrRetryableConflict;
//     ssh-keys/key-in-use: provider.ErrConflict;
//   - global/invalid-parameters, global/invalid-address,
//     global/file-system-in-wrong-region, global/quota-exceeded:
//     provider.ErrRefused; a rejected key or account (401, 403) matches
//     no class;
//   - malformed, HTML or oversized bodies: provider.ErrBadResponse.
//
// # Security
//
// The API key travels only in the Authorization header. It never appears in
// errors (an answer echoing it has it replaced), logs or the fmt, JSON and
// slog output of [Config] and [Provider]; redirects are refused, every
// request has Config.RequestTimeout whatever its context's deadline, and
// the base URL must be https unless Config.AllowInsecureHTTP is set (for
// local emulators).
package lambda
