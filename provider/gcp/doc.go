// Package gcp adapts Google Compute Engine to [provider.Provider] with the
// official REST clients (cloud.google.com/go/compute/apiv1, pinned v1.73.0).
//
// A host is an instance and its data disk in one project and zone:
// Host.Project, Host.Zone, Host.Instance (the instance name) and Host.Volume
// (the data disk name). Every name is checked against RFC 1035 before any
// request, because the SDK pastes names into URL paths unescaped.
//
// Probe reads the instance and the data disk. Only Compute Engine's own 404
// naming the asked-for instance or disk (Google's JSON error envelope, "The
// resource 'projects/p/zones/z/instances/vm-1' was not found") is a
// successful "absent" observation. A 404 that is not Google's JSON (an HTML
// page from a proxy) is a bad response, and one naming another resource —
// the project, when the credentials cannot see it — a definitive error:
// neither is absent, so a misrouted endpoint or lost permissions cannot
// make every host look deprovisioned.
//
// Errors are classified for the reconciler and always wrap the SDK's error:
// 429, and 403 rateLimitExceeded (Compute Engine's usual rate limit), are a
// *provider.RateLimitError (Retry-After honoured, else the rest of the
// minute for a 403); 5xx, timeouts and connection failures match
// provider.ErrUnavailable; unreadable or oversized bodies match
// provider.ErrBadResponse; other 403s (quotaExceeded) are refusals. The SDK's own retries are turned off:
// a probe is one attempt and the reconciler owns backoff.
//
// Start, Stop, Reboot (reset) and Deprovision return a provider.Operation
// that polls the zone operation on the injected clock. A DONE operation that
// carries errors matches provider.ErrOperationFailed: the SDK's own Wait
// returns nil in that case.
//
// The adapter wraps the SDK's HTTP transport to bound every response body
// (default 4 MiB) and to give each request a deadline when its context has
// none. The SDK's aggregated list builds its requests without the caller's
// context; ListPage marks its calls with a private header that the
// transport turns back into the caller's context and strips before the
// request leaves, so a cancelled ListPage cancels its request.
//
// A well-formed answer that does not describe the resource asked for (no
// status, another name) is a bad response, never an observation.
package gcp
