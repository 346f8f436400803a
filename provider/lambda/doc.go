// Package lambda adapts Lambda Cloud's public REST API (v1) to
// [provider.Provider] with a small net/http client.
//
// # Hosts
//
// A host is one instance, Host.Instance being its id. Lambda has no stop,
// no start and no separate data volume: Probe always reports the volume
// absent (so a gone instance means deprovisioned), Stop and Start fail with
// errors matching provider.ErrUnsupported (launching a new instance is
// provisioning: it yields a new id the control plane must adopt), Reboot
// restarts and Deprovision terminates.
//
// # Errors
//
// Lambda answers {"error":{"code":..}}; the adapter classifies on the code,
// and the answer is reachable as *APIError:
//   - global/object-does-not-exist: Probe reports the instance absent;
//     actions fail with provider.ErrNotFound. A 404 without the envelope
//     (an HTML page) is a bad response, never absent;
//   - global/invalid-api-key and global/account-inactive: *APIError with
//     [APIError.Unauthorized] true, not transient;
//   - 429: *provider.RateLimitError with Retry-After, or one second (the
//     documented rate) without it;
//   - 5xx, global/internal-error and launch capacity shortages:
//     provider.ErrUnavailable;
//   - filesystems/filesystem-in-use: provider.ErrConflict;
//   - malformed, HTML or oversized bodies: provider.ErrBadResponse.
//
// # Security
//
// The API key travels only in the Authorization header. It never appears in
// errors, logs or the fmt and slog output of [Config] and [Provider];
// redirects are refused and the base URL must be https unless
// Config.AllowInsecureHTTP is set (for local emulators).
package lambda
