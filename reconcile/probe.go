package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// result pairs a host's record (in the tick's slice, decided in place)
// with what its probe saw.
type result struct {
	rec *hoststate.Record
	obs hoststate.Observation
}

// observations is what one provider's probing produced this tick.
type observations struct {
	results   []result
	deferred  []*hoststate.Record // not probed: rate limited
	calls     int
	transient error // the last rate-limit/5xx/timeout error, for backoff
	halted    bool  // a rate limit stopped the provider for the rest of the tick
}

// merge adds b's observations to o's. A rate limit is the transient error
// kept: its hint paces the backoff.
func (o *observations) merge(b observations) {
	o.results = append(o.results, b.results...)
	o.deferred = append(o.deferred, b.deferred...)
	o.calls += b.calls
	if b.transient != nil && (o.transient == nil || !errors.Is(o.transient, provider.ErrRateLimited)) {
		o.transient = b.transient
	}
	o.halted = o.halted || b.halted
}

// scratch holds one provider's buffers, reused from tick to tick so a
// sweep allocates nothing per host: the tick's hosts, the listing's maps
// (cleared per scope, their buckets kept), the results and decisions.
type scratch struct {
	hosts     []*hoststate.Record
	todo      []*hoststate.Record // the hosts probed one by one
	sent      []bool
	probes    []result            // probeEach's results
	toList    []*hoststate.Record // splitByCost's hosts to list
	toProbe   []*hoststate.Record // splitByCost's hosts to probe one by one
	dueIn     map[string]int      // due hosts per scope this tick
	dueScope  []string            // splitByCost's scope of each host
	pagesOf   map[string]int      // scope → pages its last complete listing took
	byScope   map[string][]int    // scope → indexes into hosts
	scopes    []string            // scopes in the order first met
	vms       map[listKey]provider.ListedVM
	vols      map[listKey]provider.ListedVolume
	results   []result
	changes   []hoststate.Change
	unchanged []bool
	held      []bool
	scopeOf   []int          // per result: its brake scope's index in tallies
	tallyOf   map[string]int // brake scope → index in tallies
	tallies   []scopeTally
	writes    []store.Write
	which     []int
}

// listKey is what a listed entry is found by: its zone (when the listing
// names zones) and its name.
type listKey struct{ zone, name string }

// list observes hosts with one paged listing per scope. A scope whose
// listing fails part-way yields failed observations for all its hosts —
// a partial listing must never read as "absent".
func (r *Reconciler) list(ctx context.Context, ps *providerState, hosts []*hoststate.Record, now time.Time) observations {
	sc := &ps.scratch
	clear(sc.results[:cap(sc.results)])
	out := observations{results: slices.Grow(sc.results[:0], len(hosts))}
	defer func() { sc.results = out.results }()
	if sc.byScope == nil {
		sc.byScope = make(map[string][]int)
		sc.vms = make(map[listKey]provider.ListedVM)
		sc.vols = make(map[listKey]provider.ListedVolume)
	}
	for s, idx := range sc.byScope {
		sc.byScope[s] = idx[:0]
	}
	scopes := sc.scopes[:0]
	lastScope, lastZone, lastProject, lastRegion := "", "", "", ""
	for i, h := range hosts {
		// Hosts of one zone come together: ask for the scope only when
		// the place changes.
		s := lastScope
		if i == 0 || h.Ref.Zone != lastZone || h.Ref.Project != lastProject || h.Ref.Region != lastRegion {
			s = ps.p.Scope(h.Ref)
			lastScope, lastZone, lastProject, lastRegion = s, h.Ref.Zone, h.Ref.Project, h.Ref.Region
		}
		idx, ok := sc.byScope[s]
		if !ok || len(idx) == 0 {
			scopes = append(scopes, s)
		}
		sc.byScope[s] = append(idx, i)
	}
	sc.scopes = scopes
	if len(sc.byScope) > 4*len(scopes)+16 {
		// Scopes that went away: forget them.
		for s, idx := range sc.byScope {
			if len(idx) == 0 {
				delete(sc.byScope, s)
			}
		}
	}
	caps := ps.p.Capabilities()
	name := ps.p.Name()
	halted := false // a rate limit stops the provider for the rest of the tick
	if sc.pagesOf == nil {
		sc.pagesOf = make(map[string]int)
	}
	for _, scope := range scopes {
		members := sc.byScope[scope]
		if halted {
			for _, i := range members {
				out.deferred = append(out.deferred, hosts[i])
			}
			continue
		}
		vms, vols := sc.vms, sc.vols
		clear(vms)
		clear(vols)
		zoned := false // the listing names zones: hosts match by zone and name
		token := ""
		var failed error
		limited := false
		pages := 0
		for {
			if !ps.p.Allow(now) {
				limited = true
				break
			}
			out.calls++
			pages++
			r.cfg.Metrics.ProviderCall(name, "ListPage")
			page, err := ps.p.ListPage(ctx, scope, token)
			if err != nil {
				failed = err
				break
			}
			for _, vm := range page.VMs {
				vms[listKey{vm.Zone, vm.Instance}] = vm
				zoned = zoned || vm.Zone != ""
			}
			for _, v := range page.Volumes {
				vols[listKey{v.Zone, v.Volume}] = v
				zoned = zoned || v.Zone != ""
			}
			if page.Next == "" {
				break
			}
			if page.Next == token {
				failed = fmt.Errorf("%w: %s listing repeated page token", provider.ErrBadResponse, name)
				break
			}
			token = page.Next
		}
		switch {
		case limited:
			for _, i := range members {
				out.deferred = append(out.deferred, hosts[i])
			}
			continue
		case failed != nil:
			if provider.Transient(failed) {
				out.transient = failed
			}
			halted = errors.Is(failed, provider.ErrRateLimited)
			for _, i := range members {
				out.results = append(out.results, result{hosts[i], hoststate.Observation{Err: failed}})
			}
			continue
		}
		for _, i := range members {
			o := fromListing(hosts[i].Ref, caps, zoned, vms, vols)
			if vanished(*hosts[i], o, caps) {
				// Absence from a listing is weak evidence (a listing may
				// silently omit entries): only the provider's own answer
				// about this host decides that it is gone.
				if halted || !ps.p.Allow(now) {
					out.deferred = append(out.deferred, hosts[i])
					continue
				}
				out.calls++
				r.cfg.Metrics.ProviderCall(name, "Probe")
				var err error
				if o, err = probe(ctx, ps.p, hosts[i].ID, hosts[i].Ref); err != nil {
					o = hoststate.Observation{Err: err}
					// As any probe's: a transient failure backs the
					// provider off, a rate limit stops it for the tick.
					if provider.Transient(err) {
						out.transient = err
					}
					halted = halted || errors.Is(err, provider.ErrRateLimited)
				}
			}
			out.results = append(out.results, result{hosts[i], o})
		}
		sc.pagesOf[scope] = pages
	}
	out.halted = halted
	clear(sc.vms) // keep no listing alive until the next tick
	clear(sc.vols)
	return out
}

// vanished reports whether a listing's observation rests on what the
// listing left out, so it is worth the provider's own answer first: a VM
// or data volume missing that the record last saw, or, for a host never
// observed, any missing one. An absence recorded unverified at a host's
// first look would never be questioned again (later omissions agree with
// it): a listing that left out an adopted host's VM twice made it off, one
// that left out its volume made it "data volume missing" once stopped.
func vanished(rec hoststate.Record, o hoststate.Observation, caps provider.Capabilities) bool {
	vm := o.VM == hoststate.VMAbsent
	vol := caps.SeparateVolume && o.Volume == hoststate.VolumeAbsent
	if rec.ObservedAt.IsZero() {
		return vm || vol
	}
	return (vm && rec.Observed != hoststate.VMAbsent) || (vol && rec.ObservedVolume != hoststate.VolumeAbsent)
}

// fromListing builds a host's observation from a complete listing, matched
// by zone and name when the listing is zoned (its entries name their
// zones), else by name: a VM not listed is absent; a volume not listed is
// absent; a provider without a separate volume reports it absent; a host
// with no volume id cannot tell.
func fromListing(ref provider.Host, caps provider.Capabilities, zoned bool, vms map[listKey]provider.ListedVM, vols map[listKey]provider.ListedVolume) hoststate.Observation {
	o := hoststate.Observation{VM: hoststate.VMAbsent}
	zone := ""
	if zoned {
		zone = ref.Zone
	}
	if vm, ok := vms[listKey{zone, ref.Instance}]; ok {
		o.VM, o.RawVM, o.Address, o.Unreachable, o.VMID = vm.VM, vm.Raw, vm.Address, vm.Unreachable, vm.VMID
	}
	switch {
	case !caps.SeparateVolume:
		o.Volume = hoststate.VolumeNone
	case ref.Volume == "":
		o.Volume = hoststate.VolumeUnknown
	default:
		o.Volume = hoststate.VolumeAbsent
		if v, ok := vols[listKey{zone, ref.Volume}]; ok {
			o.Volume, o.RawVolume = v.State, v.Raw
		}
	}
	return o
}

// forgetScopesNotListed drops the page counts of scopes the tick's
// listing did not cover: on a full sweep, which lists every scope of the
// provider, those have no hosts left.
func (sc *scratch) forgetScopesNotListed() {
	for s := range sc.pagesOf {
		if len(sc.byScope[s]) == 0 {
			delete(sc.pagesOf, s)
		}
	}
}

// splitByCost splits a tick's hosts of a listing provider into those to
// list and those to probe one by one: the hosts of a scope with fewer due
// hosts than the pages its last complete listing took are probed (fewer
// calls, each a direct answer); the others are listed, which observes
// their scope mates too at no more calls. A scope never listed is listed,
// to learn its size. Calls are counted as the provider's token bucket
// counts them, one per probe and one per page, whatever number of HTTP
// requests an adapter's probe makes.
func (ps *providerState) splitByCost(hosts []*hoststate.Record) (toList, toProbe []*hoststate.Record) {
	sc := &ps.scratch
	if sc.dueIn == nil {
		sc.dueIn = make(map[string]int)
	}
	clear(sc.dueIn)
	scopes := grow(sc.dueScope, len(hosts))
	for i, h := range hosts {
		scopes[i] = ps.p.Scope(h.Ref)
		sc.dueIn[scopes[i]]++
	}
	toList, toProbe = sc.toList[:0], sc.toProbe[:0]
	for i, h := range hosts {
		s := scopes[i]
		if pages, ok := sc.pagesOf[s]; ok && sc.dueIn[s] < pages {
			toProbe = append(toProbe, h)
		} else {
			toList = append(toList, h)
		}
	}
	sc.toList, sc.toProbe, sc.dueScope = toList, toProbe, scopes
	return toList, toProbe
}

// probeEach probes hosts one call each, on at most Concurrency workers.
func (r *Reconciler) probeEach(ctx context.Context, ps *providerState, hosts []*hoststate.Record, now time.Time) observations {
	var out observations
	name := ps.p.Name()
	sc := &ps.scratch
	todo := sc.todo[:0]
	for _, h := range hosts {
		if ps.p.Allow(now) {
			todo = append(todo, h)
		} else {
			out.deferred = append(out.deferred, h)
		}
	}
	results := grow(sc.probes, len(todo))
	sent := grow(sc.sent, len(todo))
	var (
		halted atomic.Bool  // a rate limit stops the provider for the rest of the tick
		next   atomic.Int64 // the next host a worker takes
		wg     sync.WaitGroup
	)
	for range min(r.cfg.Concurrency, len(todo)) {
		wg.Go(func() {
			for !halted.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(todo) {
					return
				}
				sent[i] = true
				o, err := probe(ctx, ps.p, todo[i].ID, todo[i].Ref)
				if err != nil {
					o = hoststate.Observation{Err: err}
					if errors.Is(err, provider.ErrRateLimited) {
						halted.Store(true)
					}
				}
				results[i] = result{todo[i], o}
			}
		})
	}
	wg.Wait()
	out.halted = halted.Load()
	out.results = results[:0]
	for i, res := range results {
		if !sent[i] {
			out.deferred = append(out.deferred, todo[i])
			continue
		}
		out.calls++
		r.cfg.Metrics.ProviderCall(name, "Probe")
		if res.obs.Err != nil && provider.Transient(res.obs.Err) {
			out.transient = res.obs.Err
		}
		out.results = append(out.results, res)
	}
	clear(todo)
	sc.probes, sc.todo, sc.sent = results, todo[:0], sent
	return out
}

// probe observes host id at h; an observation that carries its own error
// counts as a failed probe. ctx names the host (provider.WithHostID) for
// adapters that keep state per host in the store.
func probe(ctx context.Context, p *kernel.Provider, id string, h provider.Host) (hoststate.Observation, error) {
	o, err := p.Probe(provider.WithHostID(ctx, id), h)
	if err == nil && o.Err != nil {
		err = o.Err
	}
	return o, err
}
