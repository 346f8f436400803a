package waiter

import (
	"time"

	"github.com/driftless/driftless/hoststate"
)

// timedObservation is an observation with the time it was made.
type timedObservation struct {
	o  hoststate.Observation
	at time.Time
}

// folder decides an action's wait by folding each observation into a copy
// of the host's record with hoststate.Observe: the action is over when the
// record leaves its in-flight status — reached if it settled in the goal
// status, failed otherwise. The confirmation, grace and in-flight rules
// are therefore exactly the reconciler's.
type folder struct {
	rec    hoststate.Record
	policy hoststate.Policy
	want   hoststate.Status
	// recent are the last observations (as many as a flip needs), to fold
	// again into a record someone else wrote meanwhile.
	recent []timedObservation
}

func (f *folder) decide(o hoststate.Observation, now time.Time) verdict {
	keep := max(f.policy.Confirmations, 1)
	if len(f.recent) == keep {
		f.recent = append(f.recent[:0], f.recent[1:]...)
	}
	f.recent = append(f.recent, timedObservation{o: o, at: now})
	r := f.rec
	ch := r.Observe(o, now, f.policy)
	f.rec = r
	switch {
	case r.InFlight():
		if ch.Reason == hoststate.ReasonConfirming {
			return confirming
		}
		return pending
	case r.Status == f.want:
		return reached
	}
	return failed
}

// refold folds the recent observations into base, a record someone else
// wrote since.
func (f *folder) refold(base hoststate.Record) hoststate.Record {
	for _, x := range f.recent {
		base.Observe(x.o, x.at, f.policy)
	}
	return base
}
