// Package emulators serves local, in-process imitations of the provider
// APIs, backed by a simulated [fakes.Cloud], so the real adapters (and the
// real SDK clients inside them) can be tested end to end without network or
// accounts.
//
// [NewGCP], [NewHyperstack] and [NewLambda] start an httptest server that
// speaks the provider's real paths and JSON shapes; [NewNebius] is a fake of
// the nebius adapter's service interfaces (Nebius speaks gRPC through an SDK
// that cannot be a dependency here); [NewSelfHost] emulates self-host
// connectors, the selfhost adapter's Connector and the reports it is fed. Every call counts one API call on the
// cloud and draws its seeded faults ([fakes.Cloud.SetFaults]), which the
// emulators turn into the provider's own answers: 429 with or without
// Retry-After, 503, 504.
//
// On top of those, HTTP-level faults ([Server.InjectHTTPFault]) break the
// wire itself: 429s, 5xx with the provider's body or a bare one, HTML error
// pages, malformed, truncated or huge bodies, and answers that never come
// (they honour the request's context, so tests never sleep).
//
// An emulator answers like its provider, body shapes included: Compute
// Engine's instance DELETE deletes the instance only (a data disk is not
// auto-deleted), and its disk DELETE is refused with
// resourceInUseByAnotherResource while an instance uses the disk;
// Hyperstack refuses what the current state forbids with HTTP 400
// bad_request and a message — deleting a volume not yet detached answers
// "The Volume is currently attached to vm ... Please detach it"; the
// Nebius fake refuses a disk Delete with FailedPrecondition while the disk
// is attached. A path the emulator does not route answers a plain-text 404,
// as a front end would, never the provider's not-found envelope.
// [Server.Requests] (and [Nebius.Requests]) count every request received,
// so a test can check that invalid input sent nothing.
//
// # What the emulators simplify
//
//   - The simulated cloud decides every state change ([fakes.Cloud.Act]);
//     emulators only translate.
//   - Hyperstack VM ids are assigned by the emulator, a new one for each new
//     VM; a host's Volume must be its decimal volume id. DELETE of a VM
//     keeps the volume (reserved, then available); GET .../start creates
//     nothing (the cloud has no SHUTOFF VMs) and answers what the cloud
//     answers.
//   - Lambda has no launch: the adapter does not model it.
//   - Compute Engine's aggregated lists honour the fields parameter
//     (partial responses) with the syntax of Google's documentation —
//     paths "a/b", "*" for any map key, sub-selections "a(b,c)" — and
//     leave out what ends up empty: an object without selected members,
//     an array without selected elements. How the real API treats empty
//     selections is not verified against Compute Engine.
package emulators
