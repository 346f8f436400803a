package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Every accepted write bumps Version, even one whose record equals the
// stored one: the contract's compare-and-swap needs no other rule, and
// such a write is cheap anyway (a HOT update of one row, no index touched,
// no history, no notification).

// Update implements store.Store with the compare-and-swap UPDATE ...
// WHERE id = $1 AND version = $2 (or INSERT ... ON CONFLICT DO NOTHING for
// version 0), the fence check (SELECT ... FOR SHARE of the lease row) and,
// when the status changed, the history row and the NOTIFY, all in one
// transaction. Without Config.AfterWrite that transaction is one
// statement, one round trip (see updateOne); with it, the hook runs in the
// transaction before commit, as for a batch.
func (s *Store) Update(ctx context.Context, w store.Write) (hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return hoststate.Record{}, err
	}
	r, err := encode(w.Record)
	if err != nil {
		return hoststate.Record{}, err
	}
	var res store.BatchResult
	if s.cfg.AfterWrite == nil {
		res, err = retry(ctx, func() (store.BatchResult, error) { return s.updateOne(ctx, w, r) })
	} else {
		res, err = s.apply(ctx, []store.Write{w}, []row{r})
	}
	if err != nil {
		return hoststate.Record{}, err
	}
	if len(res.Conflicts) > 0 {
		if w.Record.Version == 0 {
			return hoststate.Record{}, fmt.Errorf("%w: %q exists already", store.ErrConflict, w.Record.ID)
		}
		return hoststate.Record{}, fmt.Errorf("%w: %q is not at version %d", store.ErrConflict, w.Record.ID, w.Record.Version)
	}
	return res.Written[0], nil
}

// UpdateBatch implements store.Store in one transaction: the fence checks,
// one UPDATE ... FROM unnest(...) for every host at its version and one
// INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING for the new
// ones (hosts neither statement wrote are the conflicts), the history rows
// and NOTIFYs of the status changes, Config.AfterWrite for each written
// record, and commit: a batch cut off anywhere (a lost connection, a
// cancelled context) writes nothing.
func (s *Store) UpdateBatch(ctx context.Context, ws []store.Write) (store.BatchResult, error) {
	if err := ctx.Err(); err != nil {
		return store.BatchResult{}, err
	}
	if len(ws) == 0 {
		return store.BatchResult{Written: []hoststate.Record{}}, nil
	}
	rows := make([]row, len(ws))
	seen := make(map[string]bool, len(ws))
	for i, w := range ws {
		r, err := encode(w.Record)
		if err != nil {
			return store.BatchResult{}, err
		}
		if seen[r.rec.ID] {
			return store.BatchResult{}, fmt.Errorf("%w: %q twice in one batch", store.ErrInvalidRecord, r.rec.ID)
		}
		seen[r.rec.ID] = true
		rows[i] = r
	}
	return s.apply(ctx, ws, rows)
}

// maxAttempts bounds the tries of a write that PostgreSQL aborted to
// resolve a deadlock or a serialization failure: nothing was written, so
// trying again is safe.
const maxAttempts = 3

// apply writes the encoded rows of ws, retrying aborted transactions.
func (s *Store) apply(ctx context.Context, ws []store.Write, rows []row) (store.BatchResult, error) {
	return retry(ctx, func() (store.BatchResult, error) { return s.applyOnce(ctx, ws, rows) })
}

// retry runs one write transaction, again when PostgreSQL aborted it for
// a deadlock or a serialization failure, at most maxAttempts times.
func retry(ctx context.Context, try func() (store.BatchResult, error)) (store.BatchResult, error) {
	for attempt := 1; ; attempt++ {
		res, err := try()
		var pe *pgconn.PgError
		if err == nil || attempt == maxAttempts || ctx.Err() != nil || !errors.As(err, &pe) || (pe.Code != "40P01" && pe.Code != "40001") {
			return res, err
		}
	}
}

// written is what the compare-and-swap statements returned for one host.
type written struct {
	from    *string // the status before; nil for an insert
	version int64
	now     time.Time
}

// applyOnce is one transaction of apply.
func (s *Store) applyOnce(ctx context.Context, ws []store.Write, rows []row) (store.BatchResult, error) {
	fail := func(err error) (store.BatchResult, error) {
		return store.BatchResult{}, fmt.Errorf("pgstore: write: %w", err)
	}
	// Fences whose key no lease can have are refused without asking.
	var keys []string
	for _, w := range ws {
		if w.Fence.IsZero() {
			continue
		}
		if !storableText(w.Fence.Key) {
			return store.BatchResult{}, fenced(w.Fence)
		}
		keys = append(keys, w.Fence.Key)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)

	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	// The lease rows first, share-locked in key order: a takeover (an
	// UPDATE of the lease row) waits for this write to commit, so no write
	// under an old epoch lands after a new epoch is granted.
	if len(keys) > 0 {
		b.Queue("SELECT key, epoch FROM "+s.t.leases+" WHERE key = ANY($1) AND expires > now() ORDER BY key FOR SHARE", keys)
	}
	s.queueCAS(b, rows)

	br := s.pool.SendBatch(ctx, b)
	tx := br.Tx()
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = tx.Rollback(rctx) // after Commit: ErrTxClosed, nothing to do
	}()
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return fail(err)
	}
	var fenceErr error
	if len(keys) > 0 {
		held := make(map[string]int64, len(keys))
		res, err := br.Query()
		if err == nil {
			var k string
			var e int64
			_, err = pgx.ForEachRow(res, []any{&k, &e}, func() error { held[k] = e; return nil })
		}
		if err != nil {
			_ = br.Close()
			return fail(err)
		}
		for _, w := range ws {
			if e, ok := held[w.Fence.Key]; !w.Fence.IsZero() && (!ok || uint64(e) != w.Fence.Epoch) {
				fenceErr = fenced(w.Fence)
				break
			}
		}
	}
	got := make(map[string]written, len(rows))
	for range s.casStatements(rows) {
		res, err := br.Query()
		if err == nil {
			var id string
			var wr written
			_, err = pgx.ForEachRow(res, []any{&id, &wr.from, &wr.version, &wr.now}, func() error { got[id] = wr; return nil })
		}
		if err != nil {
			_ = br.Close()
			return fail(err)
		}
	}
	if err := br.Close(); err != nil {
		return fail(err)
	}
	if fenceErr != nil {
		return store.BatchResult{}, fenceErr
	}

	res := store.BatchResult{Written: make([]hoststate.Record, 0, len(got))}
	var changes, all []store.Transition
	for i, r := range rows {
		wr, ok := got[r.rec.ID]
		if !ok {
			res.Conflicts = append(res.Conflicts, r.rec.ID)
			continue
		}
		rec := r.rec
		rec.Version = uint64(wr.version)
		from, changed := hoststate.StatusUnknown, rec.Status != hoststate.StatusUnknown
		if wr.from != nil {
			// A stored name that does not parse (a hand-edited row) reads
			// as unknown; the new status is a change either way.
			from, _ = hoststate.ParseStatus(*wr.from)
			changed = *wr.from != r.status
		}
		at := rec.Since
		if at.IsZero() {
			at = utc(wr.now)
		}
		tr := store.Transition{ID: rec.ID, From: from, To: rec.Status, Reason: clean(ws[i].Reason), RawStatus: rec.ProviderStatus, At: at, Version: rec.Version}
		if changed {
			changes = append(changes, tr)
		}
		if s.cfg.AfterWrite != nil {
			if !changed {
				tr.From = tr.To
			}
			all = append(all, tr)
		}
		res.Written = append(res.Written, rec)
	}
	if len(changes) > 0 {
		if err := s.recordChanges(ctx, tx, changes); err != nil {
			return fail(err)
		}
	}
	for i, tr := range all {
		if err := s.cfg.AfterWrite(ctx, tx, res.Written[i], tr); err != nil {
			return store.BatchResult{}, fmt.Errorf("pgstore: AfterWrite for %q: %w", boundedID(tr.ID), err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	return res, nil
}

// fenced is the ErrFenced error for f.
func fenced(f store.Fence) error {
	return fmt.Errorf("%w: %q at epoch %d", store.ErrFenced, boundedID(f.Key), f.Epoch)
}

// casStatements returns how many compare-and-swap statements queueCAS
// queues for rows (one per kind of write present), as a range.
func (s *Store) casStatements(rows []row) []struct{} {
	updates, inserts := 0, 0
	for _, r := range rows {
		if r.rec.Version == 0 {
			inserts++
		} else {
			updates++
		}
	}
	return make([]struct{}, min(updates, 1)+min(inserts, 1))
}

// The compare-and-swap statements return, per written host, its id, the
// status it had (NULL for an insert), its new version and the
// transaction's now(). The UPDATE joins the row to itself (o) for the old
// status: the join reads the statement's snapshot, and an UPDATE that
// matched version $2 changed exactly the row of that snapshot (a
// concurrent write would have bumped the version, and the re-check of
// the WHERE on the newer row would have failed).
const (
	setColumns = "version = h.version + 1, status = w.status, provider = w.provider, next_check = w.next_check, " +
		"last_seen = w.last_seen, address = w.address, pending_count = w.pending_count, ref = w.ref, rest = w.rest"
	unnestColumns = "AS w(id, version, status, provider, next_check, last_seen, address, pending_count, ref, rest)"
	unnestArgs    = "unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], " +
		"$7::text[], $8::bigint[], $9::jsonb[], $10::jsonb[])"
)

// queueCAS queues the compare-and-swap of rows: for one row the plain
// single-row statements, for more the unnest ones.
func (s *Store) queueCAS(b *pgx.Batch, rows []row) {
	if len(rows) == 1 {
		r := rows[0]
		cols := []any{r.rec.ID, r.version, r.status, r.rec.Provider, r.rec.NextCheck, r.rec.LastSeen, r.rec.Address, int64(r.rec.PendingCount), r.ref, r.rest}
		if r.rec.Version == 0 {
			b.Queue("INSERT INTO "+s.t.hosts+" ("+hostColumns+") VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9) "+
				"ON CONFLICT (id) DO NOTHING RETURNING id, NULL::text, version, now()",
				slices.Delete(cols, 1, 2)...)
			return
		}
		b.Queue("UPDATE "+s.t.hosts+" AS h SET version = h.version + 1, status = $3, provider = $4, next_check = $5, "+
			"last_seen = $6, address = $7, pending_count = $8, ref = $9, rest = $10 FROM "+s.t.hosts+" AS o "+
			"WHERE h.id = $1 AND h.version = $2 AND o.id = h.id RETURNING h.id, o.status, h.version, now()", cols...)
		return
	}
	// Sorted by id, so concurrent batches lock rows in one order.
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b row) int { return strings.Compare(a.rec.ID, b.rec.ID) })
	var up, in columns
	for _, r := range sorted {
		if r.rec.Version == 0 {
			in.add(r)
		} else {
			up.add(r)
		}
	}
	if len(up.id) > 0 {
		b.Queue("UPDATE "+s.t.hosts+" AS h SET "+setColumns+" FROM "+unnestArgs+" "+unnestColumns+", "+s.t.hosts+" AS o "+
			"WHERE h.id = w.id AND h.version = w.version AND o.id = w.id RETURNING h.id, o.status, h.version, now()", up.args()...)
	}
	if len(in.id) > 0 {
		b.Queue("INSERT INTO "+s.t.hosts+" ("+hostColumns+") SELECT w.id, 1, w.status, w.provider, w.next_check, w.last_seen, "+
			"w.address, w.pending_count, w.ref, w.rest FROM "+unnestArgs+" "+unnestColumns+
			" ON CONFLICT (id) DO NOTHING RETURNING id, NULL::text, version, now()", in.args()...)
	}
}

// columns is rows as parameter arrays for unnest.
type columns struct {
	id, status, provider, address, ref, rest []string
	version, pending                         []int64
	nextCheck, lastSeen                      []time.Time
}

func (c *columns) add(r row) {
	c.id = append(c.id, r.rec.ID)
	c.version = append(c.version, r.version)
	c.status = append(c.status, r.status)
	c.provider = append(c.provider, r.rec.Provider)
	c.nextCheck = append(c.nextCheck, r.rec.NextCheck)
	c.lastSeen = append(c.lastSeen, r.rec.LastSeen)
	c.address = append(c.address, r.rec.Address)
	c.pending = append(c.pending, int64(r.rec.PendingCount))
	c.ref = append(c.ref, r.ref)
	c.rest = append(c.rest, r.rest)
}

func (c *columns) args() []any {
	return []any{c.id, c.version, c.status, c.provider, c.nextCheck, c.lastSeen, c.address, c.pending, c.ref, c.rest}
}

// maxPayload is PostgreSQL's NOTIFY payload limit (shorter than 8000
// bytes).
const maxPayload = 8000

// recordChanges writes the history rows of trs, prunes those hosts'
// entries past the retention, and queues one NOTIFY per change, in tx: it
// all commits with the write or not at all. A transition whose JSON does
// not fit a NOTIFY is sent as its id and version, and the subscriber reads
// it from the history.
func (s *Store) recordChanges(ctx context.Context, tx pgx.Tx, trs []store.Transition) error {
	n := len(trs)
	ids, froms, tos, reasons, raws, payloads := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	versions, ats := make([]int64, n), make([]time.Time, n)
	for i, tr := range trs {
		ids[i], froms[i], tos[i], reasons[i], raws[i], versions[i], ats[i] = tr.ID, tr.From.String(), tr.To.String(), tr.Reason, tr.RawStatus, int64(tr.Version), tr.At
		p, err := json.Marshal(tr)
		if err != nil || len(p) >= maxPayload {
			p, _ = json.Marshal(notice{ID: tr.ID, Version: tr.Version, Truncated: true})
		}
		payloads[i] = string(p)
	}
	b := &pgx.Batch{}
	b.Queue("INSERT INTO "+s.t.history+" (host, version, from_status, to_status, reason, raw_status, at) "+
		"SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])",
		ids, versions, froms, tos, reasons, raws, ats)
	b.Queue("DELETE FROM "+s.t.history+" WHERE host = ANY($1) AND at < now() - $2::bigint * interval '1 microsecond'",
		ids, s.cfg.HistoryRetention.Microseconds())
	b.Queue("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", s.channel, payloads)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}
