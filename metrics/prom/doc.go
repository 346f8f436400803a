// Package prom adapts the reconciler's and the action waiters' metrics
// (reconcile.Metrics, waiter.Metrics) to Prometheus, through
// prometheus/client_golang. The core packages import no metrics library;
// this one does, so only a control plane that wants Prometheus pays for it.
//
// [New] registers every series on the Registerer it is given — never on
// the global default registry — and returns a [Metrics] that implements
// both interfaces: pass it as reconcile.Config.Metrics and
// waiter.Config.Metrics, and serve the registry with promhttp.
//
// # Series
//
//	driftless_reconcile_ticks_total{sweep,result}            ticks, full or partial, ok or failed
//	driftless_reconcile_tick_duration_seconds{sweep}         tick durations (histogram)
//	driftless_reconcile_lease_held{provider}                 1 while this replica holds the provider's lease
//	driftless_reconcile_hosts_probed_total{provider}         hosts observed, successfully or not
//	driftless_reconcile_status_changes_total{provider,from,to}
//	driftless_reconcile_probe_errors_total{provider}         failed probes and listings
//	driftless_reconcile_conflicts_total{provider}            compare-and-swap conflicts re-decided
//	driftless_reconcile_flips_held_total{provider,reason}    flips held by grace, confirmations, ...
//	driftless_reconcile_brake_engaged_total{provider}        ticks the mass-anomaly brake held
//	driftless_reconcile_brake_held_flips_total{provider}     flips it held
//	driftless_provider_calls_total{provider,method}          API calls made
//	driftless_action_outcomes_total{provider,action,outcome} finished actions
//	driftless_action_duration_seconds{provider,action,outcome} how long they ran (histogram)
//
// Every label value comes from a bounded set — configured provider names,
// method names, statuses, reasons, actions and the waiter's outcomes — so
// no input can grow the number of series. Durations are measured on the
// reconciler's and waiter's clock: on a simulated clock they are
// simulated durations.
package prom
