package reconcile

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// ReconcileNow probes one host and writes the decision at once — the
// "Reconcile now" button (with Config.DryRun it decides without writing). It bypasses the tick's selection, cap, backoff
// and brake (an operator asked for this host), not the reconcile rules.
func (r *Reconciler) ReconcileNow(ctx context.Context, id string) (hoststate.Change, error) {
	rec, o, ps, err := r.probeOne(ctx, id)
	if err != nil {
		return hoststate.Change{}, err
	}
	var ch hoststate.Change
	if r.cfg.DryRun {
		ch = rec.Observe(o, r.cfg.Clock.Now(), ps.policy) // rec is this call's copy
	} else if _, ch, err = r.redecide(ctx, rec.ID, o, r.cfg.Clock.Now(), store.Fence{}); err != nil {
		return ch, err
	}
	if o.Err != nil {
		return ch, fmt.Errorf("reconcile: probe %q: %w", id, o.Err)
	}
	return ch, nil
}

// CheckResult is what [Reconciler.Check] found.
type CheckResult struct {
	// Record is the stored record.
	Record hoststate.Record
	// Observation is what the provider reports now.
	Observation hoststate.Observation
	// Decision is what Observe would decide (not written).
	Decision hoststate.Change
	// Agrees reports whether the stored status matches the provider: the
	// observation implies it, or only an action in progress or a missing
	// address separates them.
	Agrees bool
}

// Check probes one host and tells whether its stored status agrees with the
// provider, without writing anything — for smoke tests and dashboards.
func (r *Reconciler) Check(ctx context.Context, id string) (CheckResult, error) {
	rec, o, ps, err := r.probeOne(ctx, id)
	if err != nil {
		return CheckResult{}, err
	}
	if o.Err != nil {
		return CheckResult{Record: rec, Observation: o}, fmt.Errorf("reconcile: probe %q: %w", id, o.Err)
	}
	decided := rec
	ch := decided.Observe(o, r.cfg.Clock.Now(), ps.policy)
	agrees := false
	switch ch.Reason {
	case hoststate.ReasonAgrees, hoststate.ReasonInProgress, hoststate.ReasonAwaitingAddress:
		agrees = !ch.Changed()
	}
	return CheckResult{Record: rec, Observation: o, Decision: ch, Agrees: agrees}, nil
}

// probeOne reads a host and probes it with its provider, which it returns
// too (its policy decides). A failed probe is returned as an observation
// with Err set, not as an error.
func (r *Reconciler) probeOne(ctx context.Context, id string) (hoststate.Record, hoststate.Observation, *providerState, error) {
	rec, err := r.cfg.Store.Get(ctx, id)
	if err != nil {
		return rec, hoststate.Observation{}, nil, err
	}
	ps := r.providers[rec.Provider]
	if ps == nil {
		return rec, hoststate.Observation{}, nil, fmt.Errorf("%w: %q has provider %q", provider.ErrNoProvider, id, rec.Provider)
	}
	if err := ps.p.Validate(rec.Ref); err != nil {
		return rec, hoststate.Observation{}, nil, err
	}
	r.cfg.Metrics.ProviderCall(ps.p.Name(), "Probe")
	o, err := probe(ctx, ps.p, rec.ID, rec.Ref)
	if err != nil {
		o = hoststate.Observation{Err: err}
	}
	return rec, o, ps, nil
}

// Heartbeat records a heartbeat from host id's daemon, for the control
// plane's heartbeat endpoint. It reports whether the heartbeat was accepted
// (only while running: see hoststate.Heartbeat); a concurrent write is
// retried, never lost.
func (r *Reconciler) Heartbeat(ctx context.Context, id string) (bool, error) {
	now := r.cfg.Clock.Now()
	accepted := false
	_, err := kernel.Modify(ctx, r.cfg.Store, id, func(cur hoststate.Record) (store.Write, error) {
		next := cur
		ok := next.Heartbeat(now, r.cfg.Policy)
		if accepted = ok; !ok {
			return store.Write{}, kernel.ErrUnchanged
		}
		return store.Write{Record: next}, nil
	})
	return accepted && err == nil, err
}
