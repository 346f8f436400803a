// Package emulators serves local, in-process imitations of the provider
// APIs, backed by a simulated [fakes.Cloud], so the real adapters (and the
// real SDK clients inside them) can be tested end to end without network or
// accounts.
//
// [NewGCP], [NewHyperstack] and [NewLambda] start an httptest server that
// speaks the provider's real paths and JSON shapes; [NewNebius] is a fake of
// the nebius adapter's service interfaces (Nebius speaks gRPC through an SDK
// that cannot be a dependency here). Every call counts one API call on the
// cloud and draws its seeded faults ([fakes.Cloud.SetFaults]), which the
// emulators turn into the provider's own answers: 429 with or without
// Retry-After, 503, 504.
//
// On top of those, HTTP-level faults ([Server.InjectHTTPFault]) break the
// wire itself: 429s, 5xx with the provider's body or a bare one, HTML error
// pages, malformed, truncated or huge bodies, and answers that never come
// (they honour the request's context, so tests never sleep).
//
// # What the emulators simplify
//
//   - The simulated cloud decides every state change ([fakes.Cloud.Act]);
//     emulators only translate. Compute Engine's instance DELETE deletes the
//     data disk too (the cloud's delete is the whole deprovision), and a
//     disk DELETE while the instance exists is refused as in-use.
//   - Hyperstack VM ids are assigned by the emulator, a new one for each new
//     VM; a host's Volume must be its decimal volume id. DELETE of a VM is
//     the seeds' stop (the volume stays); GET .../start creates nothing (the
//     cloud has no SHUTOFF VMs) and answers what the cloud answers.
//   - Lambda has no launch: the adapter does not model it.
//   - Disk labels (Compute Engine) and volume owners (Hyperstack DELETE
//     volume) come from hosts added with [Server.AddHost] or seen attached
//     to a VM, because the cloud's raw volumes do not carry them.
package emulators
