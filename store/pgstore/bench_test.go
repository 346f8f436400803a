package pgstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// benchFleet is n hosts on the simulated cloud (no latency, page size
// 500), their records in a fresh pgstore, and a reconciler over both that
// holds the providers' leases as a replica does (fenced writes).
func benchFleet(b *testing.B, n int, cfg reconcile.Config) (*pgstore.Store, *pgxpool.Pool, *reconcile.Reconciler, *clocktest.Clock) {
	b.Helper()
	s, pool := newStore(b, pgstore.Config{})
	ctx := context.Background()
	clk := clocktest.New(time.Now().UTC().Truncate(time.Second))
	cloud := fakes.NewCloud(clk, 1, fakes.WithPageSize(500))
	perKind := n / len(fakes.Kinds())
	var provs []provider.Provider
	var ws []store.Write
	flush := func() {
		if _, err := s.UpdateBatch(ctx, ws); err != nil {
			b.Fatal(err)
		}
		ws = ws[:0]
	}
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
				b.Fatal(err)
			}
			ws = append(ws, store.Write{Record: hoststate.Record{ID: k + "/" + h.Instance, Provider: k, Ref: h}})
			if len(ws) == 1000 {
				flush()
			}
		}
	}
	if len(ws) > 0 {
		flush()
	}
	reg, err := kernel.New(kernel.Config{Providers: provs, RateLimit: 1e9, Burst: 1e9})
	if err != nil {
		b.Fatal(err)
	}
	cfg.Store, cfg.Clock, cfg.Registry, cfg.Owner = s, clk, reg, "bench"
	cfg.MaxHostsPerProvider = perKind
	cfg.Interval = time.Hour // the lease outlives a tick of 100k hosts
	r, err := reconcile.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := r.RunOnce(ctx); err != nil { // records now carry observations
		b.Fatal(err)
	}
	vacuum(b, pool)
	return s, pool, r, clk
}

// vacuum brings the tables to the steady state autovacuum keeps them in
// (dead row versions gone, statistics current), which a benchmark's burst
// of writes outruns.
func vacuum(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	if _, err := pool.Exec(context.Background(), "VACUUM ANALYZE driftless_hosts"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTick is one full-sweep reconcile tick over pgstore on the
// local server: every host listed (one List), observed through the
// simulated cloud, decided and written the reconciler's way: one fenced
// UpdateBatch per batch of changed decisions, nothing for the unchanged.
func BenchmarkTick(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			_, _, r, _ := benchFleet(b, n, reconcile.Config{FullSweepEvery: 1})
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				rep, err := r.RunOnce(ctx)
				if err != nil || rep.Probed != n || rep.Errors != 0 {
					b.Fatalf("probed %d of %d, %d errors: %v", rep.Probed, n, rep.Errors, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/host")
		})
	}
}

// BenchmarkQuietTick is a tick with nothing due: every host settled,
// running ones heard from, so the reconciler's one selection (Store.Due,
// an index range scan) returns nothing.
func BenchmarkQuietTick(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			s, pool, r, clk := benchFleet(b, n, reconcile.Config{FullSweepEvery: 1 << 30})
			ctx := context.Background()
			// Flips to off need confirmations.
			for range 3 {
				if _, err := r.RunOnce(ctx); err != nil {
					b.Fatal(err)
				}
			}
			// Heartbeats for the running hosts, so none is stale.
			var ws []store.Write
			for rec, err := range store.All(ctx, s, store.Filter{Statuses: []hoststate.Status{hoststate.StatusRunning}}, 1000) {
				if err != nil {
					b.Fatal(err)
				}
				if rec.Heartbeat(clk.Now(), hoststate.Policy{}) {
					ws = append(ws, store.Write{Record: rec})
				}
				if len(ws) == 1000 {
					if _, err := s.UpdateBatch(ctx, ws); err != nil {
						b.Fatal(err)
					}
					ws = ws[:0]
				}
			}
			if _, err := s.UpdateBatch(ctx, ws); err != nil {
				b.Fatal(err)
			}
			vacuum(b, pool)
			b.ResetTimer()
			for b.Loop() {
				rep, err := r.RunOnce(ctx)
				if err != nil || rep.Selected != 0 {
					b.Fatalf("a quiet tick selected %d hosts: %v", rep.Selected, err)
				}
			}
		})
	}
}

// BenchmarkUpdateBatch writes batches of 1000 records to a store of
// 10,000: each record a new observation (no status change), or each a
// status change (history rows and NOTIFYs too).
func BenchmarkUpdateBatch(b *testing.B) {
	const hosts, batch = 10_000, 1000
	for _, statusChange := range []bool{false, true} {
		b.Run(fmt.Sprintf("rows=%d/status-change=%v", batch, statusChange), func(b *testing.B) {
			s, pool := newStore(b, pgstore.Config{})
			ctx := context.Background()
			base := time.Now().UTC()
			recs := make([]hoststate.Record, hosts)
			ws := make([]store.Write, 0, batch)
			for i := range recs {
				recs[i] = hoststate.Record{ID: fmt.Sprintf("gcp/host-%05d", i), Provider: "gcp", Status: hoststate.StatusRunning,
					Ref:      hoststate.Ref{Project: "proj", Zone: "us-central1-a", Instance: fmt.Sprintf("host-%05d", i), Volume: fmt.Sprintf("vol-%05d", i)},
					Observed: hoststate.VMRunning, ProviderStatus: "RUNNING", Address: "198.51.100.7", ObservedAt: base}
			}
			write := func(from int) {
				ws = ws[:0]
				for i := from; i < from+batch; i++ {
					ws = append(ws, store.Write{Record: recs[i], Reason: "bench"})
				}
				res, err := s.UpdateBatch(ctx, ws)
				if err != nil || len(res.Written) != batch {
					b.Fatalf("%d written: %v", len(res.Written), err)
				}
				for j, rec := range res.Written {
					recs[from+j] = rec
				}
			}
			for i := 0; i < hosts; i += batch {
				write(i)
			}
			vacuum(b, pool)
			next := 0
			b.ResetTimer()
			for b.Loop() {
				for i := next; i < next+batch; i++ {
					recs[i].ObservedAt = recs[i].ObservedAt.Add(time.Minute)
					if statusChange {
						recs[i].Status = map[hoststate.Status]hoststate.Status{hoststate.StatusRunning: hoststate.StatusError, hoststate.StatusError: hoststate.StatusRunning}[recs[i].Status]
					}
				}
				write(next)
				next = (next + batch) % hosts
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/batch, "ns/row")
		})
	}
}

// BenchmarkUpdate is one compare-and-swap write of one host, fenced by a
// lease as a replica's writes are, for comparison with the batch.
func BenchmarkUpdate(b *testing.B) {
	s, _ := newStore(b, pgstore.Config{})
	ctx := context.Background()
	l, _, err := s.TryLease(ctx, "reconcile/gcp", "bench", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := s.Update(ctx, store.Write{Record: hoststate.Record{ID: "gcp/host-1", Provider: "gcp", Status: hoststate.StatusRunning}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rec.ObservedAt = rec.ObservedAt.Add(time.Minute)
		if rec, err = s.Update(ctx, store.Write{Record: rec, Fence: l.Fence()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList reads every record of a 100,000-host store: in one List,
// as the reconciler's full sweep does, and paged by id 1000 at a time
// (store.All), as a sweep that must not hold the fleet at once does.
func BenchmarkList(b *testing.B) {
	const hosts = 100_000
	s, pool := newStore(b, pgstore.Config{})
	ctx := context.Background()
	ws := make([]store.Write, 0, 1000)
	for i := range hosts {
		ws = append(ws, store.Write{Record: hoststate.Record{ID: fmt.Sprintf("gcp/host-%06d", i), Provider: "gcp", Status: hoststate.StatusRunning,
			Ref:      hoststate.Ref{Project: "proj", Zone: "us-central1-a", Instance: fmt.Sprintf("host-%06d", i), Volume: fmt.Sprintf("vol-%06d", i)},
			Observed: hoststate.VMRunning, ProviderStatus: "RUNNING", Address: "198.51.100.7", ObservedAt: time.Now()}})
		if len(ws) == cap(ws) {
			if _, err := s.UpdateBatch(ctx, ws); err != nil {
				b.Fatal(err)
			}
			ws = ws[:0]
		}
	}
	vacuum(b, pool)
	b.Run("one-list", func(b *testing.B) {
		for b.Loop() {
			if recs, err := s.List(ctx, store.Filter{}); err != nil || len(recs) != hosts {
				b.Fatalf("%d records: %v", len(recs), err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/hosts, "ns/host")
	})
	b.Run("pages=1000", func(b *testing.B) {
		for b.Loop() {
			n := 0
			for _, err := range store.All(ctx, s, store.Filter{}, 1000) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != hosts {
				b.Fatalf("%d records", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/hosts, "ns/host")
	})
}
