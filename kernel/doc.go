// Package kernel is the machinery the reconciler and the action waiters
// share, so it exists once: the provider [Registry] with each provider's
// token bucket and backoff (the waiter's calls count against the same
// limits as the reconciler's), guarded adapter calls (panic recovery and a
// per-call timeout around every one), and the one bounded compare-and-swap
// loop, [Modify].
//
// It sits between the pure core (hoststate) and the two shells (reconcile,
// waiter), as etcd raft's RawNode sits under Node: the shells decide when
// to call, the kernel makes each call safe. See docs/ARCHITECTURE.md,
// "Packages".
package kernel
