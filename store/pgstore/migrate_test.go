package pgstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/driftless/driftless/store/pgstore"
)

func TestMigrate(t *testing.T) {
	pool, schema := newSchema(t)
	ctx := t.Context()
	if _, err := pgstore.Open(ctx, pool, pgstore.Config{}); !errors.Is(err, pgstore.ErrSchema) {
		t.Fatalf("Open on an empty schema = %v, want ErrSchema", err)
	}
	// Replicas starting together migrate once.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() { errs <- pgstore.Migrate(ctx, pool) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	var versions []int32
	rows, err := pool.Query(ctx, "SELECT version FROM driftless_schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v int32
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if len(versions) != pgstore.SchemaVersion || versions[len(versions)-1] != pgstore.SchemaVersion {
		t.Fatalf("applied %v, want 1..%d once each", versions, pgstore.SchemaVersion)
	}
	s, err := pgstore.Open(ctx, pool, pgstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Schema() != schema {
		t.Fatalf("Schema() = %q, want %q", s.Schema(), schema)
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	const secret = "s3cr3t-pw"
	cfg, err := pgxpool.ParseConfig("postgres://someone:" + secret + "@/nowhere?host=/nonexistent-dir&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, err = pgstore.Open(t.Context(), pool, pgstore.Config{Migrate: true})
	if err == nil {
		t.Fatal("Open on an unreachable server succeeded")
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("the password is in the error: %v", err)
	}
}
