package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// notice is a change-feed payload too long for NOTIFY cut to the keys of
// its history row. A full payload is a store.Transition's JSON.
type notice struct {
	ID        string `json:"id"`
	Version   uint64 `json:"version"`
	Truncated bool   `json:"truncated"`
}

// Subscribe implements store.Store with LISTEN on a connection of its own,
// taken out of the pool for the subscription's life: every status change
// committed after Subscribe returns arrives, in commit order. The channel
// closes when ctx ends, when the subscriber falls FeedBuffer changes
// behind, or when the listening connection drops (a dropped connection may
// have lost notifications, so it is not redialled silently); in each case
// the subscriber re-reads what it needs and subscribes again.
func (s *Store) Subscribe(ctx context.Context) (<-chan store.Transition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgstore: subscribe: %w", err)
	}
	// Hijacked, the connection is ours: the pool neither reuses nor counts
	// it, and closing it is this subscription's job.
	conn := pc.Hijack()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("pgstore: subscribe: %w", err)
	}
	ch := make(chan store.Transition, s.cfg.FeedBuffer)
	go s.listen(ctx, conn, ch)
	return ch, nil
}

// listen forwards conn's notifications to ch until ctx ends, the
// connection fails or ch is full, then closes both.
func (s *Store) listen(ctx context.Context, conn *pgx.Conn, ch chan<- store.Transition) {
	defer func() {
		close(ch)
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.LogAttrs(ctx, slog.LevelWarn, "pgstore: change feed connection lost; closing the feed", slog.Any("err", err))
			}
			return
		}
		tr, ok := s.transition(ctx, n.Payload)
		if !ok {
			continue
		}
		select {
		case ch <- tr:
		default:
			s.log.LogAttrs(ctx, slog.LevelWarn, "pgstore: change feed subscriber fell behind; closing its feed", slog.Int("buffer", cap(ch)))
			return
		}
	}
}

// transition decodes a payload, reading a truncated one from the history.
// A payload that cannot be decoded (not one of ours) or whose history row
// is gone (pruned) is logged and dropped.
func (s *Store) transition(ctx context.Context, payload string) (store.Transition, bool) {
	var n struct {
		store.Transition
		Truncated bool `json:"truncated"`
	}
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "pgstore: change feed payload does not decode", slog.Any("err", err))
		return store.Transition{}, false
	}
	tr := n.Transition
	if !n.Truncated {
		tr.At = utc(tr.At)
		return tr, true
	}
	var from, to string
	err := s.pool.QueryRow(ctx, "SELECT from_status, to_status, reason, raw_status, at FROM "+s.t.history+" WHERE host = $1 AND version = $2",
		tr.ID, int64(tr.Version)).Scan(&from, &to, &tr.Reason, &tr.RawStatus, &tr.At)
	if err == nil {
		tr.From, err = hoststate.ParseStatus(from)
	}
	if err == nil {
		tr.To, err = hoststate.ParseStatus(to)
	}
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			err = errors.New("history row gone")
		}
		s.log.LogAttrs(ctx, slog.LevelWarn, "pgstore: change feed entry unreadable", slog.String("host", boundedID(tr.ID)), slog.Any("err", err))
		return store.Transition{}, false
	}
	tr.At = utc(tr.At)
	return tr, true
}
