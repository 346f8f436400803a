package pgstore

import "github.com/driftless/driftless/store"

// ListSQL exposes List's query to the plan tests.
func (s *Store) ListSQL(f store.Filter, limit int) (string, []any) {
	sql, args, _, _ := s.listSQL(f, limit)
	return sql, args
}

// DueSQL is Due's first query.
func (s *Store) DueSQL() string { return dueSQL(s.t.hosts) }
