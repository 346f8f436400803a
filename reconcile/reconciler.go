package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/store"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Reconciler keeps a Store's host statuses true to the providers: each tick
// it selects the hosts that may have drifted, observes them (one paged
// listing per provider scope where the provider offers one), lets
// hoststate.Observe decide, and writes with compare-and-swap. It is the
// imperative shell around the pure decision; all time comes from the
// injected Clock.
//
// Guardrails: a token bucket per provider (on the injected clock), a cap of
// hosts per provider per tick, exponential backoff with jitter per provider
// after rate limits, 5xx and timeouts, and a mass-anomaly brake that holds a
// tick's flips to off/deprovisioned when too many of a provider's hosts
// would flip at once (a partial listing or an API outage must not flip a
// fleet).
type Reconciler struct {
	cfg       Config
	providers map[string]*providerState

	tracer trace.Tracer

	// running holds one token while a tick runs: one tick at a time, and
	// a tick waiting for the previous one still honours its context.
	running chan struct{}
	// Guarded by running:
	tick     int
	deferred map[string]bool
	names    []string           // provider names, sorted: the order a tick visits them
	listed   []hoststate.Record // the last full sweep's listing, reused as its buffer
	valid    map[string]uint64  // host id → the record version its Ref validated at
	// shadow holds, in dry run, each host's decided record: the next
	// decision starts from it while the stored version is the one it
	// came from, so a drift's confirmations add up though none is written.
	shadow map[string]hoststate.Record

	mu  sync.Mutex // guards rnd
	rnd *rand.Rand
}

// providerState is what the reconciler tracks per provider between ticks;
// the rate limit and backoff live in the shared kernel.Provider.
type providerState struct {
	p      *kernel.Provider
	policy hoststate.Policy // Config.Policy with the provider's consistency window

	// Tick state, guarded by the tick (one tick at a time).
	budgets      map[string]*budget // disruption budget per brake scope
	lastHalfOpen time.Time          // the last probe let through a backoff
	sweepDue     bool               // a full sweep this provider has not completed yet
	scratch      scratch            // buffers reused from tick to tick

	mu    sync.Mutex
	lease store.Lease // held lease; zero when none
}

// New returns a Reconciler for cfg, or an error matching ErrConfig.
func New(cfg Config) (*Reconciler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Reconciler{cfg: cfg, providers: make(map[string]*providerState), rnd: cfg.newRand(), deferred: make(map[string]bool),
		running: make(chan struct{}, 1), valid: make(map[string]uint64), shadow: make(map[string]hoststate.Record),
		tracer: cfg.TracerProvider.Tracer("github.com/driftless/driftless/reconcile")}
	for _, p := range cfg.Registry.All() {
		r.providers[p.Name()] = &providerState{p: p, policy: p.Policy(cfg.Policy), budgets: map[string]*budget{}}
		r.names = append(r.names, p.Name())
	}
	slices.Sort(r.names)
	return r, nil
}

// Run ticks every Interval (jittered) until ctx ends, and returns ctx's
// error. A tick that fails (the store is unreachable) is logged and the
// loop goes on.
func (r *Reconciler) Run(ctx context.Context) error {
	for {
		rep, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.LogAttrs(ctx, slog.LevelError, "reconcile tick failed", slog.Any("err", err))
		}
		if r.cfg.OnReport != nil && ctx.Err() == nil {
			r.cfg.OnReport(rep)
		}
		t := r.cfg.Clock.NewTimer(r.nextInterval())
		select {
		case <-ctx.Done():
			t.Stop()
			// ctx is done: release under a context of its own.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			r.releaseLeases(rctx)
			cancel()
			return ctx.Err()
		case <-t.C():
		}
	}
}

// nextInterval returns Interval spread by ±Jitter.
func (r *Reconciler) nextInterval() time.Duration {
	r.mu.Lock()
	f := 1 + r.cfg.Jitter*(2*r.rnd.Float64()-1)
	r.mu.Unlock()
	return time.Duration(float64(r.cfg.Interval) * f)
}

// RunOnce runs one tick and reports what it did. It returns an error only
// when the store cannot be read or ctx ends; provider failures are
// reported, never fatal. A cancelled context leaves every record either
// untouched or fully written.
func (r *Reconciler) RunOnce(ctx context.Context) (rep Report, err error) {
	select {
	case r.running <- struct{}{}:
	case <-ctx.Done():
		return rep, ctx.Err()
	}
	defer func() { <-r.running }()
	now := r.cfg.Clock.Now()
	r.tick++
	rep = Report{Tick: r.tick, FullSweep: r.tick == 1 || r.tick%r.cfg.FullSweepEvery == 0, DryRun: r.cfg.DryRun}
	ctx, span := r.tracer.Start(ctx, "driftless.reconcile.tick", trace.WithAttributes(
		attribute.Int("driftless.tick", rep.Tick), attribute.Bool("driftless.full_sweep", rep.FullSweep)))
	defer func() {
		span.SetAttributes(attribute.Int("driftless.probed", rep.Probed), attribute.Int("driftless.changed", rep.Changed),
			attribute.Int("driftless.errors", rep.Errors))
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, "tick failed")
		}
		span.End()
		r.cfg.Metrics.TickDone(r.cfg.Clock.Now().Sub(now), rep.FullSweep, err != nil)
	}()

	recs, err := r.selectHosts(ctx, now, rep.FullSweep)
	if err != nil {
		return rep, err
	}
	rep.Selected = len(recs)

	// Group by provider, as pointers into the tick's records: nothing
	// is copied or sorted.
	clear(r.deferred)
	for _, ps := range r.providers {
		ps.scratch.hosts = ps.scratch.hosts[:0]
	}
	var unknown map[string]int // provider name → hosts skipped
	var last *providerState
	for i := range recs {
		rec := &recs[i]
		if last == nil || last.p.Name() != rec.Provider {
			if last = r.providers[rec.Provider]; last == nil {
				if unknown == nil {
					unknown = map[string]int{}
				}
				unknown[rec.Provider]++
				continue
			}
		}
		last.scratch.hosts = append(last.scratch.hosts, rec)
	}
	for _, name := range slices.Sorted(maps.Keys(unknown)) {
		rep.Skipped += unknown[name]
		r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "hosts skipped: no such provider", slog.String("provider", name), slog.Int("hosts", unknown[name]))
	}
	if rep.FullSweep && len(r.valid) > 2*len(recs) {
		clear(r.valid) // hosts went away: forget them
	}
	for _, name := range r.names {
		ps := r.providers[name]
		if len(ps.scratch.hosts) == 0 {
			continue
		}
		valid := ps.scratch.hosts[:0]
		for _, rec := range ps.scratch.hosts {
			if err := r.validate(ps, rec); err != nil {
				rep.Skipped++
				r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "host skipped: invalid id or provider reference", slog.String("host", hoststate.Truncate(rec.ID, store.MaxIDLen)), slog.Any("err", err))
				continue
			}
			valid = append(valid, rec)
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if len(valid) > 0 {
			complete := r.reconcileProvider(ctx, ps, valid, now, &rep)
			// A full sweep this provider could not finish (an outage, a
			// backoff, a cap) runs again at its next tick, not a sweep later.
			if rep.FullSweep || ps.sweepDue {
				ps.sweepDue = !complete
			}
		}
	}
	return rep, ctx.Err()
}

// selectHosts returns the hosts due this tick: everything on a full sweep;
// otherwise the hosts the store's due index holds (NextCheck at or before
// now: hoststate sets it so transitional, error and unknown hosts, flips
// being confirmed, and running hosts gone stale or without an address are
// due at once), every host of a provider whose last full sweep did not
// complete, and those deferred last tick. A quiet tick reads only the
// index.
func (r *Reconciler) selectHosts(ctx context.Context, now time.Time, full bool) ([]hoststate.Record, error) {
	if full {
		// The listing's buffer is the last sweep's: a sweep allocates no
		// copy of the fleet.
		n := len(r.listed)
		var err error
		r.listed, err = store.AppendList(ctx, r.cfg.Store, r.listed[:0], store.Filter{})
		if len(r.listed) < n {
			clear(r.listed[len(r.listed):n]) // drop the hosts gone since
		}
		return r.listed, err
	}
	out, err := r.cfg.Store.Due(ctx, now, 0)
	if err != nil {
		return nil, fmt.Errorf("reconcile: select due hosts: %w", err)
	}
	sweeps := r.sweepsDue()
	if len(sweeps) == 0 && len(r.deferred) == 0 {
		return out, nil
	}
	seen := make(map[string]bool, len(out))
	for _, rec := range out {
		seen[rec.ID] = true
	}
	for _, name := range sweeps {
		recs, err := r.cfg.Store.List(ctx, store.Filter{Provider: name})
		if err != nil {
			return nil, fmt.Errorf("reconcile: select hosts: %w", err)
		}
		for _, rec := range recs {
			if !seen[rec.ID] {
				seen[rec.ID] = true
				out = append(out, rec)
			}
		}
	}
	// In id order: the tick's order (and so which hosts a cap or a rate
	// limit defers) must not depend on map iteration.
	for _, id := range slices.Sorted(maps.Keys(r.deferred)) {
		if seen[id] {
			continue
		}
		rec, err := r.cfg.Store.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reconcile: select deferred host: %w", err)
		}
		seen[id] = true
		out = append(out, rec)
	}
	return out, nil
}

// validate checks a host's id and provider reference once per record
// version: a Ref changes only with a write, which moves the version. A
// stored id the store would now refuse to write (one stored before
// store.ValidID tightened) is skipped like an invalid reference, so it
// cannot fail the batched writes of its provider's other hosts.
func (r *Reconciler) validate(ps *providerState, rec *hoststate.Record) error {
	if v, ok := r.valid[rec.ID]; ok && v == rec.Version {
		return nil
	}
	if err := store.ValidID(rec.ID); err != nil {
		return err
	}
	if err := ps.p.Validate(rec.Ref); err != nil {
		delete(r.valid, rec.ID)
		return err
	}
	r.valid[rec.ID] = rec.Version
	return nil
}

// reconcileProvider observes, decides and writes one provider's due hosts,
// and reports whether it observed them all.
func (r *Reconciler) reconcileProvider(ctx context.Context, ps *providerState, hosts []*hoststate.Record, now time.Time, rep *Report) (complete bool) {
	name := ps.p.Name()
	defer_ := func(recs []*hoststate.Record) {
		for _, rec := range recs {
			r.deferred[rec.ID] = true
		}
		rep.Deferred += len(recs)
	}
	if !r.holdsLease(ctx, ps) {
		return true // another replica's work
	}
	halfOpen := false
	if until := ps.p.BackoffUntil(); now.Before(until) {
		rep.BackedOff = append(rep.BackedOff, name)
		// While backed off, one half-open probe per interval tells when
		// the provider is back, so the backoff never outlives the outage
		// by more than an interval.
		if now.Sub(ps.lastHalfOpen) < r.cfg.Interval {
			defer_(hosts)
			return false
		}
		ps.lastHalfOpen, halfOpen = now, true
	}

	// The cap bounds probes, one call per host; a listing costs its pages
	// however many hosts it covers, so listers are not capped.
	limit := len(hosts)
	if !ps.p.CanList() {
		limit = min(limit, r.cfg.MaxHostsPerProvider)
	}
	if halfOpen {
		limit = 1
	}
	if len(hosts) > limit {
		// Oldest observation first, so hosts capped out last tick go
		// first. (Uncapped, every host goes and the order is the store's.)
		slices.SortFunc(hosts, func(a, b *hoststate.Record) int {
			if c := a.ObservedAt.Compare(b.ObservedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		defer_(hosts[limit:])
		hosts = hosts[:limit]
	}

	var obs observations
	if ps.p.CanList() {
		var single observations
		// Between sweeps, a scope with fewer due hosts than its last
		// listing took pages is probed host by host: fewer calls, each a
		// direct answer. (A full sweep, or the rest of one this provider
		// owes, lists every scope.)
		if !rep.FullSweep && !ps.sweepDue {
			var each []*hoststate.Record
			hosts, each = ps.splitByCost(hosts)
			if len(each) > 0 {
				single = r.probeEach(ctx, ps, each, now)
			}
			if single.halted {
				// A rate limit stops the provider for the rest of the
				// tick: the scopes to list wait for the next.
				single.deferred = append(single.deferred, hosts...)
				hosts = nil
			}
			// A listing says where every VM of its scope is: observe
			// every stored host it covers, off and deprovisioned ones
			// too, at no extra call.
			if len(hosts) > 0 {
				mates, err := r.scopeMates(ctx, ps, hosts)
				if err != nil {
					r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "reading the listed scopes' other hosts failed", slog.String("provider", name), slog.Any("err", err))
				}
				for i := range mates {
					hosts = append(hosts, &mates[i])
				}
			}
		}
		if len(hosts) > 0 {
			obs = r.list(ctx, ps, hosts, now)
		} else {
			obs.results = ps.scratch.results[:0] // keep the sweep-sized buffer
		}
		if rep.FullSweep {
			ps.scratch.forgetScopesNotListed()
		}
		obs.merge(single)
		ps.scratch.results = obs.results
	} else {
		obs = r.probeEach(ctx, ps, hosts, now)
	}
	rep.ProviderCalls += obs.calls
	defer_(obs.deferred)
	if obs.transient != nil {
		ps.p.Failed(now, obs.transient)
		r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "provider backing off", slog.String("provider", name), slog.Any("err", obs.transient))
	} else if len(obs.results) > 0 {
		ps.p.Succeeded()
	}

	probed := len(obs.results)
	rep.Probed += probed
	r.cfg.Metrics.HostsProbed(name, probed)

	sc := &ps.scratch
	changes := grow(sc.changes, probed)
	// A decision that changes nothing but the observation time is not
	// written, as long as the stored ObservedAt stays within one full-sweep
	// period of the truth, so other replicas and the UI stay honest.
	unchanged := grow(sc.unchanged, probed)
	maxLag := time.Duration(r.cfg.FullSweepEvery) * r.cfg.Interval
	for i := range obs.results {
		res := &obs.results[i]
		if res.obs.Err != nil {
			rep.Errors++
			r.cfg.Metrics.ProbeError(name)
		}
		prev := *res.rec
		if s, ok := r.shadow[prev.ID]; ok && s.Version == prev.Version {
			prev = s
		} else if ok {
			delete(r.shadow, prev.ID) // written since: the store's record decides
		}
		*res.rec = prev
		ch := res.rec.Observe(res.obs, now, ps.policy)
		unchanged[i] = hoststate.OnlyObservedAtDiffers(prev, *res.rec) && res.rec.ObservedAt.Sub(prev.ObservedAt) < maxLag
		if ch.Reason.Held() {
			rep.Held++
			r.cfg.Metrics.FlipHeld(name, ch.Reason)
		}
		changes[i] = ch
	}
	sc.changes, sc.unchanged = changes, unchanged
	held, braked := r.hold(ps, obs.results, changes, now)
	if n := count(held); n > 0 {
		rep.Braked = append(rep.Braked, braked...)
		rep.Held += n
		r.cfg.Metrics.BrakeEngaged(name, n)
		r.cfg.Logger.LogAttrs(ctx, slog.LevelError, "guardrails engaged: holding drift flips",
			slog.String("provider", name), slog.Any("scopes", braked), slog.Int("held", n), slog.Int("observed", probed))
	}
	for i, u := range unchanged {
		held[i] = held[i] || u
	}
	r.writeDecisions(ctx, ps, obs.results, changes, held, now, rep)
	// Hosts capped out or held back by the token bucket are deferred and
	// go first next tick; only an outage leaves the sweep to redo.
	return !halfOpen && obs.transient == nil
}

// grow returns buf resized to n, reusing its array when it is big enough.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// count returns how many of bs are true.
func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// writeDecisions writes a provider's decided records in one batched
// compare-and-swap, fenced by the provider's lease. A host whose version
// moved meanwhile is re-read and decided again with the same observation,
// so a user action that landed meanwhile wins (its grace window now
// applies). Braked flips are not written at all.
func (r *Reconciler) writeDecisions(ctx context.Context, ps *providerState, results []result, changes []hoststate.Change, held []bool, now time.Time, rep *Report) {
	name := ps.p.Name()
	fence := ps.fence()
	sc := &ps.scratch
	writes, which := sc.writes[:0], sc.which[:0] // which: index into results per write
	defer func() {
		clear(writes) // keep no record alive until the next tick
		sc.writes, sc.which = writes[:0], which[:0]
	}()
	for i := range results {
		if held[i] {
			continue // untouched: the guardrails apply none of these flips
		}
		writes = append(writes, store.Write{Record: *results[i].rec, Reason: changes[i].Reason.String(), Fence: fence})
		which = append(which, i)
	}
	if len(writes) == 0 || ctx.Err() != nil {
		return
	}
	if r.cfg.DryRun {
		for k, i := range which {
			r.shadow[writes[k].Record.ID] = writes[k].Record
			if ch := changes[i]; ch.Changed() {
				rep.Changed++
				rep.Changes = append(rep.Changes, HostChange{ID: writes[k].Record.ID, Provider: name, Change: ch})
			}
		}
		return
	}
	res, err := r.cfg.Store.UpdateBatch(ctx, writes)
	if err != nil {
		if ctx.Err() == nil {
			r.cfg.Logger.LogAttrs(ctx, slog.LevelError, "batched write failed", slog.String("provider", name), slog.Int("hosts", len(writes)), slog.Any("err", err))
			rep.Errors += len(writes)
		}
		return
	}
	conflicted := make(map[string]bool, len(res.Conflicts))
	for _, id := range res.Conflicts {
		conflicted[id] = true
	}
	for k, i := range which {
		rec, ch := writes[k].Record, changes[i]
		if conflicted[rec.ID] {
			rep.Conflicts++
			r.cfg.Metrics.Conflict(name)
			if ctx.Err() != nil {
				return
			}
			if rec, ch, err = r.redecide(ctx, rec.ID, results[i].obs, now, fence); err != nil {
				if ctx.Err() == nil {
					r.cfg.Logger.LogAttrs(ctx, slog.LevelError, "write failed", slog.String("host", rec.ID), slog.Any("err", err))
					rep.Errors++
				}
				continue
			}
		}
		if ch.Changed() {
			rep.Changed++
			rep.Changes = append(rep.Changes, HostChange{ID: rec.ID, Provider: name, Change: ch})
			r.cfg.Metrics.StatusChanged(name, ch.From, ch.To)
			r.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "host status changed", slog.String("host", rec.ID),
				slog.String("provider", name), slog.String("from", ch.From.String()), slog.String("to", ch.To.String()),
				slog.String("reason", ch.Reason.String()), slog.String("provider_status", rec.ProviderStatus))
		}
	}
}

// redecide re-reads host id and writes the decision for observation o,
// through the kernel's bounded compare-and-swap loop.
func (r *Reconciler) redecide(ctx context.Context, id string, o hoststate.Observation, now time.Time, fence store.Fence) (hoststate.Record, hoststate.Change, error) {
	var ch hoststate.Change
	written, err := kernel.Modify(ctx, r.cfg.Store, id, func(cur hoststate.Record) (store.Write, error) {
		var next hoststate.Record
		next = cur
		ch = next.Observe(o, now, r.providers[cur.Provider].policyOr(r.cfg.Policy))
		return store.Write{Record: next, Reason: ch.Reason.String(), Fence: fence}, nil
	})
	return written, ch, err
}

// holdsLease reports whether this replica may reconcile the provider now,
// renewing its lease on the store's clock; the tick's writes then carry
// the lease's fence, so a replica that lost the lease mid-tick writes
// nothing.
func (r *Reconciler) holdsLease(ctx context.Context, ps *providerState) bool {
	if r.cfg.Owner == "" {
		return true
	}
	l, held, err := r.cfg.Store.TryLease(ctx, "reconcile/"+ps.p.Name(), r.cfg.Owner, 3*r.cfg.Interval)
	if err != nil {
		r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "lease failed", slog.String("provider", ps.p.Name()), slog.Any("err", err))
		held = false
	}
	r.cfg.Metrics.LeaseHeld(ps.p.Name(), held)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if held {
		ps.lease = l
	} else {
		ps.lease = store.Lease{}
	}
	return held
}

// sweepsDue names the providers whose last full sweep did not complete.
func (r *Reconciler) sweepsDue() []string {
	var out []string
	for _, name := range r.names {
		if r.providers[name].sweepDue {
			out = append(out, name)
		}
	}
	return out
}

// scopeMates returns the stored hosts of ps that share a listing scope
// with hosts but are not among them: the listing answers for them too.
func (r *Reconciler) scopeMates(ctx context.Context, ps *providerState, hosts []*hoststate.Record) ([]hoststate.Record, error) {
	scopes := make(map[string]bool)
	have := make(map[string]bool, len(hosts))
	for _, h := range hosts {
		scopes[ps.p.Scope(h.Ref)] = true
		have[h.ID] = true
	}
	var mates []hoststate.Record
	for rec, err := range store.All(ctx, r.cfg.Store, store.Filter{Provider: ps.p.Name()}, 0) {
		if err != nil {
			return mates, err
		}
		if !have[rec.ID] && scopes[ps.p.Scope(rec.Ref)] && r.validate(ps, &rec) == nil {
			mates = append(mates, rec)
		}
	}
	return mates, nil
}

// policyOr returns the provider's policy, or base for an unknown provider.
func (ps *providerState) policyOr(base hoststate.Policy) hoststate.Policy {
	if ps == nil {
		return base
	}
	return ps.policy
}

// fence returns the fence for writes under the provider's lease (none
// when the reconciler runs without an Owner).
func (ps *providerState) fence() store.Fence {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.lease.Fence()
}

// releaseLeases gives up every lease this replica holds, so another
// replica takes over at once instead of after the TTL.
func (r *Reconciler) releaseLeases(ctx context.Context) {
	for _, ps := range r.providers {
		ps.mu.Lock()
		l := ps.lease
		ps.lease = store.Lease{}
		ps.mu.Unlock()
		if l.Key == "" {
			continue
		}
		if err := r.cfg.Store.ReleaseLease(ctx, l); err != nil {
			r.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "lease release failed", slog.String("lease", l.Key), slog.Any("err", err))
		}
	}
}
