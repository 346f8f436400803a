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

// scopeTally is one brake scope's count of a tick's decided changes and
// what the guardrails made of it.
type scopeTally struct {
	scope                    string
	hosts, flips, departures int
	brake                    bool // too many anomalous flips: hold them all
	room, spent              int  // the disruption budget's room and its use this tick
	over                     bool // departures held for want of room
}

// hold decides, per scope, which of a provider's decided changes the
// guardrails hold back this tick: every anomalous flip of a scope where
// more than BrakeFraction (and at least BrakeMinHosts) of its observed
// hosts would newly flip to off or deprovisioned, and the drift
// departures beyond the scope's windowed disruption budget (the first
// ones in host order go, the rest wait for room). It returns, per change,
// whether it is held, and the scopes whose guardrails held any. Its
// tallies live in the provider's scratch, so a tick allocates no maps.
func (r *Reconciler) hold(ps *providerState, results []result, changes []hoststate.Change, now time.Time) (held []bool, braked []string) {
	sc := &ps.scratch
	if sc.tallyOf == nil {
		sc.tallyOf = make(map[string]int)
	}
	clear(sc.tallyOf)
	tallies := sc.tallies[:0]
	scopeOf := grow(sc.scopeOf, len(results)) // index into tallies
	sc.scopeOf = scopeOf
	var lastZone, lastRegion string
	last := -1
	for i := range results {
		// Hosts of one zone come together: find its scope once.
		ref := &results[i].rec.Ref
		if last < 0 || ref.Zone != lastZone || ref.Region != lastRegion {
			s := brakeScope(*ref)
			j, ok := sc.tallyOf[s]
			if !ok {
				j = len(tallies)
				tallies = append(tallies, scopeTally{scope: s})
				sc.tallyOf[s] = j
			}
			last, lastZone, lastRegion = j, ref.Zone, ref.Region
		}
		scopeOf[i] = last
		t := &tallies[last]
		t.hosts++
		if anomalous(changes[i]) {
			t.flips++
		}
		if departure(changes[i]) {
			t.departures++
		}
	}
	sc.tallies = tallies
	held = grow(sc.held, len(results))
	sc.held = held
	for j := range tallies {
		t := &tallies[j]
		t.brake = t.flips >= r.cfg.BrakeMinHosts && float64(t.flips) > r.cfg.BrakeFraction*float64(t.hosts)
		if t.departures > 0 {
			b := ps.budgets[t.scope]
			if b == nil {
				b = &budget{}
				ps.budgets[t.scope] = b
			}
			t.room = b.room(now, t.hosts, r.cfg)
		}
	}
	for i, ch := range changes {
		t := &tallies[scopeOf[i]]
		switch {
		case t.brake && anomalous(ch):
			held[i] = true
		case departure(ch) && t.spent >= t.room:
			held[i], t.over = true, true
		case departure(ch):
			t.spent++
		}
	}
	for j := range tallies {
		t := &tallies[j]
		if t.spent > 0 {
			ps.budgets[t.scope].spend(now, t.spent)
		}
		if t.brake || t.over {
			braked = append(braked, ps.p.Name()+" "+t.scope)
		}
	}
	slices.Sort(braked)
	return held, braked
}
