package store

import (
	"context"
	"iter"

	"github.com/driftless/driftless/hoststate"
)

// DefaultPage is the page size [All] uses when given none.
const DefaultPage = 1000

// All iterates over every record matching f in id order, reading page
// records at a time (DefaultPage when page <= 0), so a full sweep of a
// large fleet never holds it all at once. f.After starts the sweep after
// that id; f.Limit is ignored. The iteration stops at the first error,
// which it yields once.
func All(ctx context.Context, s Store, f Filter, page int) iter.Seq2[hoststate.Record, error] {
	if page <= 0 {
		page = DefaultPage
	}
	return func(yield func(hoststate.Record, error) bool) {
		f.Limit = page
		for {
			recs, err := s.List(ctx, f)
			if err != nil {
				yield(hoststate.Record{}, err)
				return
			}
			for _, r := range recs {
				if !yield(r, nil) {
					return
				}
			}
			if len(recs) < page {
				return
			}
			f.After = recs[len(recs)-1].ID
		}
	}
}
