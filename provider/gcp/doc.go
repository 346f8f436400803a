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
// 429, and 403 rateLimitExceeded or userRateLimitExceeded (Compute
// Engine's usual rate limit), are a *provider.RateLimitError (Retry-After
// honoured, else the rest of the minute: the quota refills at the next
// whole minute); 5xx, timeouts and connection failures match
// provider.ErrUnavailable; unreadable or oversized bodies and redirects
// match provider.ErrBadResponse; resourceNotReady and
// resourceInUseByAnotherResource (a state that settles) match
// provider.ErrRetryableConflict; 403 quotaExceeded and other refusals
// match provider.ErrRefused, with Google's message quoted; a 401 or a 403
// for permissions matches no class (it says nothing about the instance).
// Google's messages (an error's, an operation's) are quoted with what
// looks like a credential in them (a bearer token, a ya29. access token,
// an AIza API key) replaced by "[redacted]". The SDK's own retries are
// turned off: a probe is one attempt and the reconciler owns backoff.
//
// # Actions
//
// Start, Stop, Reboot (reset), Reprovision and Deprovision read the
// instance first: an instance of the host's name without the host's
// ownership labels (its Labels, Config.Labels and
// provider.ManagedLabel) is someone else's and is never touched
// (provider.ErrNotOurs). Start resumes a SUSPENDED instance (Compute
// Engine starts only TERMINATED ones); Stop sets discardLocalSsd on an
// instance with Local SSDs (Compute Engine refuses a stop that does not
// say; they are scratch space, the host's data is on its data disk).
// Every mutating call carries a requestId, a UUID derived from
// provider.RequestID and the step, so a retried send is performed once.
// Each returns a provider.Operation that polls the zone operation on the
// injected clock; a DONE operation that carries errors matches
// provider.ErrOperationFailed (the SDK's own Wait returns nil then).
// Operation names from the server are checked before they go into a
// poll's path.
//
// Reprovision (Config.LaunchSpec: machine type, image, subnetwork) sets
// the data disk not to be deleted with the instance where it would be,
// deletes the stopped instance and inserts a new one with the same data
// disk (a new instance id). Deprovision deletes the instance, then the
// disk; a deprovision interrupted between the two is finished by the next
// one. A running instance whose data disk's users do not name it reports
// the volume transitional.
//
// # Listings
//
// ListPage lists a project with aggregated lists — its instances, then its
// disks, of every zone in one listing — filtered on Config.Labels, one
// request per page. It sends the path and query parameters the SDK's
// AggregatedList sends (filter, maxResults, pageToken) and its headers
// (X-Goog-Api-Version, the API revision the answer is read as, and
// Content-Type) — all but x-goog-api-client, the SDK's telemetry naming
// its own and gax's versions, which would misreport this client — plus a
// partial-response mask
// (fields=) naming only what the
// adapter reads: an instance's name, id, status and
// networkInterfaces/accessConfigs/natIP, a disk's name and status, each
// scope's warning code, nextPageToken and unreachables. The mask's syntax
// follows Google's partial-response documentation and is not verified
// against Compute Engine itself (the emulator applies it as documented).
//
// The answer is decoded without the SDK: protojson costs some 14 µs and
// 41 allocations per listed instance even for the partial answer, and a
// listing is the reconciler's steady load. A small reader takes the read
// fields and skips the rest; it accepts what protojson accepts, with the
// same meaning (a field sent twice, a null entry, invalid UTF-8 or a lone
// surrogate are refused as protojson refuses them; a field may be spelt
// with its proto name), except that fields it does not read are only
// checked to be well-formed JSON: not type-checked, and not held to
// protojson's nesting limit of 10000 (the body's size cap bounds them;
// the reader keeps no stack per level). A non-2xx answer becomes the error the
// SDK builds (googleapi's, wrapped as gax wraps it), so listings classify
// exactly as before. A listing that reports an unreachable zone or scope
// (an UNREACHABLE warning under any key) matches provider.ErrUnavailable,
// and an entry without name or status, or entries under a key that names
// no zone (but a region's disks, which are skipped: regional disks are no
// host's), are a bad response: a missing item must mean a missing
// resource.
//
// # Transport
//
// The adapter wraps the SDK's HTTP transport to bound every response body
// (default 4 MiB), to give every request Config.RequestTimeout whatever
// its context's deadline, and to refuse redirects (following one would
// send the credentials elsewhere). The listings go through the same
// client, with the caller's context.
//
// A well-formed answer that does not describe the resource asked for (no
// status, another name) is a bad response, never an observation.
package gcp
