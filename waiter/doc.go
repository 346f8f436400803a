// Package waiter waits for cloud hosts to finish what they were asked to
// do, and records the outcome only once the provider confirms it.
//
// The control plane driftless was written for set "off" while a VM was still stopping and polled
// every 5 seconds whatever the provider; this package is the fix. It has
// three layers:
//
//   - [Wait] waits for one host to reach a normalized target: a
//     [Condition] over hoststate's VM and volume states, with fail-fast
//     states, confirmations, a not-found grace window, jittered backoff,
//     a native operation first and pushed reports instead of polling;
//   - [Actions] performs user actions (Start, Stop, Reboot, Reprovision,
//     Deprovision, Retry) end to end: it writes the transitional status
//     and its deadline with compare-and-swap before calling the provider,
//     waits, and writes the final status by folding the observations
//     through hoststate.Observe, so an action's outcome obeys exactly the
//     reconciler's rules (off and deprovisioned need Confirmations
//     observations; an in-flight action's intermediate states hold);
//   - gates: [ReadyToStart] (no start while the previous VM still stops
//     or is being deleted — the Hyperstack stop/start race, docs/ARCHITECTURE.md
//     Invariant 8) and [WaitResolvable] (hand out a host name only once
//     DNS resolves it to the right address).
//
// Everything runs on an injected clock.Clock and a seedable
// math/rand/v2 generator, so tests on a fake clock are exact and repeat.
//
// # Never guess
//
// A waiter that times out, loses its context or its process leaves the
// record in its transitional status with its deadline, and returns
// [ErrTimeout] or the context's error. It does not pick an outcome:
// hoststate.Observe holds intermediate provider states only until that
// deadline, so the reconciler finishes the action from ground truth. Only
// a definitive provider refusal or a native operation that finished with
// an error writes error (hoststate.Fail); transient errors (429 with its
// Retry-After, 5xx, timeouts) are retried within the deadline and never
// count as an observation.
//
// # Compared with Terraform's StateChangeConf
//
// helper/retry.StateChangeConf has Pending and Target state strings,
// Refresh, Timeout, Delay, MinTimeout, PollInterval, NotFoundChecks and
// ContinuousTargetOccurence. Here:
//
//   - Target and FailFast are normalized states (hoststate.VMState and
//     VolumeState, plus a predicate), not each provider's raw strings:
//     "VM absent and volume present" is one Condition for every cloud.
//     Anything not in Target or FailFast is pending; Terraform instead
//     fails on any state missing from Pending, so an undocumented
//     intermediate status breaks it.
//   - Confirmations is ContinuousTargetOccurence, defaulting to 2 for an
//     absent VM; NotFoundGrace replaces NotFoundChecks with a time window,
//     since a not-found right after a create is eventual consistency for a
//     while, not for a number of probes.
//   - A Refresh error ends a StateChangeConf; here transient errors are
//     retried (honouring Retry-After) and never count toward the target.
//   - Pacing: StateChangeConf refreshes at once, then doubles from 200 ms
//     to 10 s without jitter, MinTimeout raising the floor (or polls at a
//     fixed PollInterval); Delay skips the first checks. Here pauses grow
//     from MinInterval (the floor, like MinTimeout) by Multiplier up to
//     MaxInterval, each drawn with jitter so many waits do not probe in
//     lockstep, and ExpectedDuration places probes around the
//     transition's typical end (a quiet period, like Delay, then probes
//     densest near the expected end).
//   - A native operation is waited on first, then verified by probes:
//     DONE is necessary, not sufficient.
//
// # Compared with AWS SDK waiters
//
// AWS SDK for Go v2 waiters retry with MinDelay and MaxDelay, an
// exponential ceiling and jitter drawn between MinDelay and that ceiling,
// and clip the last delay to the remaining time. MinInterval, MaxInterval
// and Multiplier are the same idea, and every pause is also clipped to the
// deadline, where one last probe is made. The differences: targets are
// normalized states rather than JMESPath matchers over one service's
// response; fail-fast is a typed [FailFastError] carrying the observation;
// a timeout is a [TimeoutError] carrying the last observation rather than
// a bare "exceeded max wait time"; and there is no "retry on any error"
// acceptor — only provider.Transient errors are retried.
//
// # Measured
//
// go run ./examples/waitcompare replays the same seeded provider
// timelines on the fake cloud for this waiter, fixed 5-second polling and
// Terraform's doubling: with a native operation or pushed reports the
// waiter notices within a second using at most 3 calls; polling with
// ExpectedDuration it notices sooner than fixed 5-second polling on
// average with fewer than half its calls — as long as durations stay
// within about ±20% of ExpectedDuration (the command prints a
// wide-spread row where they do not).
package waiter
