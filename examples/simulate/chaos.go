package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// flaky wraps a simulated provider with the faults the simulated cloud does
// not model itself: stale reads (an eventually consistent API answering
// the state from before a change, for a window after it) and malformed
// listing pages. Its rates change with the chaos phases.
type flaky struct {
	provider.Provider
	lister provider.Lister
	clock  *clocktest.Clock
	window time.Duration

	mu        sync.Mutex
	rnd       *rand.Rand
	staleRate float64
	badPage   float64
	seen      map[string]*reads // instance → its recent answers
}

// reads is what the provider last answered for one VM, and what it
// answered before the last change.
type reads struct {
	last, prev provider.ListedVM
	changed    time.Time
}

// flakyLister is a flaky provider that lists, as its inner one does.
type flakyLister struct{ *flaky }

var (
	_ provider.Provider = (*flaky)(nil)
	_ provider.Lister   = flakyLister{}
)

// newFlaky wraps p; the result lists only if p does.
func newFlaky(p provider.Provider, clock *clocktest.Clock, window time.Duration, seed uint64) (*flaky, provider.Provider) {
	f := &flaky{Provider: p, clock: clock, window: window, rnd: rand.New(rand.NewPCG(seed, 11)), seen: map[string]*reads{}}
	if l, ok := p.(provider.Lister); ok {
		f.lister = l
		return f, flakyLister{f}
	}
	return f, f
}

// set changes the fault rates.
func (f *flaky) set(staleRate, badPage float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.staleRate, f.badPage = staleRate, badPage
}

// Scope implements provider.Lister.
func (f flakyLister) Scope(h provider.Host) string { return f.lister.Scope(h) }

// ListPage implements provider.Lister, with malformed pages and stale VM
// states.
func (f flakyLister) ListPage(ctx context.Context, scope, token string) (provider.ListPage, error) {
	f.mu.Lock()
	bad := f.rnd.Float64() < f.badPage
	f.mu.Unlock()
	if bad {
		return provider.ListPage{}, fmt.Errorf("%s: list %s: %w: page is not JSON", f.Name(), scope, provider.ErrBadResponse)
	}
	page, err := f.lister.ListPage(ctx, scope, token)
	if err != nil {
		return page, err
	}
	for i, vm := range page.VMs {
		page.VMs[i] = f.answer(vm)
	}
	return page, nil
}

// Probe implements provider.Provider, with stale VM states.
func (f *flaky) Probe(ctx context.Context, h provider.Host) (hoststate.Observation, error) {
	o, err := f.Provider.Probe(ctx, h)
	if err != nil || o.Unreachable {
		return o, err
	}
	vm := f.answer(provider.ListedVM{Instance: h.Instance, VM: o.VM, Raw: o.RawVM, Address: o.Address})
	o.VM, o.RawVM, o.Address = vm.VM, vm.Raw, vm.Address
	return o, nil
}

// answer returns the fresh answer, or — within the window after the VM's
// last change, at the stale rate — the one from before the change.
func (f *flaky) answer(fresh provider.ListedVM) provider.ListedVM {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	r := f.seen[fresh.Instance]
	if r == nil {
		f.seen[fresh.Instance] = &reads{last: fresh, prev: fresh}
		return fresh
	}
	if r.last.VM != fresh.VM {
		r.prev, r.changed = r.last, now
	}
	r.last = fresh
	if now.Sub(r.changed) < f.window && f.rnd.Float64() < f.staleRate {
		return r.prev
	}
	return fresh
}
