// Package reconcile is the imperative shell around hoststate.Observe: a
// loop that keeps a Store's host statuses true to the providers, with the
// guardrails a fleet needs.
//
// Each tick ([Reconciler.RunOnce]) it
//
//   - selects the hosts that may have drifted: transitional statuses,
//     error, unknown, running hosts gone stale or without an address, and
//     those deferred last tick — plus every host on a full sweep every
//     FullSweepEvery ticks (catching a VM started or deleted from a
//     provider console);
//   - observes them: one paged listing per provider scope when the provider
//     implements provider.Lister (cost O(pages), not O(hosts)) — between
//     full sweeps only for a scope with at least as many due hosts as its
//     last listing took pages, the others' due hosts probed one by one —
//     otherwise one probe per host with bounded concurrency;
//   - decides with hoststate.Record.Observe and writes with compare-and-swap; on a
//     conflict it re-reads and decides again, so a user action written
//     meanwhile wins.
//
// Guardrails: a golang.org/x/time/rate token bucket per provider, driven by
// the injected Clock (AllowN(now, 1)), so a tick never bursts past it; a cap
// of hosts per provider per tick, the rest going first next tick, oldest
// observation first; exponential backoff with full jitter per provider after
// rate limits, 5xx and timeouts (a provider in backoff is skipped and its
// hosts left untouched); and a mass-anomaly brake: when more than
// BrakeFraction (and at least BrakeMinHosts) of a provider's probed hosts
// would newly flip to off or deprovisioned in one tick, none of those flips
// is applied and the report says so. A listing that fails part-way is a
// failed probe for every host of its scope, never "absent".
//
// The brake holds as long as the anomaly lasts: if a provider's fleet
// really did stop at once (someone used the console), an operator confirms
// host by host with ReconcileNow, which bypasses the brake but not the
// reconcile rules. That is deliberate: a partial listing and a mass stop
// look the same from here, and only one of them is safe to act on.
//
// Time comes only from the injected clock.Clock; store.MemStore is the
// embedded default store.Store. Several replicas sharing a store split the
// work per provider through the store's leases (on the store's own clock),
// and every write under a lease carries its fence, so a replica that lost
// its lease writes nothing. A stopped Run releases its leases.
package reconcile
