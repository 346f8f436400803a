// Command simulate runs a fleet on the simulated cloud (package fakes) with
// faults, console drift and random user actions over a simulated day on the
// fake clock, reconciled by package reconcile, and prints how true the
// stored statuses stayed.
//
//	go run ./examples/simulate [-hosts 200] [-seed 1] [-fault-rate 0.05] [-duration 24h]
//
// Summary lines:
//
//	false flips: N            statuses written that contradicted a settled ground truth (must be 0)
//	converge p50/p95/max: …   simulated time from a provider change to the right stored status
//	provider calls per host-hour: …
//	drift repaired: N         changes made because the provider drifted from the record
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
)

func main() {
	f, code, ok := parseFlags(os.Args[1:], os.Stdout, os.Stderr)
	if !ok {
		os.Exit(code)
	}
	if err := run(os.Stdout, os.Stderr, f.hosts, f.seed, f.faultRate, f.duration, f.unconverged); err != nil {
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
}

// parseFlags parses args; it reports false, with the exit status, if the
// command must not go on. -h, -help and --help print the usage to stdout
// (status 0); a bad flag prints the problem and the usage to stderr
// (status 2).
func parseFlags(args []string, stdout, stderr io.Writer) (flags, int, bool) {
	var f flags
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// The flag package would print the usage to stderr for help and errors
	// alike; it is printed below, to the stream the outcome calls for.
	fs.Usage = func() {}
	fs.IntVar(&f.hosts, "hosts", 200, "hosts in the fleet, spread over the five providers")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the cloud's faults and the user's actions")
	fs.Float64Var(&f.faultRate, "fault-rate", 0.05, "API error/timeout/429 rate per call while faults are on")
	fs.DurationVar(&f.duration, "duration", 24*time.Hour, "simulated time to run")
	fs.BoolVar(&f.unconverged, "list-unconverged", false, "list the hosts whose status had not caught up at the end")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return flags{}, 0, false
		}
		// The flag package has already printed the problem.
		usage(stderr, fs)
		return flags{}, 2, false
	}
	return f, 0, true
}

// usage prints the synopsis, what the command does and the flag defaults
// to w.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s [flags]\n\n", fs.Name())
	fmt.Fprintln(w, "Simulate runs a fleet on the simulated cloud with faults, console drift and random user")
	fmt.Fprintln(w, "actions over simulated time, reconciles it, and prints how true the stored statuses stayed.")
	fmt.Fprintln(w, "\nflags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// sample is how finely the simulation watches the ground truth.
const sample = 10 * time.Second

func run(out, progress io.Writer, n int, seed int64, faultRate float64, duration time.Duration, listUnconverged bool) error {
	if n < 5 || duration <= 0 || faultRate < 0 || faultRate > 1 {
		return fmt.Errorf("need -hosts ≥ 5, -duration > 0 and 0 ≤ -fault-rate ≤ 1")
	}
	ctx := context.Background()
	start := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, seed)
	st := store.NewMemStore(store.MemConfig{})
	rnd := rand.New(rand.NewPCG(uint64(seed), 7))

	kinds := fakes.Kinds()
	var provs []provider.Provider
	for _, k := range kinds {
		provs = append(provs, cloud.Provider(k))
	}
	var recs []hoststate.Record
	for i := range n {
		k := kinds[i%len(kinds)]
		h := provider.Host{Project: "proj", Zone: "us-central1-a", Region: "region-1", Instance: fmt.Sprintf("%s-%d", k, i), Volume: fmt.Sprintf("vol-%d", i)}
		switch k {
		case fakes.Lambda:
			h.Volume = ""
		case fakes.Hyperstack:
			h.Volume = fmt.Sprint(1000 + i) // a Hyperstack volume is a decimal id
		}
		if err := cloud.AddHost(k, h, rnd.IntN(2) == 0); err != nil {
			return err
		}
		rec, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: h.Instance, Provider: k, Ref: h}})
		if err != nil {
			return err
		}
		recs = append(recs, rec)
	}
	const interval = 2 * time.Minute
	rec, err := reconcile.New(reconcile.Config{Store: st, Clock: clock, Providers: provs, Interval: interval, Seed: uint64(seed)})
	if err != nil {
		return err
	}

	var (
		falseFlips, drift int
		lags              []time.Duration
		changedAt         = map[string]time.Time{} // host → when its truth last changed, until stored status matches
		lastTruth         = map[string]hoststate.Status{}
	)
	watch := func() {
		now := clock.Now()
		for _, r := range recs {
			want, settled := truthStatus(cloud.Truth(r.Provider, r.Ref))
			if !settled {
				continue
			}
			if prev, ok := lastTruth[r.ID]; !ok || prev != want {
				lastTruth[r.ID] = want
				changedAt[r.ID] = now
			}
			if t, pending := changedAt[r.ID]; pending {
				if cur, _ := st.Get(ctx, r.ID); cur.Status == want {
					lags = append(lags, now.Sub(t))
					delete(changedAt, r.ID)
				}
			}
		}
	}

	nextTick := start
	faultsOn := false
	for clock.Now().Before(start.Add(duration)) {
		now := clock.Now()
		// Faults come and go in spells; drift and user actions now and then.
		if rnd.Float64() < 0.002 {
			faultsOn = !faultsOn
			f := fakes.Faults{}
			if faultsOn {
				f = fakes.Faults{ErrorRate: faultRate, TimeoutRate: faultRate / 2, RateLimitRate: faultRate / 2, RateLimitBurst: 3, CreateLag: 20 * time.Second, DeleteLag: 20 * time.Second}
			}
			_ = cloud.SetFaults("", f)
		}
		if rnd.Float64() < 0.02 {
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
		if rnd.Float64() < 0.05 {
			userAction(ctx, st, cloud, recs[rnd.IntN(len(recs))].ID, hoststate.Actions()[rnd.IntN(len(hoststate.Actions()))], now)
		}
		if !now.Before(nextTick) {
			rep, err := rec.RunOnce(ctx)
			if err != nil {
				return err
			}
			for _, c := range rep.Changes {
				if c.Reason == hoststate.ReasonDrift {
					drift++
				}
				r, _ := st.Get(ctx, c.ID)
				if want, settled := truthStatus(cloud.Truth(c.Provider, r.Ref)); settled && !c.To.Transitional() && c.To != want {
					falseFlips++
				}
			}
			nextTick = now.Add(interval)
			if elapsed := now.Sub(start); elapsed%time.Hour < interval {
				fmt.Fprintf(progress, "\rsimulated %5.1fh of %.0fh, %d changes so far", elapsed.Hours(), duration.Hours(), len(lags))
			}
		}
		clock.Advance(sample)
		watch()
	}
	fmt.Fprintln(progress)

	calls := cloud.Calls("").Total()
	slices.Sort(lags)
	fmt.Fprintf(out, "hosts: %d  simulated: %s  seed: %d\n", n, duration, seed)
	fmt.Fprintf(out, "false flips: %d\n", falseFlips)
	fmt.Fprintf(out, "converge p50/p95/max: %s / %s / %s (%d changes)\n", pct(lags, 50), pct(lags, 95), pct(lags, 100), len(lags))
	fmt.Fprintf(out, "provider calls per host-hour: %.2f\n", float64(calls)/float64(n)/duration.Hours())
	fmt.Fprintf(out, "drift repaired: %d\n", drift)
	fmt.Fprintf(out, "not yet converged at the end: %d\n", len(changedAt))
	if listUnconverged {
		for id := range changedAt {
			r, _ := st.Get(ctx, id)
			fmt.Fprintln(out, id, r.Status, r.ProviderStatus, r.ProviderVolumeStatus, lastTruth[id], r.LastAction, r.Pending, r.PendingCount)
		}
	}
	return nil
}

// truthStatus is the status the ground truth implies, if it has settled:
// a running VM counts once it has its address.
func truthStatus(tr fakes.Truth) (hoststate.Status, bool) {
	s, ok := tr.Status()
	if s == hoststate.StatusRunning && tr.ConnectorOnline {
		return s, ok && tr.Address != ""
	}
	return s, ok
}

// userAction is a control plane acting for a user: write the transitional
// status first, then call the provider (waiter.Actions does this with
// waiting; here the reconciler finishes each action).
func userAction(ctx context.Context, st store.Store, cloud *fakes.Cloud, id string, a hoststate.Action, now time.Time) {
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
	next, err := hoststate.Apply(cur, a, now)
	if err != nil {
		return
	}
	if next, err = st.Update(ctx, store.Write{Record: next}); err != nil {
		return
	}
	if _, err := call(ctx, cur.Ref); err != nil && !provider.Transient(err) {
		if failed, ferr := hoststate.Fail(next, err.Error(), now); ferr == nil {
			_, _ = st.Update(ctx, store.Write{Record: failed})
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
