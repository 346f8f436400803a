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
	out, err := s.AppendList(ctx, nil, f)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []hoststate.Record{}
	}
	return out, nil
}

// AppendList implements store.Appender: List, appending to dst, so the
// reconciler's full sweeps decode into one buffer they keep.
func (s *Store) AppendList(ctx context.Context, dst []hoststate.Record, f store.Filter) ([]hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return dst, err
	}
	sql, args, ok, err := s.listSQL(f, f.Limit)
	if err != nil || !ok {
		return dst, err
	}
	return s.collect(ctx, "list", dst, f.Limit, sql, args, func(last scanned, left int) (string, []any, error) {
		f.After = last.id
		sql, args, _, err := s.listSQL(f, left)
		return sql, args, err
	})
}

// collect appends to dst the rows of a host select of at most limit rows
// (all when limit <= 0). Rows that do not decode are skipped and logged;
// as a skipped row must not shorten the answer (a short page ends a paged
// sweep, store.All), it then reads on with the query after returns for
// the last row seen and the rows still wanted. On an error dst is returned
// as it came.
func (s *Store) collect(ctx context.Context, what string, dst []hoststate.Record, limit int, sql string, args []any,
	after func(last scanned, left int) (string, []any, error)) ([]hoststate.Record, error) {
	start := len(dst)
	for {
		want := limit - (len(dst) - start)
		p, err := s.query(ctx, what, dst, sql, args...)
		if err != nil {
			return dst[:start], err
		}
		dst = p.recs
		if limit <= 0 || p.skipped == 0 || p.scanned < want {
			return dst, nil
		}
		if sql, args, err = after(p.last, limit-(len(dst)-start)); err != nil {
			return dst[:start], err
		}
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
	out, err := s.collect(ctx, "due", nil, limit, dueSQL(s.t.hosts), []any{at, limitArg(limit)}, func(last scanned, left int) (string, []any, error) {
		return "SELECT " + hostColumns + " FROM " + s.t.hosts +
				" WHERE next_check <= $1 AND (next_check, id) > ($2, $3) ORDER BY next_check, id LIMIT $4",
			[]any{at, last.nextCheck, last.id, limitArg(left)}, nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []hoststate.Record{}
	}
	return out, nil
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
	recs             []hoststate.Record // the caller's records with this page's appended
	scanned, skipped int
	last             scanned // the last row read, decoded or not
}

// query runs a host select and appends its rows to dst, skipping (and
// logging) the ones that do not decode.
func (s *Store) query(ctx context.Context, what string, dst []hoststate.Record, sql string, args ...any) (page, error) {
	p := page{recs: dst}
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
