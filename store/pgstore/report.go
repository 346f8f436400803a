package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/driftless/driftless/store"
)

// PutReport implements store.Store: an upsert stamped with the database's
// now(), in one statement that finds no row for an unknown host.
func (s *Store) PutReport(ctx context.Context, id string, r store.Report) (store.Report, error) {
	if err := ctx.Err(); err != nil {
		return store.Report{}, err
	}
	if err := store.ValidReport(r); err != nil {
		return store.Report{}, err
	}
	if !storableText(id) || len(id) > store.MaxIDLen {
		return store.Report{}, notFound(id)
	}
	r.State, r.Address = clean(r.State), clean(r.Address)
	err := s.pool.QueryRow(ctx, "INSERT INTO "+s.t.reports+" (host, state, address, at) "+
		"SELECT id, $2, $3, now() FROM "+s.t.hosts+" WHERE id = $1 "+
		"ON CONFLICT (host) DO UPDATE SET state = excluded.state, address = excluded.address, at = excluded.at "+
		"RETURNING at", id, r.State, r.Address).Scan(&r.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Report{}, notFound(id)
	}
	if err != nil {
		return store.Report{}, fmt.Errorf("pgstore: put report %q: %w", boundedID(id), err)
	}
	r.At = utc(r.At)
	return r, nil
}

// Report implements store.Store.
func (s *Store) Report(ctx context.Context, id string) (store.Report, error) {
	if err := ctx.Err(); err != nil {
		return store.Report{}, err
	}
	if !storableText(id) || len(id) > store.MaxIDLen {
		return store.Report{}, fmt.Errorf("%w: no connector report for %q", store.ErrNotFound, boundedID(id))
	}
	var r store.Report
	err := s.pool.QueryRow(ctx, "SELECT state, address, at FROM "+s.t.reports+" WHERE host = $1", id).Scan(&r.State, &r.Address, &r.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Report{}, fmt.Errorf("%w: no connector report for %q", store.ErrNotFound, boundedID(id))
	}
	if err != nil {
		return store.Report{}, fmt.Errorf("pgstore: report %q: %w", boundedID(id), err)
	}
	r.At = utc(r.At)
	return r, nil
}
