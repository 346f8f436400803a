// Package providertest is the conformance suite of provider adapters, in
// the spirit of testing/fstest.TestFS: an adapter is done when [Run]
// passes against it, driven through the real adapter over its emulator
// (package fakes/emulators) on a simulated cloud (package fakes).
//
//	func TestConformance(t *testing.T) {
//		providertest.Run(t, providertest.Harness{Facts: mycloud.Facts(), New: newEnv})
//	}
//
// The [Harness] builds a fresh [Env] per case: the adapter under test, the
// simulated cloud behind its emulator (ground truth, external events, the
// fake clock the adapter waits on), a way to create hosts, to count the
// requests the emulator received and to inject the provider's own failure
// answers. The cases check:
//
//   - facts: the adapter answers Name, Capabilities, Validate, Supports and
//     Scope as its package's provider.Facts say;
//   - probe: running, stopped, deleted and never-created hosts, and every
//     raw VM and volume status of the adapter's tables, read through the
//     wire, agree with the ground truth;
//   - list: a listing across several pages shows exactly the ground truth,
//     and a malformed page (bad JSON, missing required fields) is an
//     error, never the end;
//   - start, stop, reboot, reprovision and deprovision with the real
//     timing (a VM takes time to go, and the volume can only go after
//     it), ending where the provider's ground truth says; a reprovision
//     keeps the same data volume at every step and ends on a new VM (a
//     new id); a start from every stopped raw status (a GCP resume, a
//     Hyperstack restore); a stop of a VM with Local SSDs; a start sent
//     while the stop still settles is refused only as transient; a
//     deprovision whose VM is already gone finishes;
//   - ownership: a VM of the host's name without its ownership labels is
//     never acted on (provider.ErrNotOurs); a running VM without its data
//     volume attached reports the volume transitional;
//   - not-found shapes: only the provider's own not-found is absence; a 404
//     from a gateway or a wrong endpoint is an error;
//   - error classes: rate limits (every shape the provider sends) and
//     unavailability are transient, refusals and quota refusals
//     definitive and carrying the provider's message, quoted; an
//     operation another overtook is provider.ErrOverridden;
//   - security: redirects are not followed (their target receives
//     nothing), Provider and Config render without the credential through
//     every fmt verb, JSON and slog, a credential the provider echoes back
//     stays out of errors, and a hung call ends within the per-call
//     timeout even under a caller's hour-long deadline;
//   - identifier injection: path traversal, '/', '?', '#', '%', white
//     space, control characters and over-long ids in any field are refused
//     with provider.ErrInvalidHost before any request;
//   - Supports agrees with the action methods: an unsupported action
//     returns provider.ErrUnsupported and sends nothing.
//
// Time moves only on the fake clock: the suite advances it a second at a
// time, and only while the adapter's Operation (if any) is waiting on it,
// which the suite knows from clocktest.Clock.WaitForTimers — the adapters
// use the clock for nothing else. No case sleeps on the wall clock.
//
// The suite is a list of cases, one file per concern; a later contract
// adds its cases to that list.
package providertest
