package fakes_test

import (
	"fmt"
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// BenchmarkListPage100k lists a scope of 100,000 gcp hosts, the size the
// reconciler benchmark runs through the fake; one op is the whole listing.
func BenchmarkListPage100k(b *testing.B) {
	c, clock := newCloud(b, 1)
	for i := range 100_000 {
		h := hostFor(fakes.GCP, fmt.Sprintf("vm-%06d", i))
		if err := c.AddHost(fakes.GCP, h, i%2 == 0); err != nil {
			b.Fatal(err)
		}
	}
	l := c.Provider(fakes.GCP).(provider.Lister)
	b.ReportAllocs()
	for b.Loop() {
		pages := listAll(b, l, "proj")
		if len(pages) != 2000 {
			b.Fatalf("%d pages", len(pages))
		}
		clock.Advance(1)
	}
}

// BenchmarkProbe measures one probe among 100,000 hosts.
func BenchmarkProbe(b *testing.B) {
	c, _ := newCloud(b, 1)
	var hosts []provider.Host
	for i := range 100_000 {
		hosts = append(hosts, addHost(b, c, fakes.Nebius, fmt.Sprintf("vm-%06d", i), true))
	}
	p := c.Provider(fakes.Nebius)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := p.Probe(ctx, hosts[i%len(hosts)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
