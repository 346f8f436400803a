package reconcile

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
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
	deferred  []hoststate.Record // not probed: rate limited
	calls     int
	transient error // the last rate-limit/5xx/timeout error, for backoff
}

// list observes hosts with one paged listing per scope. A scope whose
// listing fails part-way yields failed observations for all its hosts —
// a partial listing must never read as "absent".
func (r *Reconciler) list(ctx context.Context, ps *providerState, hosts []hoststate.Record, now time.Time) observations {
	out := observations{results: make([]result, 0, len(hosts))}
	byScope := make(map[string][]int) // scope → indexes into hosts
	var scopes []string
	for i := range hosts {
		s := ps.p.Scope(hosts[i].Ref)
		if _, ok := byScope[s]; !ok {
			scopes = append(scopes, s)
		}
		byScope[s] = append(byScope[s], i)
	}
	caps := ps.p.Capabilities()
	name := ps.p.Name()
	halted := false // a rate limit stops the provider for the rest of the tick
	for _, scope := range scopes {
		members := byScope[scope]
		if halted {
			for _, i := range members {
				out.deferred = append(out.deferred, hosts[i])
			}
			continue
		}
		vms := make(map[string]provider.ListedVM, len(members))
		vols := make(map[string]provider.ListedVolume, len(members))
		token := ""
		var failed error
		limited := false
		for {
			if !ps.p.Allow(now) {
				limited = true
				break
			}
			out.calls++
			r.cfg.Metrics.ProviderCall(name, "ListPage")
			page, err := ps.p.ListPage(ctx, scope, token)
			if err != nil {
				failed = err
				break
			}
			for _, vm := range page.VMs {
				vms[vm.Instance] = vm
			}
			for _, v := range page.Volumes {
				vols[v.Volume] = v
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
				out.results = append(out.results, result{&hosts[i], hoststate.Observation{Err: failed}})
			}
			continue
		}
		for _, i := range members {
			o := fromListing(hosts[i].Ref, caps, vms, vols)
			if vanished(hosts[i], o, caps) {
				// Absence from a listing is weak evidence (a listing may
				// silently omit entries): only the provider's own answer
				// about this host decides that it is gone.
				if !ps.p.Allow(now) {
					out.deferred = append(out.deferred, hosts[i])
					continue
				}
				out.calls++
				r.cfg.Metrics.ProviderCall(name, "Probe")
				var err error
				if o, err = probe(ctx, ps.p, hosts[i].ID, hosts[i].Ref); err != nil {
					o = hoststate.Observation{Err: err}
				}
			}
			out.results = append(out.results, result{&hosts[i], o})
		}
	}
	return out
}

// vanished reports whether a listing's observation says a VM or data
// volume is gone that the record last saw: worth the provider's own
// answer. For a host never observed, only a listed VM without its listed
// volume is (a first sight of a missing VM is no news).
func vanished(rec hoststate.Record, o hoststate.Observation, caps provider.Capabilities) bool {
	seen := !rec.ObservedAt.IsZero()
	vm := seen && o.VM == hoststate.VMAbsent && rec.Observed != hoststate.VMAbsent
	vol := caps.SeparateVolume && o.Volume == hoststate.VolumeAbsent && rec.ObservedVolume != hoststate.VolumeAbsent &&
		(seen || o.VM != hoststate.VMAbsent)
	return vm || vol
}

// fromListing builds a host's observation from a complete listing: a VM not
// listed is absent; a volume not listed is absent; a provider without a
// separate volume reports it absent; a host with no volume id cannot tell.
func fromListing(ref provider.Host, caps provider.Capabilities, vms map[string]provider.ListedVM, vols map[string]provider.ListedVolume) hoststate.Observation {
	o := hoststate.Observation{VM: hoststate.VMAbsent}
	if vm, ok := vms[ref.Instance]; ok {
		o.VM, o.RawVM, o.Address, o.Unreachable, o.VMID = vm.VM, vm.Raw, vm.Address, vm.Unreachable, vm.VMID
	}
	switch {
	case !caps.SeparateVolume:
		o.Volume = hoststate.VolumeNone
	case ref.Volume == "":
		o.Volume = hoststate.VolumeUnknown
	default:
		o.Volume = hoststate.VolumeAbsent
		if v, ok := vols[ref.Volume]; ok {
			o.Volume, o.RawVolume = v.State, v.Raw
		}
	}
	return o
}

// probeEach probes hosts one call each, at most Concurrency at a time.
func (r *Reconciler) probeEach(ctx context.Context, ps *providerState, hosts []hoststate.Record, now time.Time) observations {
	var out observations
	name := ps.p.Name()
	todo := make([]*hoststate.Record, 0, len(hosts))
	for i := range hosts {
		if ps.p.Allow(now) {
			todo = append(todo, &hosts[i])
		} else {
			out.deferred = append(out.deferred, hosts[i])
		}
	}
	results := make([]result, len(todo))
	sent := make([]bool, len(todo))
	var halted atomic.Bool // a rate limit stops the provider for the rest of the tick
	sem := make(chan struct{}, r.cfg.Concurrency)
	var wg sync.WaitGroup
	for i, rec := range todo {
		sem <- struct{}{}
		if halted.Load() {
			<-sem
			break
		}
		r.cfg.Metrics.ProviderCall(name, "Probe")
		sent[i] = true
		out.calls++
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			o, err := probe(ctx, ps.p, rec.ID, rec.Ref)
			if err != nil {
				o = hoststate.Observation{Err: err}
				if errors.Is(err, provider.ErrRateLimited) {
					halted.Store(true)
				}
			}
			results[i] = result{rec, o}
		}()
	}
	wg.Wait()
	out.results = results[:0]
	for i, res := range results {
		if !sent[i] {
			out.deferred = append(out.deferred, *todo[i])
			continue
		}
		if res.obs.Err != nil && provider.Transient(res.obs.Err) {
			out.transient = res.obs.Err
		}
		out.results = append(out.results, res)
	}
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
