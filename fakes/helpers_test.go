package fakes_test

import (
	"context"
	"hash/fnv"
	"strconv"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// newCloud returns a cloud on a fresh clock at epoch.
func newCloud(t testing.TB, seed int64, opts ...fakes.Option) (*fakes.Cloud, *clocktest.Clock) {
	t.Helper()
	clock := clocktest.New(epoch)
	return fakes.NewCloud(clock, seed, opts...), clock
}

// hostFor returns a valid host of kind named name, as the kind's adapter
// validates it: a Hyperstack volume is a decimal id (derived from name), a
// Nebius host names its project, a self-host its connector.
func hostFor(kind, name string) provider.Host {
	switch kind {
	case fakes.GCP:
		return provider.Host{Project: "proj", Zone: "us-central1-a", Instance: name, Volume: name + "-data"}
	case fakes.Nebius:
		return provider.Host{Project: "proj", Instance: name, Volume: name + "-data"}
	case fakes.Hyperstack:
		return provider.Host{Region: "r1", Instance: name, Volume: volumeID(name)}
	case fakes.SelfHost:
		return provider.Host{Project: "conn-1", Instance: name}
	}
	return provider.Host{Region: "r1", Instance: name}
}

// volumeID derives a decimal volume id from a name.
func volumeID(name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	return strconv.FormatUint(h.Sum64()>>1|1, 10)
}

// lister returns kind's provider as a provider.Lister, or skips the test
// when the kind's adapter does not list.
func lister(t testing.TB, c *fakes.Cloud, kind string) provider.Lister {
	t.Helper()
	l, ok := c.Provider(kind).(provider.Lister)
	if !ok {
		t.Skipf("%s does not list", kind)
	}
	return l
}

// addHost adds a host and fails the test on error.
func addHost(t testing.TB, c *fakes.Cloud, kind, name string, running bool) provider.Host {
	t.Helper()
	h := hostFor(kind, name)
	if err := c.AddHost(kind, h, running); err != nil {
		t.Fatalf("AddHost(%s, %s): %v", kind, name, err)
	}
	return h
}

// probe probes h and fails the test on error.
func probe(t testing.TB, c *fakes.Cloud, kind string, h provider.Host) hoststate.Observation {
	t.Helper()
	obs, err := c.Provider(kind).Probe(context.Background(), h)
	if err != nil {
		t.Fatalf("Probe(%s %s): %v", kind, h.Instance, err)
	}
	return obs
}

// fataler is what listAll needs of a testing.T or rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// listAll walks every page of scope and returns the pages.
func listAll(t fataler, l provider.Lister, scope string) []provider.ListPage {
	t.Helper()
	var pages []provider.ListPage
	token := ""
	for {
		page, err := l.ListPage(context.Background(), scope, token)
		if err != nil {
			t.Fatalf("ListPage(%q, %q): %v", scope, token, err)
		}
		pages = append(pages, page)
		if page.Next == "" {
			return pages
		}
		if len(pages) > 1_000_000 {
			t.Fatalf("listing of %q does not end", scope)
		}
		token = page.Next
	}
}

// waitAsync starts op.Wait in a goroutine and waits until it blocks on the
// clock, so the test can advance time past the operation deterministically.
func waitAsync(t testing.TB, clock *clocktest.Clock, op provider.Operation, pending int) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op.Wait(context.Background()) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.WaitForTimers(ctx, pending); err != nil {
		t.Fatalf("the operation's Wait never blocked on the clock: %v", err)
	}
	return done
}
