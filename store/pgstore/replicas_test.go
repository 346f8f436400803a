package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
)

// poolOn returns another pool on schema, closed when t ends: each replica
// of TestReplicas has its own, as separate processes would.
func poolOn(t testing.TB, schema string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN)
	if err != nil {
		t.Fatal("parse the test DSN")
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// logWrites is an AfterWrite hook that logs every committed write into
// replica_log, in the write's transaction, with the lease of the host's
// provider as the write's transaction sees it: exactly the committed
// writes are logged, each with the lease it was made under.
func logWrites(writer string) func(context.Context, pgx.Tx, hoststate.Record, store.Transition) error {
	return func(ctx context.Context, tx pgx.Tx, rec hoststate.Record, _ store.Transition) error {
		_, err := tx.Exec(ctx, `INSERT INTO replica_log (writer, host, version, action_seq, provider, lease_owner, lease_epoch, lease_live)
			SELECT $1, $2, $3, $4, $5::text, l.owner, l.epoch, l.expires > now()
			FROM (SELECT 1) AS one LEFT JOIN driftless_leases AS l ON l.key = 'reconcile/' || $5::text`,
			writer, rec.ID, int64(rec.Version), int64(rec.ActionSeq), rec.Provider)
		return err
	}
}

// grant is a lease a replica was newly granted (a new epoch), and at
// which of its ticks.
type grant struct {
	replica, key string
	epoch        uint64
	tick         int64
}

// replica is one reconciler of TestReplicas with its store, wrapped to
// watch its leases, to crash it mid-tick and to freeze it mid-write.
type replica struct {
	*pgstore.Store
	name   string
	ticks  atomic.Int64
	cancel context.CancelFunc

	mu      sync.Mutex
	epochs  map[string]uint64 // last epoch granted per key
	grants  *[]grant
	grantMu *sync.Mutex
	fenced  int
	crash   bool          // cancel ctx at the next write
	freeze  chan struct{} // block the next write until closed
	frozen  chan struct{} // closed when a write is blocked
}

func (r *replica) TryLease(ctx context.Context, key, owner string, ttl time.Duration) (store.Lease, bool, error) {
	l, ok, err := r.Store.TryLease(ctx, key, owner, ttl)
	if ok {
		r.mu.Lock()
		if r.epochs[key] != l.Epoch {
			r.epochs[key] = l.Epoch
			r.grantMu.Lock()
			*r.grants = append(*r.grants, grant{r.name, key, l.Epoch, r.ticks.Load()})
			r.grantMu.Unlock()
		}
		r.mu.Unlock()
	}
	return l, ok, err
}

// beforeWrite crashes or freezes the replica when armed.
func (r *replica) beforeWrite() {
	r.mu.Lock()
	crash, freeze, frozen := r.crash, r.freeze, r.frozen
	r.crash, r.freeze = false, nil
	r.mu.Unlock()
	if crash {
		r.cancel()
	}
	if freeze != nil {
		close(frozen)
		<-freeze
	}
}

func (r *replica) afterWrite(err error) {
	if errors.Is(err, store.ErrFenced) {
		r.mu.Lock()
		r.fenced++
		r.mu.Unlock()
	}
}

func (r *replica) Update(ctx context.Context, w store.Write) (hoststate.Record, error) {
	r.beforeWrite()
	rec, err := r.Store.Update(ctx, w)
	r.afterWrite(err)
	return rec, err
}

func (r *replica) UpdateBatch(ctx context.Context, ws []store.Write) (store.BatchResult, error) {
	r.beforeWrite()
	res, err := r.Store.UpdateBatch(ctx, ws)
	r.afterWrite(err)
	return res, err
}

// TestReplicas runs three reconcilers on one database, each leasing
// "reconcile/<provider>" keys, while a user acts on hosts concurrently;
// it crashes one replica mid-tick and freezes another mid-write past its
// lease, and checks from a log written inside every write's transaction:
// no user action is ever overwritten, every reconcile write was made
// under a live lease of its writer with epochs only growing per key, work
// is spread over the live replicas, a crashed replica's keys are taken
// over within its lease TTL plus one interval (counted in ticks), and the
// frozen replica's writes are refused with ErrFenced.
//
// Lease expiry runs on the database's clock, so leases are real time:
// the reconcilers lease for 3×Interval, and Interval is 100 ms. Host state
// runs on a fake clock the test moves.
func TestReplicas(t *testing.T) {
	const (
		interval = 100 * time.Millisecond
		perKind  = 8
		ttlTicks = 3 // the reconciler leases for 3×Interval
	)
	seed, pool := newStore(t, pgstore.Config{AfterWrite: logWrites("seed")})
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	if _, err := pool.Exec(ctx, `CREATE TABLE replica_log (seq bigserial PRIMARY KEY, writer text NOT NULL, host text NOT NULL,
		version bigint NOT NULL, action_seq bigint NOT NULL, provider text NOT NULL,
		lease_owner text, lease_epoch bigint, lease_live bool)`); err != nil {
		t.Fatal(err)
	}
	schema := seed.Schema()

	// The fleet: perKind hosts of every kind, half of them running.
	clk := clocktest.New(time.Now().UTC().Truncate(time.Second))
	cloud := fakes.NewCloud(clk, 1)
	var provs []provider.Provider
	var ids []string
	for _, k := range fakes.Kinds() {
		provs = append(provs, cloud.Provider(k))
		for i := range perKind {
			h := provider.Host{Project: "proj", Zone: "us-central1-a", Region: "region-1", Instance: fmt.Sprintf("%s-%d", k, i), Volume: fmt.Sprintf("vol-%s-%d", k, i)}
			if k == fakes.Hyperstack {
				h.Volume = fmt.Sprint(1000 + i) // a Hyperstack volume is a decimal id
			}
			if k == fakes.Lambda {
				h.Volume = ""
			}
			if err := cloud.AddHost(k, h, i%2 == 0); err != nil {
				t.Fatal(err)
			}
			id := k + "/" + h.Instance
			ids = append(ids, id)
			if _, err := seed.Update(ctx, store.Write{Record: hoststate.Record{ID: id, Provider: k, Ref: h}}); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Three replicas. The reconciler has no notion of a fair share: the
	// first replica to tick would take every key. The test assigns the
	// keys round-robin by granting them to their owners first, as a
	// shard assigner would; from then on each replica renews only its own.
	names := []string{"r1", "r2", "r3"}
	keys := map[string][]string{}
	for i, k := range fakes.Kinds() {
		owner := names[i%len(names)]
		if _, ok, err := seed.TryLease(ctx, "reconcile/"+k, owner, 10*time.Second); err != nil || !ok {
			t.Fatalf("assign %s to %s: %v %v", k, owner, ok, err)
		}
		keys[owner] = append(keys[owner], "reconcile/"+k)
	}
	var grants []grant
	var grantMu sync.Mutex
	reps := map[string]*replica{}
	var wg sync.WaitGroup
	for _, name := range names {
		s, err := pgstore.Open(ctx, poolOn(t, schema), pgstore.Config{AfterWrite: logWrites(name)})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		r := &replica{Store: s, name: name, cancel: cancel, epochs: map[string]uint64{}, grants: &grants, grantMu: &grantMu}
		reps[name] = r
		reg, err := kernel.New(kernel.Config{Providers: provs, RateLimit: 1e6, Burst: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := reconcile.New(reconcile.Config{Store: r, Clock: clk, Registry: reg, Owner: name, Interval: interval,
			FullSweepEvery: 1})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for rctx.Err() == nil {
				r.ticks.Add(1)
				if _, err := rec.RunOnce(rctx); err != nil && rctx.Err() == nil {
					t.Errorf("%s: tick: %v", name, err)
				}
				select {
				case <-rctx.Done():
				case <-time.After(interval):
				}
			}
		})
	}

	// The user: actions on random hosts, as a control plane's API would
	// write them (no fence), and the fake clock moving on.
	type userWrite struct {
		id        string
		version   uint64
		actionSeq uint64
	}
	var userWrites []userWrite
	user, err := pgstore.Open(ctx, poolOn(t, schema), pgstore.Config{AfterWrite: logWrites("user")})
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() {
		rnd := rand.New(rand.NewPCG(1, 2))
		actions := []hoststate.Action{hoststate.ActionStart, hoststate.ActionStop, hoststate.ActionReboot, hoststate.ActionDeprovision}
		for ctx.Err() == nil {
			clk.Advance(10 * time.Second)
			id := ids[rnd.IntN(len(ids))]
			cur, err := user.Get(ctx, id)
			if err != nil {
				break
			}
			next := cur
			if err = next.Apply(actions[rnd.IntN(len(actions))], clk.Now()); err == nil {
				if next, err = user.Update(ctx, store.Write{Record: next, Reason: "user"}); err == nil {
					userWrites = append(userWrites, userWrite{id, next.Version, next.ActionSeq})
					p := cloud.Provider(cur.Provider)
					var call func(context.Context, provider.Host) (provider.Operation, error)
					if p.Supports(next.Ref, next.LastAction) == nil {
						call = provider.ActionCall(p, next.LastAction)
					}
					if call != nil {
						_, _ = call(ctx, cur.Ref)
					}
				} else if !errors.Is(err, store.ErrConflict) && ctx.Err() == nil {
					t.Errorf("user write: %v", err)
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(15 * time.Millisecond):
			}
		}
	})

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				stop()
				wg.Wait()
				t.Fatalf("%s: not within 20s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	writers := func(afterSeq int64) map[string]bool {
		rows, err := pool.Query(ctx, "SELECT DISTINCT writer FROM replica_log WHERE seq > $1 AND writer LIKE 'r%'", afterSeq)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, w := range ws {
			out[w] = true
		}
		return out
	}
	lastSeq := func() int64 {
		var n int64
		if err := pool.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM replica_log").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	holds := func(name string, want []string) func() bool {
		return func() bool {
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM driftless_leases WHERE key = ANY($1) AND owner = $2 AND expires > now()", want, name).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n == len(want)
		}
	}

	// Phase 1: every replica works its own keys.
	waitFor("five ticks of every replica", func() bool {
		return reps["r1"].ticks.Load() >= 5 && reps["r2"].ticks.Load() >= 5 && reps["r3"].ticks.Load() >= 5
	})
	if w := writers(0); len(w) != 3 {
		t.Errorf("phase 1: writes by %v, want every replica", w)
	}

	// Phase 2: r3 crashes mid-tick (its context cancelled at a write; it
	// releases nothing). A survivor takes its keys within the lease TTL
	// plus one interval of its own ticks.
	r3 := reps["r3"]
	r3.mu.Lock()
	r3.crash = true
	r3.mu.Unlock()
	waitFor("r3 crashes", func() bool {
		r3.mu.Lock()
		defer r3.mu.Unlock()
		return !r3.crash
	})
	killed := map[string]int64{"r1": reps["r1"].ticks.Load(), "r2": reps["r2"].ticks.Load()}
	crashSeq := lastSeq()
	waitFor("r3's keys taken over", func() bool {
		grantMu.Lock()
		defer grantMu.Unlock()
		taken := 0
		for _, k := range keys["r3"] {
			for _, g := range grants {
				if g.key == k && g.replica != "r3" {
					taken++
					break
				}
			}
		}
		return taken == len(keys["r3"])
	})
	grantMu.Lock()
	for _, k := range keys["r3"] {
		for _, g := range grants {
			if g.key == k && g.replica != "r3" {
				ticks := g.tick - killed[g.replica]
				t.Logf("%s taken over by %s after %d of its ticks (lease TTL %d ticks)", k, g.replica, ticks, ttlTicks)
				if ticks > ttlTicks+1 {
					t.Errorf("%s taken over after %d ticks, want at most TTL + 1 interval = %d", k, ticks, ttlTicks+1)
				}
				break
			}
		}
	}
	grantMu.Unlock()
	waitFor("both survivors write again", func() bool { w := writers(crashSeq); return w["r1"] && w["r2"] })

	// Phase 3: r1 freezes inside a write (a GC pause, a partition) past
	// its leases; r2 takes them; the write then resumes with r1's old
	// fence and must be refused.
	r1 := reps["r1"]
	r1.mu.Lock()
	r1.freeze, r1.frozen = make(chan struct{}), make(chan struct{})
	release, frozen := r1.freeze, r1.frozen
	r1.mu.Unlock()
	select {
	case <-frozen:
	case <-time.After(20 * time.Second):
		t.Fatal("r1 never wrote")
	}
	// r2 takes every key: r1's own and any it took over from r3, which
	// its frozen write may be under.
	var all []string
	for _, ks := range keys {
		all = append(all, ks...)
	}
	waitFor("r2 takes every key", holds("r2", all))
	close(release)
	waitFor("r1's resumed write is fenced", func() bool {
		r1.mu.Lock()
		defer r1.mu.Unlock()
		return r1.fenced > 0
	})
	r2ticks := reps["r2"].ticks.Load()
	waitFor("three more ticks of r2", func() bool { return reps["r2"].ticks.Load() >= r2ticks+3 })
	stop()
	wg.Wait()

	// The checks, on the log of committed writes.
	type entry struct {
		seq                    int64
		writer, host, provider string
		version, actionSeq     int64
		owner                  *string
		epoch                  *int64
		live                   *bool
	}
	rows, err := pool.Query(context.Background(), "SELECT seq, writer, host, provider, version, action_seq, lease_owner, lease_epoch, lease_live FROM replica_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	var log []entry
	var e entry
	if _, err := pgx.ForEachRow(rows, []any{&e.seq, &e.writer, &e.host, &e.provider, &e.version, &e.actionSeq, &e.owner, &e.epoch, &e.live}, func() error {
		log = append(log, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	byHost := map[string][]entry{}
	epochOwner := map[string]string{} // key/epoch → the one writer
	lastEpoch := map[string]int64{}   // key → epoch of its latest write
	reconciled := 0
	for _, e := range log {
		byHost[e.host] = append(byHost[e.host], e)
		if e.writer == "seed" || e.writer == "user" {
			continue
		}
		reconciled++
		key := "reconcile/" + e.provider
		if e.owner == nil || *e.owner != e.writer || !*e.live {
			t.Errorf("%s wrote %s v%d without holding %s (lease: %v)", e.writer, e.host, e.version, key, e.owner)
			continue
		}
		ek := fmt.Sprint(key, "/", *e.epoch)
		if w, ok := epochOwner[ek]; ok && w != e.writer {
			t.Errorf("%s at epoch %d written by %s and %s", key, *e.epoch, w, e.writer)
		}
		epochOwner[ek] = e.writer
		if *e.epoch < lastEpoch[key] {
			t.Errorf("%s: a write at epoch %d after one at %d", key, *e.epoch, lastEpoch[key])
		}
		lastEpoch[key] = *e.epoch
	}
	userAt := map[string]bool{}
	for _, u := range userWrites {
		userAt[fmt.Sprint(u.id, "@", u.version)] = true
	}
	for _, id := range ids {
		es := byHost[id]
		final, err := seed.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var maxSeq int64
		for i, e := range es {
			if e.version != int64(i+1) {
				t.Fatalf("%s: logged versions %v are not every committed write once", id, es)
			}
			if i > 0 && e.actionSeq < es[i-1].actionSeq {
				t.Errorf("%s: v%d by %s has ActionSeq %d after %d: a user action was overwritten", id, e.version, e.writer, e.actionSeq, es[i-1].actionSeq)
			}
			if e.writer == "user" {
				maxSeq = max(maxSeq, e.actionSeq)
				if !userAt[fmt.Sprint(id, "@", e.version)] {
					t.Errorf("%s v%d: a user write that the user was not told of", id, e.version)
				}
			}
		}
		if final.Version != uint64(len(es)) || final.ActionSeq != uint64(maxSeq) {
			t.Errorf("%s: final v%d ActionSeq %d; logged %d writes, the user's last ActionSeq %d", id, final.Version, final.ActionSeq, len(es), maxSeq)
		}
	}
	r1.mu.Lock()
	t.Logf("%d committed writes: %d by reconcilers, %d user actions; r1's frozen tick had %d writes fenced; %d lease grants",
		len(log), reconciled, len(userWrites), r1.fenced, len(grants))
	r1.mu.Unlock()
	if len(userWrites) < 10 {
		t.Errorf("only %d user actions landed: the test exercised too little", len(userWrites))
	}
}
