// Package pgstore is a [store.Store] on PostgreSQL, through
// github.com/jackc/pgx/v5 and a caller-owned pgxpool.Pool, for a control
// plane that keeps its hosts in PostgreSQL and runs more than one replica.
// It passes store/storetest unchanged.
//
// # Schema
//
// The migrations are embedded (migrations/NNNN_name.sql) and applied by
// [Migrate], or by [Open] with Config.Migrate, in the pool's current schema,
// recorded in driftless_schema_migrations. driftless_hosts has typed,
// indexed columns for what selection and the UI filter on (status,
// provider, next_check, last_seen, address, pending_count, version) and
// jsonb for the provider reference and the rest of the record;
// driftless_history, driftless_leases and driftless_reports hold the status
// changes, the leases and the connector reports.
//
// # Writes
//
// [Store.Update] is one compare-and-swap statement (UPDATE ... WHERE id = $1
// AND version = $2, or INSERT ... ON CONFLICT DO NOTHING for a new host);
// [Store.UpdateBatch] is one UPDATE ... FROM unnest(...) and one INSERT ...
// SELECT FROM unnest(...) for any number of hosts, and reports the hosts
// neither wrote as conflicts. Either runs in one transaction with the
// fence check, the history rows and the NOTIFYs of the status changes and
// [Config].AfterWrite, so it commits whole or not at all. Every accepted write
// bumps the version, even one that changes nothing.
//
// # Time
//
// timestamptz keeps microseconds: [Store.Precision] is a microsecond, and
// every write returns the record exactly as a later read does (times
// truncated, in UTC). Leases, report stamps and history retention use the
// database's clock (now()), never a replica's.
//
// # Text
//
// PostgreSQL text holds neither NUL nor invalid UTF-8: a record's strings
// are stored with each such byte as U+FFFD (and returned so by Update). Ids
// hold neither: store.ValidID refuses them in every store.
//
// # Bad rows
//
// A stored row that does not decode (an unknown status name, jsonb of the
// wrong shape) is a [*DecodeError] from Get, matching
// store.ErrInvalidRecord, and is skipped and logged by List and Due, so it
// is never rewritten by a reconciler that never saw it.
package pgstore
