// Package driftless keeps a cloud control plane's record of its hosts true
// to the cloud: no flapping, no masking of in-flight transitions, no
// data-losing guesses.
//
// The provider is the source of truth for runtime state (is the VM there,
// is it running, does its data volume exist); the control plane is the
// source of truth for desired state (the last user action). driftless sits
// between the two:
//
//   - hoststate is the pure core: statuses, user actions and their
//     transition table, the reconcile decision (Observe), heartbeat gating
//     and what a UI shows. No I/O, no goroutines, no clock reads.
//   - provider defines one interface per cloud (probe the VM and its data
//     volume in one call, start, stop) and a raw→normalized status table
//     per cloud; provider/gcp, provider/hyperstack, provider/lambda,
//     provider/nebius and provider/selfhost adapt the real APIs.
//   - reconcile is the loop that fixes drift with guardrails (grace window,
//     confirmations, rate limits, backoff, caps, a mass-anomaly brake),
//     persisting through a compare-and-swap Store on an injected Clock.
//   - waiter runs user actions: it shows the transitional status at once
//     and finalizes only when the provider confirms.
//   - diskguard keeps a host's bootstrap from formatting a data disk that
//     already holds a filesystem; hostagent is the host daemon's side of
//     heartbeats and first boot; smoke runs every provider through a
//     host's whole lifecycle, emulated or against real clouds.
//   - fakes is a simulated cloud with each provider's real behaviour and
//     seeded faults, a manual clock and local API emulators, so tests
//     exercise the whole state diagram without a cloud account.
//
// Start with the README's two commands, then the hoststate examples.
package driftless
