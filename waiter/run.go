package waiter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// maxConflicts bounds the compare-and-swap retries of one write: each
// conflict means another writer made progress, so a handful suffices
// unless the host is being hammered, which is then reported.
const maxConflicts = 16

// run is one action in progress.
type run struct {
	a    *Actions
	act  hoststate.Action
	prov provider.Provider
	// rec is the record as this action wrote it (its transitional status
	// and deadline); later writes must find the same action in flight.
	rec hoststate.Record
	// before is the record as read before the action was applied, restored
	// when the provider turns out not to support the action after all.
	before hoststate.Record
	// volumeExpected: the host had a data volume to keep (it was not
	// deprovisioned), so a start must find it.
	volumeExpected bool
	log            *slog.Logger
	p              *pacer
	opts           Options
}

// do performs act on host id: (a) write the transitional status and
// deadline, (b) send the action, (c) wait, (d) write the outcome.
func (a *Actions) do(ctx context.Context, id string, act hoststate.Action) (hoststate.Record, error) {
	r, err := a.begin(ctx, id, act)
	if err != nil {
		return r.rec, err
	}
	r.p = newPacer(a.clock, r.rec.Deadline)
	defer r.p.close()
	r.opts = a.pacing
	r.opts.Rand = a.nextRand()
	if a.subscribe != nil && r.prov.Capabilities().PushReports {
		reports, cancel := a.subscribe(id)
		defer cancel()
		r.opts.Reports = reports
	}
	r.log.Info("waiter: action written", "status", r.rec.Status, "deadline", r.rec.Deadline)

	if gated(act) {
		if err := r.gate(ctx); err != nil {
			return r.rec, r.abandon("gate", err)
		}
	}
	op, err := r.send(ctx)
	if err != nil {
		return r.rec, err
	}
	return r.settle(ctx, op)
}

// begin applies act to the stored record and writes the transitional
// status with its deadline, re-reading on a version conflict. Every
// refusal happens here, before anything is written or sent.
func (a *Actions) begin(ctx context.Context, id string, act hoststate.Action) (*run, error) {
	r := &run{a: a, act: act}
	for range maxConflicts {
		cur, err := a.store.Get(ctx, id)
		if err != nil {
			return r, fmt.Errorf("waiter: %s %q: %w", act, truncate(id), err)
		}
		r.rec = cur
		prov, ok := a.providers[cur.Provider]
		if !ok {
			return r, fmt.Errorf("%w: host %q names provider %q", ErrNoProvider, truncate(id), truncate(cur.Provider))
		}
		if err := prov.Validate(cur.Ref); err != nil {
			return r, fmt.Errorf("waiter: %s %q: %w", act, truncate(id), err)
		}
		if err := prov.Supports(cur.Ref, act); err != nil {
			return r, fmt.Errorf("waiter: %s %q: %w", act, truncate(id), err)
		}
		now := a.clock.Now()
		next, err := hoststate.Apply(cur, act, now)
		if err != nil {
			return r, fmt.Errorf("waiter: %q: %w", truncate(id), err)
		}
		next.Deadline = now.Add(a.timeouts.of(act))
		written, err := a.store.Update(ctx, store.Write{Record: next})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return r, fmt.Errorf("waiter: %s %q: write %s: %w", act, truncate(id), next.Status, err)
		}
		r.rec, r.before, r.prov = written, cur, prov
		r.volumeExpected = prov.Capabilities().SeparateVolume && cur.Status != hoststate.StatusDeprovisioned
		r.log = a.log.With("host", id, "action", act.String(), "provider", prov.Name())
		return r, nil
	}
	return r, fmt.Errorf("waiter: %s %q: %w %d times in a row", act, truncate(id), store.ErrConflict, maxConflicts)
}

// probe observes the host.
func (r *run) probe(ctx context.Context) (hoststate.Observation, error) {
	return r.prov.Probe(ctx, r.rec.Ref)
}

// gate waits until a start may be sent: no previous VM stopping or being
// deleted, the data volume settled (Invariant 8).
func (r *run) gate(ctx context.Context) error {
	o := r.opts
	o.Target = ReadyToStart(r.volumeExpected)
	o.Confirmations = 1
	d := &standardDecider{o: o, start: r.p.clock.Now()}
	obs, err := waitHost(ctx, r.p, o, r.probe, d.decide)
	if err != nil {
		return err
	}
	r.log.Debug("waiter: ready to start", "vm", obs.VM, "volume", obs.Volume)
	return nil
}

// send sends the action, retrying transient errors on the backoff
// schedule within the deadline. A definitive refusal moves the record to
// error (hoststate.Fail) and is returned.
func (r *run) send(ctx context.Context) (provider.Operation, error) {
	sched := newSchedule(r.opts, r.p.clock.Now())
	for {
		op, err := provider.ActionCall(r.prov, r.act)(ctx, r.rec.Ref)
		if err == nil {
			r.log.Info("waiter: action sent", "operation", opName(op))
			return op, nil
		}
		if ctx.Err() != nil {
			return nil, r.abandon("send", context.Cause(ctx))
		}
		if errors.Is(err, provider.ErrUnsupported) {
			// Supports said yes, the adapter said no: nothing happened at
			// the provider, so the host goes back to where it was.
			r.log.Warn("waiter: provider does not support the action after all", "error", err)
			return nil, r.finish(ctx, err, r.restore)
		}
		if !provider.Transient(err) {
			r.log.Warn("waiter: provider refused", "error", err)
			return nil, r.fail(ctx, err)
		}
		d := max(sched.next(r.p.clock.Now()), provider.RetryAfter(err))
		r.log.Debug("waiter: transient send error, retrying", "error", err, "after", d)
		if serr := r.p.sleep(ctx, d); serr != nil {
			if errors.Is(serr, errDeadline) {
				return nil, r.abandon("send", &TimeoutError{Waited: r.p.clock.Now().Sub(r.p.start), LastErr: err})
			}
			return nil, r.abandon("send", serr)
		}
	}
}

// settle waits for the outcome and writes it. Observations are folded
// through hoststate.Observe, so the waiter and the reconciler apply the
// same rules (confirmations, grace, in-flight holds).
func (r *run) settle(ctx context.Context, op provider.Operation) (hoststate.Record, error) {
	f := &folder{rec: r.rec, policy: r.a.policy, want: r.act.Goal()}
	o := r.opts
	o.Operation = op
	if r.a.expected != nil {
		o.ExpectedDuration = r.a.expected(r.prov.Name(), r.act)
	}
	for {
		obs, err := waitHost(ctx, r.p, o, r.probe, f.decide)
		switch {
		case err == nil, errors.Is(err, ErrFailFast):
		case errors.Is(err, provider.ErrOperationFailed):
			r.log.Warn("waiter: operation failed", "error", err)
			ferr := r.fail(ctx, err)
			return r.rec, ferr
		default:
			return r.rec, r.abandon("wait", err)
		}
		written, settled, err := r.commit(ctx, f)
		if err != nil {
			return written, err
		}
		if settled {
			if written.Status != f.want {
				r.log.Warn("waiter: host settled elsewhere", "status", written.Status)
				return written, &OutcomeError{Action: r.act, Want: f.want, Got: written.Status, Observation: obs}
			}
			r.log.Info("waiter: action confirmed", "status", written.Status)
			return written, nil
		}
		// Someone wrote meanwhile and the outcome needs more
		// observations on top of their record: keep waiting.
		r.rec = written
		o.Operation = nil
	}
}

// commit writes the folded record with compare-and-swap. On a conflict it
// re-reads: if another writer settled the action or started a new one,
// nothing is overwritten; otherwise the recent observations are folded
// into the fresh record and written, or, if they no longer settle it,
// settled is false and the caller keeps waiting from that record.
func (r *run) commit(ctx context.Context, f *folder) (rec hoststate.Record, settled bool, err error) {
	next := f.rec
	for range maxConflicts {
		written, err := r.a.store.Update(ctx, store.Write{Record: next})
		if err == nil {
			return written, true, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return r.rec, false, fmt.Errorf("waiter: %s %q: write %s: %w", r.act, truncate(r.rec.ID), next.Status, err)
		}
		cur, err := r.a.store.Get(ctx, r.rec.ID)
		if err != nil {
			return r.rec, false, fmt.Errorf("waiter: %s %q: re-read: %w", r.act, truncate(r.rec.ID), err)
		}
		if !sameAction(cur, r.rec) || !cur.InFlight() {
			if sameAction(cur, r.rec) && cur.Status == f.want {
				// The reconciler confirmed the same outcome first.
				return cur, true, nil
			}
			return cur, false, fmt.Errorf("%w: %s %q is now %s (last action %s)", ErrSuperseded, r.act, truncate(r.rec.ID), cur.Status, cur.LastAction)
		}
		next = f.refold(cur)
		if next.InFlight() {
			f.rec = next
			return cur, false, nil
		}
	}
	return r.rec, false, fmt.Errorf("waiter: %s %q: %w %d times in a row", r.act, truncate(r.rec.ID), store.ErrConflict, maxConflicts)
}

// fail records a definitive provider failure with hoststate.Fail — only
// if this action is still the one in flight — and returns cause wrapped.
func (r *run) fail(ctx context.Context, cause error) error {
	return r.finish(ctx, cause, func(cur hoststate.Record) (hoststate.Record, error) {
		return hoststate.Fail(cur, cause.Error(), r.a.clock.Now())
	})
}

// restore returns cur with the status and action fields it had before
// this action was applied; the action sequence number stays, so the
// attempt remains distinguishable from what came before.
func (r *run) restore(cur hoststate.Record) (hoststate.Record, error) {
	b := r.before
	cur.Status, cur.Since, cur.Reason = b.Status, b.Since, b.Reason
	cur.LastAction, cur.ActionAt, cur.Deadline = b.LastAction, b.ActionAt, b.Deadline
	cur.BootstrapDone, cur.Pending, cur.PendingCount = b.BootstrapDone, b.Pending, b.PendingCount
	return cur, nil
}

// finish ends the action on a definitive answer from the provider: it
// rewrites the record with next (still this action's, re-read on a
// conflict) and returns cause, wrapped.
func (r *run) finish(ctx context.Context, cause error, next func(hoststate.Record) (hoststate.Record, error)) error {
	wrapped := fmt.Errorf("waiter: %s %q: %w", r.act, truncate(r.rec.ID), cause)
	for range maxConflicts {
		cur, err := r.a.store.Get(ctx, r.rec.ID)
		if err != nil {
			return errors.Join(wrapped, err)
		}
		if !sameAction(cur, r.rec) {
			return errors.Join(wrapped, fmt.Errorf("%w: now %s (last action %s)", ErrSuperseded, cur.Status, cur.LastAction))
		}
		next, err := next(cur)
		if err != nil {
			// No longer in flight: the reconciler settled it.
			return errors.Join(wrapped, err)
		}
		written, err := r.a.store.Update(ctx, store.Write{Record: next})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return errors.Join(wrapped, err)
		}
		r.rec = written
		return wrapped
	}
	return errors.Join(wrapped, fmt.Errorf("%w %d times in a row", store.ErrConflict, maxConflicts))
}

// abandon ends the action without writing: a timeout, a cancelled
// context or a failing probe leaves the transitional status and its
// deadline for the reconciler (hoststate.Observe releases the action once
// the deadline passes). Nothing is guessed.
func (r *run) abandon(step string, err error) error {
	r.log.Warn("waiter: action left in flight", "step", step, "status", r.rec.Status, "deadline", r.rec.Deadline, "error", err)
	return fmt.Errorf("waiter: %s %q: %s: %w", r.act, truncate(r.rec.ID), step, err)
}

// sameAction reports whether two records carry the same user action: the
// action sequence number identifies it, never ActionAt, whose precision
// is the store's.
func sameAction(x, y hoststate.Record) bool {
	return x.ActionSeq == y.ActionSeq && x.LastAction == y.LastAction
}

// opName names an operation for logs ("" for none).
func opName(op provider.Operation) string {
	if op == nil {
		return ""
	}
	return op.Name()
}
