package store

import (
	"time"

	"github.com/driftless/driftless/hoststate"
)

// AtPrecision returns r with every time truncated to p (p <= 0 or 1ns keeps
// them as they are), as a store of that precision returns it. Times carry
// no monotonic reading afterwards either way.
func AtPrecision(r hoststate.Record, p time.Duration) hoststate.Record {
	for _, v := range RecordTimes(&r) {
		if p > 1 {
			*v = v.Truncate(p)
		} else {
			*v = v.Round(0)
		}
	}
	return r
}

// RecordTimes returns every time field of r, for a store that converts
// them all alike (precision, time zone, range checks): the one list of
// them, so a new field is never converted by one and missed by another.
func RecordTimes(r *hoststate.Record) [7]*time.Time {
	return [...]*time.Time{&r.Since, &r.ActionAt, &r.Deadline, &r.NextCheck, &r.ObservedAt, &r.LastSeen, &r.PendingSince}
}
