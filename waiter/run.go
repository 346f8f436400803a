package waiter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// run is one action in progress.
type run struct {
	a    *Actions
	act  hoststate.Action
	prov *kernel.Provider
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
	// gating is closed when a start begins to wait for the previous VM.
	gating chan struct{}
	// policy is the Actions' policy with the provider's consistency window.
	policy hoststate.Policy
	// resends paces the resends after failed operations.
	resends *schedule
}

// do performs act on host id and waits for the outcome: Begin and Wait
// under one context, so a ctx that ends abandons the action (the record
// keeps its transitional status and deadline for the reconciler).
func (a *Actions) do(ctx context.Context, id string, act hoststate.Action) (hoststate.Record, error) {
	r, err := a.begin(ctx, id, act)
	if err != nil {
		return r.rec, err
	}
	h := newHandle(r.rec, act)
	a.follow(ctx, r, h)
	rec, err, _ := h.Outcome()
	return rec, err
}

// Begin starts act on host id and returns once the transitional status is
// written and the provider call is sent — or, for a start that must first
// wait for the host's previous VM to be gone, once that wait has begun
// (Handle.Sent tells when the call goes out). Every refusal (unknown host,
// no provider, an action the table does not allow or the provider does not
// support, an invalid reference) is returned here, with nothing written
// and nothing sent. The rest of the action — the wait and the outcome —
// goes on in the background, past the end of ctx, until its deadline or
// until [Actions.Close]; follow it with the Handle.
func (a *Actions) Begin(ctx context.Context, id string, act hoststate.Action) (*Handle, error) {
	if err := a.life.Err(); err != nil {
		return nil, fmt.Errorf("waiter: %s %q: %w", act, hoststate.Truncate(id, hoststate.MaxQuoted), ErrClosed)
	}
	r, err := a.begin(ctx, id, act)
	if err != nil {
		return nil, err
	}
	h := newHandle(r.rec, act)
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(a.life, cancel)
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		defer stop()
		defer cancel()
		a.follow(bg, r, h)
	}()
	select {
	case <-h.sent:
	case <-r.gating:
	case <-ctx.Done():
	}
	return h, nil
}

// follow runs an action after its begin: the gate, the send, the wait and
// the outcome, reported to h.
func (a *Actions) follow(ctx context.Context, r *run, h *Handle) {
	start := a.clock.Now()
	ctx, span := a.tracer.Start(ctx, "driftless.action", trace.WithAttributes(
		attribute.String("driftless.host", r.rec.ID), attribute.String("driftless.action", r.act.String()),
		attribute.String("driftless.provider", r.prov.Name())))
	rec, err := r.follow(ctx, h)
	outcome := outcomeOf(err)
	span.SetAttributes(attribute.String("driftless.outcome", outcome), attribute.String("driftless.status", rec.Status.String()))
	if err != nil {
		span.SetStatus(codes.Error, outcome)
	}
	span.End()
	h.finish(rec, err)
	a.metrics.ActionOutcome(r.prov.Name(), r.act, outcome, a.clock.Now().Sub(start))
}

// follow is the body of an action after begin.
func (r *run) follow(ctx context.Context, h *Handle) (hoststate.Record, error) {
	a, id, act := r.a, r.rec.ID, r.act
	r.p = newPacer(a.clock, r.rec.Deadline)
	defer r.p.close()
	r.opts = a.pacing
	r.opts.Rand = a.nextRand()
	// Confirmations that outlast the provider's consistency window: a
	// stale read cannot confirm an outcome it contradicts.
	r.policy = r.prov.Policy(a.policy)
	if cw, n := r.policy.ConsistencyWindow, r.policy.Confirmations; cw > 0 && n > 1 {
		r.opts.ConfirmInterval = max(r.opts.ConfirmInterval, cw/time.Duration(n-1))
	}
	if r.prov.Capabilities().PushReports {
		if reports, cancel := r.watch(id); reports != nil {
			defer cancel()
			r.opts.Reports = reports
		}
	}
	r.log.Info("waiter: action written", "status", r.rec.Status, "deadline", r.rec.Deadline)

	if gated(act) {
		close(r.gating)
		if err := r.gate(ctx); err != nil {
			return r.rec, r.abandon("gate", err)
		}
	}
	op, err := r.send(ctx)
	h.markSent()
	if err != nil {
		return r.rec, err
	}
	rec, err := r.settle(ctx, op)
	if err == nil && a.dns != nil && gated(act) {
		err = r.resolvable(ctx, rec)
	}
	return rec, err
}

// begin applies act to the stored record and writes the transitional
// status with its deadline, through the kernel's compare-and-swap loop.
// Every refusal happens here, before anything is written or sent.
func (a *Actions) begin(ctx context.Context, id string, act hoststate.Action) (*run, error) {
	r := &run{a: a, act: act, gating: make(chan struct{})}
	written, err := kernel.Modify(ctx, a.store, id, func(cur hoststate.Record) (store.Write, error) {
		r.rec = cur
		prov, err := a.registry.Get(cur.Provider)
		if err != nil {
			return store.Write{}, fmt.Errorf("%w: host %q names provider %q", ErrNoProvider, hoststate.Truncate(id, hoststate.MaxQuoted), hoststate.Truncate(cur.Provider, hoststate.MaxQuoted))
		}
		if err := prov.Validate(cur.Ref); err != nil {
			return store.Write{}, err
		}
		if err := prov.Supports(cur.Ref, act); err != nil {
			return store.Write{}, err
		}
		now := a.clock.Now()
		next := cur
		if err := next.Apply(act, now); err != nil {
			return store.Write{}, err
		}
		next.Deadline = now.Add(a.timeouts.of(act))
		// A start that creates a new VM (where a stop deleted the old one,
		// or where there is no stop: a launch) means a new first boot.
		if gated(act) && (prov.Capabilities().StopDeletesVM || prov.Supports(cur.Ref, hoststate.ActionStop) != nil) {
			next.BootstrapDone = false
		}
		r.before, r.prov = cur, prov
		return store.Write{Record: next, Reason: act.String()}, nil
	})
	if err != nil {
		if errors.Is(err, ErrNoProvider) {
			return r, err
		}
		return r, fmt.Errorf("waiter: %s %q: %w", act, hoststate.Truncate(id, hoststate.MaxQuoted), err)
	}
	r.rec = written
	r.volumeExpected = r.prov.Capabilities().SeparateVolume && r.before.Status != hoststate.StatusDeprovisioned
	r.log = a.log.With("host", id, "action", act.String(), "provider", r.prov.Name())
	return r, nil
}

// watch subscribes to the host's pushed reports: through Config.Subscribe
// when set, else straight from an adapter that is a provider.Pusher (a
// self-host connector). Nil means poll.
func (r *run) watch(id string) (<-chan hoststate.Observation, func()) {
	if r.a.subscribe != nil {
		return r.a.subscribe(id)
	}
	ch, cancel, err := r.prov.Watch(r.rec.Ref)
	if err != nil {
		r.log.Debug("waiter: no pushed reports, polling", "error", err)
		return nil, nil
	}
	return ch, cancel
}

// probe observes the host, within the provider's shared limits: while the
// provider is backed off or out of tokens it makes no call and returns a
// rate-limit error carrying the wait, which the probing loop honours like
// any retry-after hint. A rate limit the provider answers starts the
// shared backoff, so the reconciler holds off too.
func (r *run) probe(ctx context.Context) (hoststate.Observation, error) {
	if err := r.admit(); err != nil {
		return hoststate.Observation{}, err
	}
	o, err := r.prov.Probe(provider.WithHostID(ctx, r.rec.ID), r.rec.Ref)
	r.observe(err)
	return o, err
}

// admit returns nil when a call may go now, or a rate-limit error with
// the wait.
func (r *run) admit() error {
	if wait := r.prov.Admit(r.a.clock.Now()); wait > 0 {
		return &provider.RateLimitError{Provider: r.prov.Name(), RetryAfter: wait, Err: errHeldBack}
	}
	return nil
}

// definitive reports whether err is the provider's own refusal of the
// action — the only answer that makes a failed action (status error):
// a conflict with the resource's state, a missing resource, an invalid
// reference, an operation that finished with an error.
func definitive(err error) bool {
	return errors.Is(err, provider.ErrConflict) || errors.Is(err, provider.ErrNotFound) ||
		errors.Is(err, provider.ErrInvalidHost) || errors.Is(err, provider.ErrOperationFailed) ||
		errors.Is(err, provider.ErrRefused)
}

// observe feeds the provider's answer into the shared backoff: a rate
// limit starts or extends it; a successful call ends it (the provider is
// serving again).
func (r *run) observe(err error) {
	switch {
	case err == nil:
		r.prov.Succeeded()
	case errors.Is(err, provider.ErrRateLimited) && !errors.Is(err, errHeldBack):
		r.prov.Failed(r.a.clock.Now(), err)
	}
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
	ctx = r.sendContext(ctx)
	for {
		op, err := r.sendOnce(ctx)
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
			if !definitive(err) {
				// A malformed answer, an auth failure, an error we cannot
				// place: the request may have been applied. Leave the
				// transitional status for verification by the reconciler.
				r.log.Warn("waiter: ambiguous answer to the action, leaving it in flight", "error", err)
				return nil, r.abandon("send", err)
			}
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

// resend sends the action again, with its request id, after its
// operation's Wait failed with a transient error: first a pause on the
// backoff schedule (so an operation that keeps failing is not resent in a
// tight loop), then transient errors are retried like the first send's
// within the deadline. Unlike send, a refusal writes nothing: the action
// may already be done (a reprovision's new VM is there), so it is
// returned and the probes decide.
func (r *run) resend(ctx context.Context) (provider.Operation, error) {
	if r.resends == nil {
		r.resends = newSchedule(r.opts, r.p.clock.Now())
	}
	ctx = r.sendContext(ctx)
	for {
		if err := r.p.sleep(ctx, r.resends.next(r.p.clock.Now())); err != nil {
			return nil, err
		}
		op, err := r.sendOnce(ctx)
		if err == nil {
			r.log.Info("waiter: action resent after its operation failed", "operation", opName(op))
			return op, nil
		}
		if !provider.Transient(err) || ctx.Err() != nil {
			r.log.Warn("waiter: resent action refused, the probes decide", "error", err)
			return nil, err
		}
	}
}

// settle waits for the outcome and writes it. Observations are folded
// through hoststate.Observe, so the waiter and the reconciler apply the
// same rules (confirmations, grace, in-flight holds).
func (r *run) settle(ctx context.Context, op provider.Operation) (hoststate.Record, error) {
	f := &folder{rec: r.rec, policy: r.policy, want: r.act.Goal()}
	o := r.opts
	o.Operation = op
	o.resend = r.resend
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
	first := true
	keepWaiting := false // the fresh record needs more observations: nothing written
	written, err := kernel.ModifyFrom(ctx, r.a.store, r.rec, func(cur hoststate.Record) (store.Write, error) {
		if first {
			first = false
			return store.Write{Record: f.rec, Reason: r.act.String()}, nil
		}
		if !sameAction(cur, r.rec) || !cur.InFlight() {
			if sameAction(cur, r.rec) && cur.Status == f.want {
				// The reconciler confirmed the same outcome first:
				// settled, with nothing to write.
				return store.Write{}, kernel.ErrUnchanged
			}
			return store.Write{}, fmt.Errorf("%w: %s %q is now %s (last action %s)", ErrSuperseded, r.act, hoststate.Truncate(r.rec.ID, hoststate.MaxQuoted), cur.Status, cur.LastAction)
		}
		next := f.refold(cur)
		if next.InFlight() {
			f.rec = next
			keepWaiting = true
			return store.Write{}, kernel.ErrUnchanged
		}
		return store.Write{Record: next, Reason: r.act.String()}, nil
	})
	switch {
	case errors.Is(err, ErrSuperseded):
		return written, false, err
	case err != nil:
		return r.rec, false, fmt.Errorf("waiter: %s %q: write %s: %w", r.act, hoststate.Truncate(r.rec.ID, hoststate.MaxQuoted), f.rec.Status, err)
	}
	return written, !keepWaiting, nil
}

// fail records a definitive provider failure with hoststate.Fail — only
// if this action is still the one in flight — and returns cause wrapped.
func (r *run) fail(ctx context.Context, cause error) error {
	return r.finish(ctx, cause, func(cur hoststate.Record) (hoststate.Record, error) {
		err := cur.Fail(cause.Error(), r.a.clock.Now())
		return cur, err
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
	wrapped := fmt.Errorf("waiter: %s %q: %w", r.act, hoststate.Truncate(r.rec.ID, hoststate.MaxQuoted), cause)
	written, err := kernel.Modify(ctx, r.a.store, r.rec.ID, func(cur hoststate.Record) (store.Write, error) {
		if !sameAction(cur, r.rec) {
			return store.Write{}, fmt.Errorf("%w: now %s (last action %s)", ErrSuperseded, cur.Status, cur.LastAction)
		}
		n, err := next(cur)
		return store.Write{Record: n, Reason: r.act.String() + " failed"}, err
	})
	if err != nil {
		// Superseded, or no longer in flight (the reconciler settled it).
		return errors.Join(wrapped, err)
	}
	r.rec = written
	return wrapped
}

// abandon ends the action without writing: a timeout, a cancelled
// context or a failing probe leaves the transitional status and its
// deadline for the reconciler (hoststate.Observe releases the action once
// the deadline passes). Nothing is guessed.
func (r *run) abandon(step string, err error) error {
	r.log.Warn("waiter: action left in flight", "step", step, "status", r.rec.Status, "deadline", r.rec.Deadline, "error", err)
	return fmt.Errorf("waiter: %s %q: %s: %w", r.act, hoststate.Truncate(r.rec.ID, hoststate.MaxQuoted), step, err)
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

// sendContext is ctx for the action's sends: naming the host, with the
// action's idempotency key, the same on every resend, so a send that timed
// out after the provider applied it is not applied twice.
func (r *run) sendContext(ctx context.Context) context.Context {
	return provider.WithRequestID(provider.WithHostID(ctx, r.rec.ID), requestID(r.rec))
}

// sendOnce sends the action once, within the provider's shared limits.
func (r *run) sendOnce(ctx context.Context) (provider.Operation, error) {
	if err := r.admit(); err != nil {
		return nil, err
	}
	op, err := r.prov.Send(ctx, r.act, r.rec.Ref)
	r.observe(err)
	return op, err
}

// requestID is the idempotency key of the action a record carries: its
// host and its action number, unique per action, stable across resends
// and across a waiter restart that resumes the same action.
func requestID(rec hoststate.Record) string {
	return rec.ID + "/" + strconv.FormatUint(rec.ActionSeq, 10)
}
