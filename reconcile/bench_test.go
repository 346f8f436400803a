package reconcile_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// BenchmarkRunOnce measures a full-sweep tick (every host listed, decided
// and written) on the simulated cloud without latency, and reports the
// cost per host and the in-memory store's memory per host.
func BenchmarkRunOnce(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			perKind := n / 5
			f := newFleet(b, 1, perKind, 500, reconcile.Config{
				FullSweepEvery: 1, MaxHostsPerProvider: perKind,
			}, func(c *kernel.Config) { c.Burst, c.RateLimit = 1_000_000, 1_000_000 })
			f.tick() // records now carry observations, as in production
			storeBytes := storeFootprint(f)
			ctx := context.Background()
			if _, err := f.rec.RunOnce(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := f.rec.RunOnce(ctx)
				if err != nil || rep.Probed != n {
					b.Fatalf("probed %d of %d: %v", rep.Probed, n, err)
				}
			}
			b.StopTimer()
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
			b.ReportMetric(per, "ns/host")
			b.ReportMetric(float64(storeBytes)/float64(n), "store-B/host")
		})
	}
}

// storeFootprint measures the heap a MemStore holding the fleet's records
// takes: records, their own copies of every string, map and index.
func storeFootprint(f *fleet) uint64 {
	recs, _ := f.store.List(context.Background(), store.Filter{})
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	s := store.NewMemStore(store.MemConfig{})
	for _, r := range recs {
		r.Version = 0
		r.ID, r.Provider, r.ProviderStatus, r.ProviderVolumeStatus, r.Address = strings.Clone(r.ID), strings.Clone(r.Provider), strings.Clone(r.ProviderStatus), strings.Clone(r.ProviderVolumeStatus), strings.Clone(r.Address)
		r.Ref.Project, r.Ref.Zone, r.Ref.Region, r.Ref.Instance, r.Ref.Volume = strings.Clone(r.Ref.Project), strings.Clone(r.Ref.Zone), strings.Clone(r.Ref.Region), strings.Clone(r.Ref.Instance), strings.Clone(r.Ref.Volume)
		_, _ = s.Update(context.Background(), store.Write{Record: r})
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(recs)
	runtime.KeepAlive(s)
	return m1.HeapAlloc - m0.HeapAlloc
}
