package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Store is a [store.Store] on PostgreSQL, safe for concurrent use by any
// number of goroutines and replicas. It does not own the pool: close the
// pool after the store's last use.
type Store struct {
	pool    *pgxpool.Pool
	cfg     Config
	log     *slog.Logger
	schema  string
	channel string // NOTIFY channel of this schema's change feed
	t       tables
	// statusNames are the valid status names, for updateOne.
	statusNames []string
}

var _ store.Store = (*Store)(nil)

// tables holds the schema-qualified, quoted table names, fixed at Open so
// every statement reaches the same schema whatever a connection's
// search_path.
type tables struct {
	hosts, history, leases, reports string
}

// Open returns a store on pool's current schema (the first existing schema
// of its search_path). With cfg.Migrate it applies the migrations first;
// otherwise the schema must be at SchemaVersion already (an error matching
// ErrSchema if not).
func Open(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: Open: nil pool")
	}
	if cfg.Migrate {
		if err := Migrate(ctx, pool); err != nil {
			return nil, err
		}
	}
	schema, err := currentSchema(ctx, pool)
	if err != nil {
		return nil, err
	}
	if err := checkSchema(ctx, pool, schema); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	q := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	return &Store{
		pool: pool, cfg: cfg, log: cfg.Logger, schema: schema, channel: channelName(schema), statusNames: validStatusNames(),
		t: tables{hosts: q("driftless_hosts"), history: q("driftless_history"), leases: q("driftless_leases"), reports: q("driftless_reports")},
	}, nil
}

// channelName is the change feed's NOTIFY channel for schema: readable
// when it fits an identifier (63 bytes), a hash of the schema otherwise.
func channelName(schema string) string {
	if c := "driftless_changes:" + schema; len(c) <= 63 {
		return c
	}
	sum := sha256.Sum256([]byte(schema))
	return "driftless_changes:" + hex.EncodeToString(sum[:16])
}

// Precision implements store.Store: timestamptz keeps microseconds.
func (s *Store) Precision() time.Duration { return precision }

// Schema returns the schema the store's tables are in.
func (s *Store) Schema() string { return s.schema }

// storableText reports whether v can be a text parameter: a query with a
// NUL or invalid UTF-8 would fail in PostgreSQL, and no stored id or
// string holds either, so such a lookup finds nothing.
func storableText(v string) bool { return utf8.ValidString(v) && strings.IndexByte(v, 0) < 0 }

// Get implements store.Store. A row that does not decode is a *DecodeError.
func (s *Store) Get(ctx context.Context, id string) (hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return hoststate.Record{}, err
	}
	if !storableText(id) || len(id) > store.MaxIDLen {
		return hoststate.Record{}, notFound(id)
	}
	var sc scanned
	err := s.pool.QueryRow(ctx, "SELECT "+hostColumns+" FROM "+s.t.hosts+" WHERE id = $1", id).Scan(sc.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return hoststate.Record{}, notFound(id)
	}
	if err != nil {
		return hoststate.Record{}, fmt.Errorf("pgstore: get %q: %w", boundedID(id), err)
	}
	return sc.decode()
}

// notFound is the ErrNotFound error for id.
func notFound(id string) error { return fmt.Errorf("%w: %q", store.ErrNotFound, boundedID(id)) }

// List implements store.Store with one query: the filter's conditions,
// keyset paging on id (id > After ORDER BY id LIMIT n). Rows that do not
// decode are skipped and logged.
func (s *Store) List(ctx context.Context, f store.Filter) ([]hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []hoststate.Record
	for {
		want := f.Limit - len(out)
		sql, args, ok, err := s.listSQL(f, want)
		if err != nil || !ok {
			return []hoststate.Record{}, err
		}
		page, err := s.query(ctx, "list", sql, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, page.recs...)
		// A skipped row must not shorten a page: a short page ends a paged
		// sweep (store.All). Read on after the last row seen.
		if f.Limit <= 0 || page.skipped == 0 || page.scanned < want {
			if out == nil {
				out = []hoststate.Record{}
			}
			return out, nil
		}
		f.After = page.last.id
	}
}

// listSQL returns List's query for f, at most limit rows (all when limit
// <= 0), or ok false when f can match nothing.
func (s *Store) listSQL(f store.Filter, limit int) (sql string, args []any, ok bool, err error) {
	var where []string
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		names := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			names[i] = st.String()
		}
		where = append(where, "status = ANY("+arg(names)+"::text[])")
	}
	if f.Provider != "" {
		if !storableText(f.Provider) {
			return "", nil, false, nil // no stored provider holds such bytes
		}
		where = append(where, "provider = "+arg(f.Provider))
	}
	if !f.LastSeenBefore.IsZero() {
		// Stored times are whole microseconds, so "before t" is "before t
		// rounded up to a microsecond".
		t := f.LastSeenBefore
		if tr := t.Truncate(precision); !tr.Equal(t) {
			t = tr.Add(precision)
		}
		where = append(where, "last_seen < "+arg(dbTime(t)))
	}
	// Literal conditions, so the planner can match the partial indexes.
	if f.MissingAddress {
		where = append(where, "address = ''")
	}
	if f.Confirming {
		where = append(where, "pending_count > 0")
	}
	if after := f.After; after != "" {
		// No id holds a NUL, so "after a\x00b" is "after a".
		if i := strings.IndexByte(after, 0); i >= 0 {
			after = after[:i]
		}
		if !utf8.ValidString(after) {
			return "", nil, false, fmt.Errorf("%w: List cursor is not valid UTF-8", store.ErrInvalidRecord)
		}
		if after != "" {
			where = append(where, "id > "+arg(after))
		}
	}
	sql = "SELECT " + hostColumns + " FROM " + s.t.hosts
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY id"
	if limit > 0 {
		sql += " LIMIT " + arg(int64(limit))
	}
	return sql, args, true, nil
}

// Due implements store.Store with one range scan of the (next_check, id)
// index. A zero NextCheck is stored as the zero time, before every other.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	at := dbTime(now.Truncate(precision))
	sql := dueSQL(s.t.hosts)
	args := []any{at, limitArg(limit)}
	var out []hoststate.Record
	for {
		want := limit - len(out)
		page, err := s.query(ctx, "due", sql, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, page.recs...)
		if limit <= 0 || page.skipped == 0 || page.scanned < want {
			if out == nil {
				out = []hoststate.Record{}
			}
			return out, nil
		}
		// Refill what skipped rows took, after the last row seen.
		sql = "SELECT " + hostColumns + " FROM " + s.t.hosts +
			" WHERE next_check <= $1 AND (next_check, id) > ($2, $3) ORDER BY next_check, id LIMIT $4"
		args = []any{at, page.last.nextCheck, page.last.id, limitArg(limit - len(out))}
	}
}

// dueSQL is Due's query on the hosts table: $1 the time, $2 the limit.
func dueSQL(hosts string) string {
	return "SELECT " + hostColumns + " FROM " + hosts + " WHERE next_check <= $1 ORDER BY next_check, id LIMIT $2"
}

// limitArg is a LIMIT parameter: NULL, which is LIMIT ALL, for n <= 0.
func limitArg(n int) *int64 {
	if n <= 0 {
		return nil
	}
	v := int64(n)
	return &v
}

// page is what one host select read.
type page struct {
	recs             []hoststate.Record
	scanned, skipped int
	last             scanned // the last row read, decoded or not
}

// query runs a host select and decodes its rows, skipping (and logging)
// the ones that do not decode.
func (s *Store) query(ctx context.Context, what string, sql string, args ...any) (page, error) {
	var p page
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return p, fmt.Errorf("pgstore: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sc scanned
		if err := rows.Scan(sc.dest()...); err != nil {
			return p, fmt.Errorf("pgstore: %s: %w", what, err)
		}
		p.scanned++
		p.last = sc
		rec, err := sc.decode()
		if err != nil {
			p.skipped++
			s.log.LogAttrs(ctx, slog.LevelError, "pgstore: skipping a host row that does not decode",
				slog.String("host", boundedID(sc.id)), slog.Any("err", err))
			continue
		}
		p.recs = append(p.recs, rec)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("pgstore: %s: %w", what, err)
	}
	return p, nil
}
