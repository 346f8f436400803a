package store

import (
	"context"
	"errors"
)

// ReportReader is implemented by a Store that reads many hosts' connector
// reports in one call (one query instead of one per host); [Reports] uses
// it. A wrapper that embeds a store and overrides Report must override
// Reports too.
type ReportReader interface {
	// Reports returns the latest connector report of each host in ids
	// that has one, keyed by host id; hosts without one (and ids no host
	// can have) are absent.
	Reports(ctx context.Context, ids []string) (map[string]Report, error)
}

// Reports returns the latest connector reports of the hosts in ids that
// have one, keyed by host id: through s's Reports when it is a
// [ReportReader], else with one [Store.Report] call per id.
func Reports(ctx context.Context, s Store, ids []string) (map[string]Report, error) {
	if rr, ok := s.(ReportReader); ok {
		return rr.Reports(ctx, ids)
	}
	out := make(map[string]Report, len(ids))
	for _, id := range ids {
		r, err := s.Report(ctx, id)
		switch {
		case err == nil:
			out[id] = r
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	return out, nil
}
