package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles holds the schema, one file per version, named
// NNNN_name.sql and applied in version order.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one versioned schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("pgstore: read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("pgstore: migration file %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("pgstore: read migration %q: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}

// SchemaVersion is the schema version this package's queries need: the
// highest embedded migration.
const SchemaVersion = 1

// Migrate brings the driftless tables in the pool's current schema (the
// first schema of its search_path) up to [SchemaVersion], applying each
// missing migration and recording it in driftless_schema_migrations. It runs
// in one transaction under an advisory lock, so replicas starting together
// migrate once and a failed migration leaves the schema as it was. It is
// safe to call on every start.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	schema, err := currentSchema(ctx, tx)
	if err != nil {
		return err
	}
	// The lock is per schema: two stores in two schemas migrate
	// independently. It is released at commit or rollback.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('driftless.migrate.' || $1, 0))", schema); err != nil {
		return fmt.Errorf("pgstore: migrate: lock: %w", err)
	}
	// SET LOCAL pins the migrations' unqualified names to that schema for
	// this transaction only.
	if _, err := tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("pgstore: migrate: search_path: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS driftless_schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`); err != nil {
		return fmt.Errorf("pgstore: migrate: create driftless_schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		// No arguments: pgx sends the file with the simple protocol, which
		// runs every statement in it.
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return fmt.Errorf("pgstore: migration %04d_%s: %w", m.version, m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO driftless_schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return fmt.Errorf("pgstore: record migration %04d: %w", m.version, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: commit: %w", err)
	}
	return nil
}

// appliedVersions reads driftless_schema_migrations.
func appliedVersions(ctx context.Context, q pgx.Tx) (map[int]bool, error) {
	rows, err := q.Query(ctx, "SELECT version FROM driftless_schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("pgstore: read schema version: %w", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("pgstore: read schema version: %w", err)
	}
	out := make(map[int]bool, len(vs))
	for _, v := range vs {
		out[int(v)] = true
	}
	return out, nil
}

// ErrSchema is matched by the error [Open] returns when the schema is
// missing or older than [SchemaVersion] and Config.Migrate is off.
var ErrSchema = errors.New("pgstore: schema not migrated")

// querier is what currentSchema and checkSchema need of a pool or a tx.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// currentSchema returns the schema unqualified names resolve to.
func currentSchema(ctx context.Context, q querier) (string, error) {
	var schema *string
	if err := q.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return "", fmt.Errorf("pgstore: current schema: %w", err)
	}
	if schema == nil {
		return "", fmt.Errorf("%w: the search_path names no existing schema", ErrSchema)
	}
	return *schema, nil
}

// checkSchema returns an error matching ErrSchema unless schema holds the
// tables at SchemaVersion or later.
func checkSchema(ctx context.Context, q querier, schema string) error {
	var v *int32
	err := q.QueryRow(ctx, "SELECT CASE WHEN to_regclass($1) IS NULL THEN NULL ELSE 0 END", pgx.Identifier{schema, "driftless_schema_migrations"}.Sanitize()).Scan(&v)
	if err != nil {
		return fmt.Errorf("pgstore: check schema: %w", err)
	}
	if v != nil {
		err = q.QueryRow(ctx, "SELECT max(version) FROM "+pgx.Identifier{schema, "driftless_schema_migrations"}.Sanitize()).Scan(&v)
		if err != nil {
			return fmt.Errorf("pgstore: check schema: %w", err)
		}
	}
	if v == nil || *v < SchemaVersion {
		have := 0
		if v != nil {
			have = int(*v)
		}
		return fmt.Errorf("%w: schema %q is at version %d, this package needs %d (run pgstore.Migrate or set Config.Migrate)", ErrSchema, schema, have, SchemaVersion)
	}
	return nil
}
