package reconcile_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

// BenchmarkRunOnce measures a full-sweep tick (every host listed, decided
// and written) on the simulated cloud without latency, and reports the
// cost per host and the in-memory store's memory per host.
func BenchmarkRunOnce(b *testing.B) {
	for _, n := range benchSizes() {
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

// benchSizes are the fleet sizes of the side-by-side benchmarks; 1M only
// without -short.
func benchSizes() []int {
	if testing.Short() {
		return []int{1_000, 10_000, 100_000}
	}
	return []int{1_000, 10_000, 100_000, 1_000_000}
}

// BenchmarkScanLimit is the floor a full sweep is measured against: a
// plain loop over the same in-memory records comparing four fields with
// the listing, nothing more.
func BenchmarkScanLimit(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			recs := make([]hoststate.Record, n)
			listed := make(map[string]provider.ListedVM, n)
			for i := range recs {
				id := fmt.Sprintf("gcp-%d", i)
				recs[i] = hoststate.Record{ID: id, Ref: provider.Host{Instance: id}, Status: hoststate.StatusRunning, Observed: hoststate.VMRunning, ProviderStatus: "RUNNING", Address: "10.0.0.1"}
				listed[id] = provider.ListedVM{Instance: id, VM: hoststate.VMRunning, Raw: "RUNNING", Address: "10.0.0.1"}
			}
			differ := 0
			b.ResetTimer()
			for b.Loop() {
				for i := range recs {
					r := &recs[i]
					vm := listed[r.Ref.Instance]
					if r.Observed != vm.VM || r.ProviderStatus != vm.Raw || r.Address != vm.Address || r.Unreachable != vm.Unreachable {
						differ++
					}
				}
			}
			b.StopTimer()
			if differ != 0 {
				b.Fatal(differ)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/host")
		})
	}
}

// settledFleet is a fleet of n hosts ticked until its flips are
// confirmed, with no full sweep to come and no limit that defers a host.
func settledFleet(b *testing.B, n int) *fleet {
	perKind := n / 5
	f := newFleet(b, 1, perKind, 500, reconcile.Config{FullSweepEvery: 1 << 30, MaxHostsPerProvider: perKind},
		func(c *kernel.Config) { c.Burst, c.RateLimit = 1_000_000, 1_000_000 })
	for range 5 {
		f.tick()
	}
	return f
}

// BenchmarkQuietTick measures a tick with everything settled and
// heartbeating: nothing is due, and the tick must select and probe
// nothing (it fails otherwise).
func BenchmarkQuietTick(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			f := settledFleet(b, n)
			ctx := context.Background()
			// Every running host's daemon reports in.
			for _, h := range f.hosts {
				if _, err := f.rec.Heartbeat(ctx, h.ID); err != nil {
					b.Fatal(err)
				}
			}
			if due, err := f.store.Due(ctx, f.clock.Now(), 0); err != nil || len(due) != 0 {
				b.Fatalf("%d hosts still due after settling (%v), e.g. %+v", len(due), err, due[:min(1, len(due))])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := f.rec.RunOnce(ctx)
				if err != nil || rep.Selected != 0 || rep.Probed != 0 || rep.ProviderCalls != 0 {
					b.Fatalf("a quiet tick selected %d, probed %d, called %d: %v", rep.Selected, rep.Probed, rep.ProviderCalls, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/host")
		})
	}
}

// BenchmarkFewDueTick is a tick of a settled fleet where one host per
// provider is due (its daemon never reported in): the tick selects and
// observes those five, so its cost — time and provider calls — stays
// flat as the fleet grows.
func BenchmarkFewDueTick(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			perKind := n / 5
			f := settledFleet(b, n)
			ctx := context.Background()
			silent := 0
			for i, h := range f.hosts {
				if i%perKind == 0 && f.get(h.ID).Status == hoststate.StatusRunning {
					silent++ // its daemon never reports: due every tick
					continue
				}
				if _, err := f.rec.Heartbeat(ctx, h.ID); err != nil {
					b.Fatal(err)
				}
			}
			calls := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := f.rec.RunOnce(ctx)
				if err != nil || rep.Selected != silent {
					b.Fatalf("selected %d, want the %d silent hosts: %v", rep.Selected, silent, err)
				}
				calls += rep.ProviderCalls
			}
			b.StopTimer()
			b.ReportMetric(float64(calls)/float64(b.N), "calls/tick")
		})
	}
}
