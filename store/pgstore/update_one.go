package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// updateOne is Update without an AfterWrite hook: the whole write as one
// statement, so it costs one round trip and no BEGIN/COMMIT (measured
// here: 283–364 µs per fenced write against 370–430 µs for the explicit
// transaction). Data-modifying CTEs run in the statement's snapshot and
// commit together:
//
//   - fence share-locks the lease row when the write carries a fence; the
//     compare-and-swap only runs if it found the lease at the epoch,
//     unexpired, and a takeover waits for the commit;
//   - cas is the compare-and-swap; its self-join o reads the old status
//     (see the batch statements for why that is the replaced row);
//   - hist, prune and note write the history row, drop the host's entries
//     past the retention and NOTIFY the change, only when the status
//     changed. prune runs in the same snapshot as hist and cannot see its
//     row, so hist itself leaves out a change already past the retention.
//
// The NOTIFY payload is built here as store.Transition's JSON, cut to the
// id and version past NOTIFY's limit, as the batch path builds it in Go.
func (s *Store) updateOne(ctx context.Context, w store.Write, r row) (store.BatchResult, error) {
	var key *string
	var epoch int64
	if !w.Fence.IsZero() {
		if !storableText(w.Fence.Key) || w.Fence.Epoch > 1<<63-1 {
			return store.BatchResult{}, fenced(w.Fence)
		}
		key, epoch = &w.Fence.Key, int64(w.Fence.Epoch)
	}
	var at *time.Time
	if !r.rec.Since.IsZero() {
		at = &r.rec.Since
	}
	reason := clean(w.Reason)
	var (
		fences, notes int
		version       *int64
	)
	err := s.pool.QueryRow(ctx, s.updateOneSQL(r.rec.Version == 0),
		r.rec.ID, r.version, r.status, r.rec.Provider, r.rec.NextCheck, r.rec.LastSeen, r.rec.Address, int64(r.rec.PendingCount), r.ref, r.rest,
		key, epoch, reason, r.rec.ProviderStatus, at, s.statusNames, s.cfg.HistoryRetention.Microseconds(), s.channel,
	).Scan(&fences, &version, &notes)
	if err != nil {
		return store.BatchResult{}, fmt.Errorf("pgstore: write: %w", err)
	}
	if key != nil && fences == 0 {
		return store.BatchResult{}, fenced(w.Fence)
	}
	if version == nil {
		return store.BatchResult{Written: []hoststate.Record{}, Conflicts: []string{r.rec.ID}}, nil
	}
	rec := r.rec
	rec.Version = uint64(*version)
	return store.BatchResult{Written: []hoststate.Record{rec}}, nil
}

// validStatusNames returns the valid status names: a stored name outside
// them (a hand-edited row) is recorded as the change from unknown.
func validStatusNames() []string {
	var out []string
	for _, st := range hoststate.Statuses() {
		out = append(out, st.String())
	}
	return out
}

// updateOneSQL returns updateOne's statement, for an insert (version 0)
// or an update. Parameters: $1–$10 the row as in queueCAS, $11 and $12 the
// fence (key NULL for none), $13 the reason, $14 the raw status, $15 the
// change's time (NULL: now()), $16 the valid status names, $17 the
// retention in microseconds, $18 the NOTIFY channel.
func (s *Store) updateOneSQL(insert bool) string {
	cas := "UPDATE " + s.t.hosts + " AS h SET version = h.version + 1, status = $3, provider = $4, next_check = $5, " +
		"last_seen = $6, address = $7, pending_count = $8, ref = $9, rest = $10 FROM " + s.t.hosts + " AS o " +
		"WHERE h.id = $1 AND h.version = $2 AND o.id = h.id AND ($11::text IS NULL OR EXISTS (SELECT FROM fence)) " +
		"RETURNING h.id, h.version, CASE WHEN o.status = ANY($16::text[]) THEN o.status ELSE 'unknown' END AS from_status, " +
		"o.status IS DISTINCT FROM $3 AS changed"
	if insert {
		// $2 is 0 and $16 unneeded here; naming them keeps one parameter
		// list for both forms (PostgreSQL refuses a parameter no clause uses).
		cas = "INSERT INTO " + s.t.hosts + " (" + hostColumns + ") SELECT $1, 1, $3, $4, $5, $6, $7, $8, $9, $10 " +
			"WHERE $2::bigint = 0 AND cardinality($16::text[]) > 0 AND ($11::text IS NULL OR EXISTS (SELECT FROM fence)) " +
			"ON CONFLICT (id) DO NOTHING RETURNING id, version, 'unknown'::text AS from_status, $3 <> 'unknown' AS changed"
	}
	const (
		at     = "coalesce($15::timestamptz, now())"
		cutoff = "now() - $17::bigint * interval '1 microsecond'"
	)
	return "WITH fence AS (SELECT FROM " + s.t.leases + " WHERE key = $11 AND epoch = $12::bigint AND expires > now() FOR SHARE), " +
		"cas AS (" + cas + "), " +
		"hist AS (INSERT INTO " + s.t.history + " (host, version, from_status, to_status, reason, raw_status, at) " +
		"SELECT id, version, from_status, $3, $13, $14, " + at + " FROM cas WHERE changed AND " + at + " >= " + cutoff + "), " +
		"prune AS (DELETE FROM " + s.t.history + " WHERE host = $1 AND at < " + cutoff + " AND EXISTS (SELECT FROM cas WHERE changed)), " +
		"note AS (SELECT pg_notify($18, CASE WHEN octet_length(p) < 8000 THEN p " +
		"ELSE json_build_object('id', id, 'version', version, 'truncated', true)::text END) FROM (" +
		"SELECT id, version, json_build_object('id', id, 'from', from_status, 'to', $3::text, 'reason', $13::text, " +
		"'raw_status', $14::text, 'at', " + at + ", 'version', version)::text AS p FROM cas WHERE changed) AS c) " +
		// A CTE without side effects on rows runs only when read: the
		// result reads note's count (and scans it) so the NOTIFY happens.
		"SELECT (SELECT count(*) FROM fence), cas.version, (SELECT count(*) FROM note) " +
		"FROM (SELECT) AS one LEFT JOIN cas ON true"
}
