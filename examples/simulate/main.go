// Command simulate runs a fleet on the simulated cloud (package fakes) with
// faults, console drift and random user actions over a simulated day on the
// fake clock, reconciled by package reconcile, and prints how true the
// stored statuses stayed.
//
//	go run ./examples/simulate [-hosts 200] [-seed 1] [-fault-rate 0.05] [-duration 24h]
//
// Summary lines:
//
//	false flips: N            statuses written that no settled ground truth of the provider's
//	                          consistency window supports (must be 0; the window is 0 but for -chaos)
//	converge p50/p95/max: …   simulated time from a provider change to the right stored status
//	provider calls per host-hour: …
//	drift repaired: N         changes made because the provider drifted from the record
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/driftless/driftless/examples/internal/cli"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

func main() {
	f, code, ok := parseFlags(os.Args[1:], os.Stdout, os.Stderr)
	if !ok {
		os.Exit(code)
	}
	if err := run(os.Stdout, os.Stderr, f); err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}

// flags are the command-line settings run takes.
type flags struct {
	hosts       int
	seed        int64
	faultRate   float64
	duration    time.Duration
	unconverged bool
	chaos       bool
}

// parseFlags parses args; it reports false, with the exit status, if the
// command must not go on. -h, -help and --help print the usage to stdout
// (status 0); a bad flag prints the problem and the usage to stderr
// (status 2).
func parseFlags(args []string, stdout, stderr io.Writer) (flags, int, bool) {
	var f flags
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.IntVar(&f.hosts, "hosts", 200, "hosts in the fleet, spread over the five providers")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the cloud's faults and the user's actions")
	fs.Float64Var(&f.faultRate, "fault-rate", 0.05, "API error/timeout/429 rate per call while faults are on")
	fs.DurationVar(&f.duration, "duration", 24*time.Hour, "simulated time to run")
	fs.BoolVar(&f.unconverged, "list-unconverged", false, "list the hosts whose status had not caught up at the end")
	fs.BoolVar(&f.chaos, "chaos", false, "every fault class at once (5xx and 403/429 storms, partial and malformed listings,\nstale reads, preemption, console drift, connector loss, crashes mid-action, a replica failover),\nthen a fault-free last quarter")
	if err := command().Parse(fs, args, stdout); err != nil {
		return flags{}, cli.ExitStatus("simulate", err, stderr), false
	}
	return f, 0, true
}

// sample is how finely the simulation watches the ground truth; the
// self-host connectors report as often.
const sample = 10 * time.Second

// After replica-a dies, the connectors need reconnectGap to find
// replica-b, which judges none of them offline for connectorGrace from
// its takeover (selfhost.Config.Grace).
const (
	reconnectGap   = 2 * time.Minute
	connectorGrace = 3 * time.Minute
)

func run(out, progress io.Writer, f flags) error {
	if f.hosts < 5 || f.duration <= 0 || f.faultRate < 0 || f.faultRate > 1 {
		return fmt.Errorf("need -hosts ≥ 5, -duration > 0 and 0 ≤ -fault-rate ≤ 1")
	}
	ctx := context.Background()
	start := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, f.seed)
	st := store.NewMemStore(store.MemConfig{Now: clock.Now})
	rnd := rand.New(rand.NewPCG(uint64(f.seed), 7))
	const (
		interval    = 2 * time.Minute
		staleWindow = 3 * time.Minute
	)

	kinds := fakes.Kinds()
	var flakies []*flaky
	var provs []provider.Provider // every kind but self-hosts, which each replica has its own of
	windows := map[string]time.Duration{}
	// Self-hosts run the real adapter: connectors report (through the
	// emulator) to the replica they talk to, which keeps the reports in
	// the store, where every replica's adapter reads them.
	connectors := emulators.NewSelfHost(cloud)
	for _, k := range kinds {
		if k == fakes.SelfHost {
			continue
		}
		p := cloud.Provider(k)
		if f.chaos {
			var fl *flaky
			fl, p = newFlaky(p, clock, staleWindow, uint64(f.seed))
			flakies = append(flakies, fl)
			windows[k] = staleWindow
		}
		provs = append(provs, p)
	}
	var recs []hoststate.Record
	for i := range f.hosts {
		k := kinds[i%len(kinds)]
		zone, region := "us-central1-a", "region-1"
		if f.chaos { // several zones, so the guardrails count per zone
			zone, region = fmt.Sprintf("us-central1-%c", 'a'+i/len(kinds)%4), fmt.Sprintf("region-%d", 1+i/len(kinds)%4)
		}
		h := provider.Host{Project: "proj", Zone: zone, Region: region, Instance: fmt.Sprintf("%s-%d", k, i), Volume: fmt.Sprintf("vol-%d", i)}
		switch k {
		case fakes.Lambda:
			h.Volume = ""
		case fakes.Hyperstack:
			h.Volume = fmt.Sprint(1000 + i) // a Hyperstack volume is a decimal id
		case fakes.SelfHost:
			h.Project = fmt.Sprintf("connector-%d", i) // one machine, one connector, each
		}
		add := func(h provider.Host, running bool) error { return cloud.AddHost(k, h, running) }
		if k == fakes.SelfHost {
			add = connectors.AddHost
		}
		if err := add(h, rnd.IntN(2) == 0); err != nil {
			return err
		}
		rec, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: h.Instance, Provider: k, Ref: h}})
		if err != nil {
			return err
		}
		recs = append(recs, rec)
	}
	// Two replicas share the store, each leasing providers on the store's
	// clock; in chaos mode one of them dies mid-run.
	var (
		replicas  []*reconcile.Reconciler
		selfhosts []*selfhost.Provider // each replica's
	)
	for i, owner := range []string{"replica-a", "replica-b"} {
		if !f.chaos && i > 0 {
			break
		}
		sh, err := selfhost.New(selfhost.Config{Connector: connectors.Connector(), Reports: st, Now: clock.Now, Grace: connectorGrace})
		if err != nil {
			return err
		}
		selfhosts = append(selfhosts, sh)
		reg, err := kernel.New(kernel.Config{Providers: append(slices.Clone(provs), sh), Seed: uint64(f.seed) + uint64(i), ConsistencyWindow: windows})
		if err != nil {
			return err
		}
		cfg := reconcile.Config{Store: st, Clock: clock, Registry: reg, Interval: interval, Seed: uint64(f.seed) + uint64(i)}
		if f.chaos {
			cfg.Owner = owner
		}
		r, err := reconcile.New(cfg)
		if err != nil {
			return err
		}
		replicas = append(replicas, r)
	}
	policy := hoststate.DefaultPolicy()
	policy.ConsistencyWindow = windows[fakes.GCP]
	// Once faults stop and nothing is in flight, a host converges within
	// the hold windows plus Confirmations+1 jittered intervals, plus one
	// interval for a half-open probe to end a backoff.
	jittered := interval + interval/10 // Jitter 0.1
	bound := max(policy.Grace, policy.ConsistencyWindow) + time.Duration(policy.Confirmations+2)*jittered

	var (
		falseFlips, drift int
		lags              []time.Duration
		changedAt         = map[string]time.Time{} // host → since when its stored status should follow the truth
		lastTruth         = map[string]hoststate.Status{}
		truthAt           = map[string]map[hoststate.Status]time.Time{} // host → settled status → last seen
		// faulty: a fault spell is on. Convergence is measured from the
		// moment faults stop, or from the change when none was active: a
		// host that catches up while faults are still on is not measured.
		faulty bool
	)
	watch := func() {
		now := clock.Now()
		for _, r := range recs {
			cur, _ := st.Get(ctx, r.ID)
			want, settled := truthStatus(cloud.Truth(r.Provider, r.Ref), cur)
			if !settled {
				continue
			}
			if truthAt[r.ID] == nil {
				truthAt[r.ID] = map[hoststate.Status]time.Time{}
			}
			truthAt[r.ID][want] = now
			if prev, ok := lastTruth[r.ID]; !ok || prev != want {
				lastTruth[r.ID] = want
				changedAt[r.ID] = now
			}
			if t, pending := changedAt[r.ID]; pending {
				if cur.Status == want {
					if !faulty {
						lags = append(lags, now.Sub(t))
					}
					delete(changedAt, r.ID)
				}
			}
		}
	}
	// faultsOff ends a fault spell at now: convergence of what changed
	// during it is measured from now.
	faultsOff := func(now time.Time) {
		faulty = false
		for id, t := range changedAt {
			changedAt[id] = later(t, now)
		}
	}

	end := start.Add(f.duration)
	tail := end.Add(-f.duration / 4) // chaos: the last quarter is fault-free
	killAt := start.Add(f.duration * 2 / 5)
	nextTick := start
	faultsOn, calm, resumed := false, false, false
	hostID := func(h provider.Host) string { return h.Instance } // the records' ids
	var err error
	for clock.Now().Before(end) {
		now := clock.Now()
		switch {
		case f.chaos && !now.Before(tail):
			if !calm {
				calm = true
				_ = cloud.SetFaults("", fakes.Faults{})
				for _, fl := range flakies {
					fl.set(0, 0)
				}
				for _, r := range recs {
					_ = cloud.SetConnectorOnline(r.Ref, true)
				}
				faultsOff(now)
			}
		case f.chaos:
			faulty = true
			chaosPhase(now.Sub(start), cloud, flakies, f.faultRate)
		case rnd.Float64() < 0.002:
			// Faults come and go in spells.
			faultsOn = !faultsOn
			fs := fakes.Faults{}
			if faultsOn {
				faulty = true
				fs = fakes.Faults{ErrorRate: f.faultRate, TimeoutRate: f.faultRate / 2, RateLimitRate: f.faultRate / 2, RateLimitBurst: 3, CreateLag: 20 * time.Second, DeleteLag: 20 * time.Second}
			} else {
				faultsOff(now)
			}
			_ = cloud.SetFaults("", fs)
		}
		// Drift now and then, until the fault-free tail.
		if !calm && rnd.Float64() < 0.02 {
			h := recs[rnd.IntN(len(recs))]
			switch rnd.IntN(4) {
			case 0:
				_ = cloud.ConsoleStop(h.Provider, h.Ref)
			case 1:
				_ = cloud.ConsoleStart(h.Provider, h.Ref)
			case 2:
				_ = cloud.Preempt(h.Provider, h.Ref)
			case 3:
				_ = cloud.SetConnectorOnline(h.Ref, rnd.IntN(3) != 0)
			}
		}
		// Users act throughout; only during chaos do some control-plane
		// requests crash between the write and the call.
		if rnd.Float64() < 0.05 {
			crash := f.chaos && !calm && rnd.IntN(5) == 0
			userAction(ctx, st, cloud, recs[rnd.IntN(len(recs))].ID, hoststate.Actions()[rnd.IntN(len(hoststate.Actions()))], now, crash)
		}
		if !now.Before(nextTick) {
			for i, r := range replicas {
				if i == 0 && f.chaos && !now.Before(killAt) {
					continue // replica-a died: its leases expire, replica-b takes over
				}
				rep, err := r.RunOnce(ctx)
				if err != nil {
					return err
				}
				for _, c := range rep.Changes {
					if c.Reason == hoststate.ReasonDrift {
						drift++
					}
					r, _ := st.Get(ctx, c.ID)
					want, settled := truthStatus(cloud.Truth(c.Provider, r.Ref), r)
					// A status the provider's ground truth held within its
					// consistency window is lag, not a false flip; so is one a
					// self-host connector reported within its TTL.
					lag := windows[c.Provider]
					if c.Provider == fakes.SelfHost {
						lag = max(lag, selfhost.DefaultTTL)
					}
					recent := now.Sub(truthAt[c.ID][c.To]) <= lag+sample
					if settled && !c.To.Transitional() && c.To != want && !recent {
						falseFlips++
					}
				}
			}
			nextTick = now.Add(interval)
			if elapsed := now.Sub(start); elapsed%time.Hour < interval {
				fmt.Fprintf(progress, "\rsimulated %5.1fh of %.0fh, %d changes so far", elapsed.Hours(), f.duration.Hours(), len(lags))
			}
		}
		// The connectors report to the replica they talk to: replica-a, and
		// once it died, after they took reconnectGap to find it, replica-b,
		// which gives them a grace period from its takeover.
		switch {
		case !f.chaos || now.Before(killAt):
			err = connectors.Deliver(ctx, selfhosts[0], hostID)
		case !now.Before(killAt.Add(reconnectGap)):
			err = connectors.Deliver(ctx, selfhosts[1], hostID)
		}
		if err != nil {
			return err
		}
		if f.chaos && !resumed && !now.Before(killAt) {
			selfhosts[1].Resume()
			resumed = true
		}
		clock.Advance(sample)
		watch()
	}
	fmt.Fprintln(progress)

	calls := cloud.Calls("").Total()
	slices.Sort(lags)
	fmt.Fprintf(out, "hosts: %d  simulated: %s  seed: %d\n", f.hosts, f.duration, f.seed)
	fmt.Fprintf(out, "false flips: %d\n", falseFlips)
	fmt.Fprintf(out, "converge p50/p95/max: %s / %s / %s (%d changes measured)\n", pct(lags, 50), pct(lags, 95), pct(lags, 100), len(lags))
	fmt.Fprintf(out, "convergence bound: %s\n", bound)
	fmt.Fprintf(out, "provider calls per host-hour: %.2f\n", float64(calls)/float64(f.hosts)/f.duration.Hours())
	fmt.Fprintf(out, "drift repaired: %d\n", drift)
	fmt.Fprintf(out, "not yet converged at the end: %d\n", len(changedAt))
	if f.unconverged {
		for id := range changedAt {
			r, _ := st.Get(ctx, id)
			fmt.Fprintln(out, id, r.Status, r.ProviderStatus, r.ProviderVolumeStatus, lastTruth[id], r.LastAction, r.Pending, r.PendingCount)
		}
	}
	return nil
}

// chaosPhase sets the fault classes of the chaos run's phase at elapsed:
// each 20-minute phase turns on a different storm, over a base of every
// fault at rate.
func chaosPhase(elapsed time.Duration, cloud *fakes.Cloud, flakies []*flaky, rate float64) {
	base := fakes.Faults{ErrorRate: rate, TimeoutRate: rate / 2, RateLimitRate: rate / 2, RateLimitBurst: 3, RetryAfter: 30 * time.Second,
		PartialListRate: rate, CreateLag: 20 * time.Second, DeleteLag: 20 * time.Second, PreemptRate: rate / 10}
	stale, bad := 0.3, rate
	switch int(elapsed/(20*time.Minute)) % 5 {
	case 0: // 5xx storm
		base.ErrorRate = 0.7
	case 1: // 403/429 storm
		base.RateLimitRate, base.RateLimitBurst, base.RetryAfter = 0.6, 10, time.Minute
	case 2: // partial and malformed listings
		base.PartialListRate, bad = 0.4, 0.4
	case 3: // stale reads
		stale = 0.8
	}
	_ = cloud.SetFaults("", base)
	for _, fl := range flakies {
		fl.set(stale, bad)
	}
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// truthStatus is the status the ground truth implies for rec, if it has
// settled: a running VM counts once it has its address, and a user's
// deprovision whose VM is gone but whose data volume is left is unfinished
// (error), not off.
func truthStatus(tr fakes.Truth, rec hoststate.Record) (hoststate.Status, bool) {
	s, ok := tr.Status()
	if s == hoststate.StatusOff && !tr.VMExists && rec.LastAction == hoststate.ActionDeprovision &&
		(rec.Status == hoststate.StatusDeprovisioning || rec.Status == hoststate.StatusError) {
		return hoststate.StatusError, ok
	}
	if s == hoststate.StatusRunning && tr.ConnectorOnline {
		return s, ok && tr.Address != ""
	}
	return s, ok
}

// userAction is a control plane acting for a user: write the transitional
// status first, then call the provider (waiter.Actions does this with
// waiting; here the reconciler finishes each action). A crash between the
// two leaves the transitional status and sends nothing.
func userAction(ctx context.Context, st store.Store, cloud *fakes.Cloud, id string, a hoststate.Action, now time.Time, crash bool) {
	cur, err := st.Get(ctx, id)
	if err != nil {
		return
	}
	p := cloud.Provider(cur.Provider)
	switch a {
	case hoststate.ActionStart, hoststate.ActionRetry, hoststate.ActionStop, hoststate.ActionDeprovision:
	default:
		return // the simulated users only start, stop and delete
	}
	if p.Supports(cur.Ref, a) != nil {
		return // not offered to the user: nothing written
	}
	call := provider.ActionCall(p, a)
	next := cur
	if err = next.Apply(a, now); err != nil {
		return
	}
	if next, err = st.Update(ctx, store.Write{Record: next}); err != nil || crash {
		return
	}
	if _, err := call(ctx, cur.Ref); err != nil && !provider.Transient(err) {
		if next.Fail(err.Error(), now) == nil {
			_, _ = st.Update(ctx, store.Write{Record: next})
		}
	}
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (len(d) - 1) * p / 100
	return d[i]
}

// command is the command's usage text.
func command() cli.Command {
	return cli.Command{Synopsis: "[flags]", About: []string{
		"Simulate runs a fleet on the simulated cloud with faults, console drift and random user",
		"actions over simulated time, reconciles it, and prints how true the stored statuses stayed.",
	}}
}
