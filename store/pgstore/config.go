package pgstore

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Config configures a [Store]. The zero value works once the schema is
// migrated.
type Config struct {
	// Migrate applies the embedded migrations on Open (see [Migrate]).
	// Off, Open only checks that the schema is at SchemaVersion.
	Migrate bool
	// Logger receives what the store cannot return to a caller: rows that
	// do not decode and are skipped by List and Due, a change feed that
	// closes. nil discards.
	Logger *slog.Logger
	// HistoryRetention keeps status changes this long, by their time on
	// the record (Transition.At) against the database's clock. A write
	// that changes a host's status prunes that host's older entries;
	// [Store.PruneHistory] prunes every host, for a periodic job. Default
	// 30 days.
	HistoryRetention time.Duration
	// FeedBuffer is each subscriber's channel capacity; a subscriber that
	// falls this far behind has its channel closed. Default 1024.
	FeedBuffer int
	// AfterWrite, when set, runs for every record a write stores, inside
	// the write's transaction, before commit: a control plane mirrors the
	// status into its own tables with tx, atomically with the write. tr
	// describes the write (tr.From == tr.To when the status did not
	// change). An error rolls the whole write (or batch) back and is
	// returned wrapped. It must not commit or roll back tx.
	AfterWrite func(ctx context.Context, tx pgx.Tx, rec hoststate.Record, tr store.Transition) error
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HistoryRetention <= 0 {
		c.HistoryRetention = 30 * 24 * time.Hour
	}
	if c.FeedBuffer <= 0 {
		c.FeedBuffer = 1024
	}
	return c
}
