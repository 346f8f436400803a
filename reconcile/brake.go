package reconcile

import (
	"math"
	"slices"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// brakeScope is where a host's anomalies are counted: its zone, else its
// region, else the whole provider. A broken zone must brake even when a
// healthy second zone answers in the same listing (GCP lists a project).
func brakeScope(ref provider.Host) string {
	switch {
	case ref.Zone != "":
		return "zone/" + ref.Zone
	case ref.Region != "":
		return "region/" + ref.Region
	}
	return ""
}

// anomalous reports whether a change is one the brake counts: confirmed
// drift of a known status to off or deprovisioned. A first observation
// (from unknown) and the expected end of a user's stop or delete are not
// anomalies, so importing a fleet or stopping many hosts never brakes.
func anomalous(ch hoststate.Change) bool {
	return ch.Changed() && ch.Reason == hoststate.ReasonDrift && ch.From != hoststate.StatusUnknown &&
		(ch.To == hoststate.StatusOff || ch.To == hoststate.StatusDeprovisioned)
}

// departure reports whether a change is one the disruption budget counts:
// drift that takes a host out of running or off, wherever to. Slow
// disappearance and running → stopping → off both pass through here.
func departure(ch hoststate.Change) bool {
	return ch.Changed() && ch.Reason == hoststate.ReasonDrift &&
		(ch.From == hoststate.StatusRunning || ch.From == hoststate.StatusOff)
}

// budget is one scope's window of drift departures, across ticks.
type budget struct {
	at []time.Time // when each departure in the window was applied
}

// room returns how many more departures the window allows at now for a
// scope of n hosts, after dropping those older than the window.
func (b *budget) room(now time.Time, n int, cfg Config) int {
	keep := b.at[:0]
	for _, t := range b.at {
		if now.Sub(t) < cfg.DisruptionWindow {
			keep = append(keep, t)
		}
	}
	b.at = keep
	limit := max(cfg.BrakeMinHosts, int(math.Ceil(cfg.DisruptionBudget*float64(n))))
	return limit - len(b.at)
}

// spend records k departures at now.
func (b *budget) spend(now time.Time, k int) {
	for range k {
		b.at = append(b.at, now)
	}
}

// hold decides, per scope, which of a provider's decided changes the
// guardrails hold back this tick: every anomalous flip of a scope where
// more than BrakeFraction (and at least BrakeMinHosts) of its observed
// hosts would newly flip to off or deprovisioned, and the drift
// departures beyond the scope's windowed disruption budget (the first
// ones in host order go, the rest wait for room). It returns, per change,
// whether it is held, and the scopes whose guardrails held any.
func (r *Reconciler) hold(ps *providerState, results []result, changes []hoststate.Change, now time.Time) (held []bool, braked []string) {
	type tally struct{ hosts, flips, departures int }
	scopes := map[string]*tally{}
	sc := &ps.scratch
	scopeOf := grow(sc.scopeOf, len(results))
	defer func() { clear(scopeOf); sc.scopeOf = scopeOf }()
	var lastZone, lastRegion, lastScope string
	for i := range results {
		// Hosts of one zone come together: build its scope's name once.
		ref := &results[i].rec.Ref
		s := lastScope
		if i == 0 || ref.Zone != lastZone || ref.Region != lastRegion {
			s = brakeScope(*ref)
			lastZone, lastRegion, lastScope = ref.Zone, ref.Region, s
		}
		scopeOf[i] = s
		t := scopes[s]
		if t == nil {
			t = &tally{}
			scopes[s] = t
		}
		t.hosts++
		if anomalous(changes[i]) {
			t.flips++
		}
		if departure(changes[i]) {
			t.departures++
		}
	}
	held = grow(sc.held, len(results))
	sc.held = held
	brakes := map[string]bool{}
	room := map[string]int{}
	for s, t := range scopes {
		if t.flips >= r.cfg.BrakeMinHosts && float64(t.flips) > r.cfg.BrakeFraction*float64(t.hosts) {
			brakes[s] = true
		}
		if t.departures > 0 {
			b := ps.budgets[s]
			if b == nil {
				b = &budget{}
				ps.budgets[s] = b
			}
			room[s] = b.room(now, t.hosts, r.cfg)
		}
	}
	spent := map[string]int{}
	over := map[string]bool{}
	for i, ch := range changes {
		s := scopeOf[i]
		switch {
		case brakes[s] && anomalous(ch):
			held[i] = true
		case departure(ch) && spent[s] >= room[s]:
			held[i], over[s] = true, true
		case departure(ch):
			spent[s]++
		}
	}
	for s, n := range spent {
		ps.budgets[s].spend(now, n)
	}
	for s := range scopes {
		if brakes[s] || over[s] {
			braked = append(braked, ps.p.Name()+" "+s)
		}
	}
	slices.Sort(braked)
	return held, braked
}
