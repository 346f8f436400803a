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

// Reports implements store.ReportReader: one query for every id.
func (s *Store) Reports(ctx context.Context, ids []string) (map[string]store.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		if storableText(id) && len(id) <= store.MaxIDLen {
			keys = append(keys, id) // no other id has a row
		}
	}
	out := make(map[string]store.Report, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, "SELECT host, state, address, at FROM "+s.t.reports+" WHERE host = ANY($1)", keys)
	if err != nil {
		return nil, fmt.Errorf("pgstore: reports of %d hosts: %w", len(keys), err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id string
			r  store.Report
		)
		if err := rows.Scan(&id, &r.State, &r.Address, &r.At); err != nil {
			return nil, fmt.Errorf("pgstore: reports of %d hosts: %w", len(keys), err)
		}
		r.At = utc(r.At)
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: reports of %d hosts: %w", len(keys), err)
	}
	return out, nil
}
