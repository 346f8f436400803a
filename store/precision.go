package store

import (
	"time"

	"github.com/driftless/driftless/hoststate"
)

// AtPrecision returns r with every time truncated to p (p <= 0 or 1ns keeps
// them as they are), as a store of that precision returns it. Times carry
// no monotonic reading afterwards either way.
func AtPrecision(r hoststate.Record, p time.Duration) hoststate.Record {
	t := func(v *time.Time) {
		if p > 1 {
			*v = v.Truncate(p)
		} else {
			*v = v.Round(0)
		}
	}
	t(&r.Since)
	t(&r.ActionAt)
	t(&r.Deadline)
	t(&r.NextCheck)
	t(&r.ObservedAt)
	t(&r.LastSeen)
	t(&r.PendingSince)
	return r
}
