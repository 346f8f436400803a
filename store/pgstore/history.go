package pgstore

import (
	"context"
	"fmt"

	"time"

	"github.com/jackc/pgx/v5"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// History implements store.Store: the host's status changes at or after
// since, in the order they were written (version order), as far back as
// HistoryRetention keeps them.
func (s *Store) History(ctx context.Context, id string, since time.Time) ([]store.Transition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !storableText(id) || len(id) > store.MaxIDLen {
		return nil, notFound(id)
	}
	// One query answers both "which changes" and "is there such a host":
	// the host row is joined in, with no change rows for a host without.
	rows, err := s.pool.Query(ctx, "SELECT h.version, h.from_status, h.to_status, h.reason, h.raw_status, h.at FROM "+s.t.hosts+" AS x "+
		"LEFT JOIN "+s.t.history+" AS h ON h.host = x.id AND h.at >= $2 WHERE x.id = $1 ORDER BY h.version", id, dbTime(since.Truncate(precision)))
	if err != nil {
		return nil, fmt.Errorf("pgstore: history %q: %w", boundedID(id), err)
	}
	found := false
	out := []store.Transition{}
	var (
		version        *int64
		from, to       *string
		reason, raw    *string
		at             *time.Time
		parseFrom, pTo error
	)
	_, err = pgx.ForEachRow(rows, []any{&version, &from, &to, &reason, &raw, &at}, func() error {
		found = true
		if version == nil {
			return nil // the host, without changes since
		}
		tr := store.Transition{ID: id, Version: uint64(*version), Reason: *reason, RawStatus: *raw, At: utc(*at)}
		tr.From, parseFrom = hoststate.ParseStatus(*from)
		tr.To, pTo = hoststate.ParseStatus(*to)
		if parseFrom != nil || pTo != nil {
			return &DecodeError{ID: boundedID(id), Err: fmt.Errorf("history version %d: %w", *version, firstErr(parseFrom, pTo))}
		}
		out = append(out, tr)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: history %q: %w", boundedID(id), err)
	}
	if !found {
		return nil, notFound(id)
	}
	return out, nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// PruneHistory deletes every status change older than HistoryRetention,
// on the database's clock, and returns how many it deleted. Writes prune
// the history of the hosts whose status they change; run this
// periodically (daily is plenty) for hosts that stopped changing.
func (s *Store) PruneHistory(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM "+s.t.history+" WHERE at < now() - $1::bigint * interval '1 microsecond'",
		s.cfg.HistoryRetention.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("pgstore: prune history: %w", err)
	}
	return tag.RowsAffected(), nil
}
