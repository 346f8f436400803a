package hostapi

import (
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Timeline is a host's history as two lanes over [Start, End]: the
// control-plane status and the provider's raw VM status. The store keeps
// status changes only, each with the raw status the record held then, so
// the provider lane changes where the status did, plus once more at the
// last observation: it shows what the decisions were made on, not every
// flicker the provider went through.
type Timeline struct {
	// Start and End bound the window: Config.History back from now.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Status and Provider are the lanes, each a run of adjacent segments
	// in time order.
	Status   []Segment `json:"status"`
	Provider []Segment `json:"provider"`
}

// Segment is one stretch of a lane with one value.
type Segment struct {
	// From and To bound the stretch; equal for a value that began at the
	// window's very end.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Value is the status name, or the provider's raw status ("" before
	// any observation).
	Value string `json:"value"`
}

// lane accumulates segments, merging neighbours with equal values.
type lane []Segment

func (l *lane) add(from, to time.Time, v string) {
	if !to.After(from) {
		return
	}
	if n := len(*l); n > 0 && (*l)[n-1].Value == v && (*l)[n-1].To.Equal(from) {
		(*l)[n-1].To = to
		return
	}
	*l = append(*l, Segment{From: from, To: to, Value: v})
}

// end closes the lane with its current value, kept even when it began at
// the very end: a status written a moment ago is still the status now.
func (l *lane) end(from, to time.Time, v string) {
	if n := len(*l); !to.After(from) && (n == 0 || (*l)[n-1].Value != v) {
		*l = append(*l, Segment{From: from, To: to, Value: v})
		return
	}
	l.add(from, to, v)
}

// timeline draws hist (oldest first, as Store.History returns it) and the
// current record rec into lanes over [start, end].
func timeline(rec hoststate.Record, hist []store.Transition, start, end time.Time) Timeline {
	clamp := func(t time.Time) time.Time {
		switch {
		case t.Before(start):
			return start
		case t.After(end):
			return end
		}
		return t
	}
	var status, prov lane
	cur, curFrom := rec.Status.String(), start
	raw, rawFrom := "", start
	if len(hist) > 0 {
		cur = hist[0].From.String()
	}
	for _, t := range hist {
		at := clamp(t.At)
		status.add(curFrom, at, cur)
		prov.add(rawFrom, at, raw)
		cur, curFrom = t.To.String(), at
		raw, rawFrom = t.RawStatus, at
	}
	if obs := clamp(rec.ObservedAt); !rec.ObservedAt.IsZero() && obs.After(rawFrom) && rec.ProviderStatus != raw {
		prov.add(rawFrom, obs, raw)
		raw, rawFrom = rec.ProviderStatus, obs
	}
	status.end(curFrom, end, cur)
	prov.end(rawFrom, end, raw)
	return Timeline{Start: start, End: end, Status: nonNil(status), Provider: nonNil(prov)}
}

// nonNil makes an empty lane a JSON list.
func nonNil(l lane) []Segment {
	if l == nil {
		return []Segment{}
	}
	return l
}
