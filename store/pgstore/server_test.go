package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/driftless/driftless/store/pgstore"
)

// The tests run against a real PostgreSQL: by default one TestMain starts
// for this test binary (initdb into a temporary directory, listening only
// on a unix socket there), or the server DRIFTLESS_PG_URL points at. Each
// test gets a schema of its own, dropped afterwards. No test skips: a
// server that cannot start fails the binary with the reason.

var (
	// testDSN connects to the test database. It may hold a password
	// (DRIFTLESS_PG_URL): never print it.
	testDSN string
	// admin is a pool on the test database for creating and dropping the
	// tests' schemas.
	admin *pgxpool.Pool
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	testDSN = os.Getenv("DRIFTLESS_PG_URL")
	if testDSN == "" {
		srv, err := startServer()
		if err != nil {
			fmt.Fprintf(os.Stderr, "pgstore tests: cannot start a PostgreSQL server: %v\n"+
				"Install PostgreSQL (bash .ci/install-postgres.sh) or set DRIFTLESS_PG_URL to a server's URL.\n", err)
			return 1
		}
		defer srv.stop()
		testDSN = srv.dsn
		// For the package example, which reads it as a program would.
		os.Setenv("DRIFTLESS_PG_URL", testDSN)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	if admin, err = pgxpool.New(ctx, testDSN); err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgstore tests: cannot reach the test database: %v\n", err)
		return 1
	}
	defer admin.Close()
	return m.Run()
}

// server is a PostgreSQL server started for the tests.
type server struct {
	bin, dir, dsn string
	asPostgres    bool // run the tools as the postgres user (we are root)
}

// startServer initdbs a cluster into a fresh temporary directory and
// starts it on a unix socket in that directory, with durability off unless
// DRIFTLESS_PG_FSYNC=on (benchmarks of commit cost want it on).
func startServer() (*server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgstore-test-")
	if err != nil {
		return nil, err
	}
	s := &server{bin: bin, dir: dir}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(dir)
		}
	}()
	// PostgreSQL refuses to run as root: the cluster belongs to the
	// postgres user, and so does its directory.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs a postgres user to own the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
		s.asPostgres = true
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -p 5432 -c max_connections=200", dir)
	if os.Getenv("DRIFTLESS_PG_FSYNC") != "on" {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if out, err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=5432 user=postgres dbname=postgres sslmode=disable", dir))
	if err == nil {
		_, err = conn.Exec(ctx, "CREATE DATABASE driftless_test")
		_ = conn.Close(ctx)
	}
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("create the test database: %w", err)
	}
	s.dsn = fmt.Sprintf("host=%s port=5432 user=postgres dbname=driftless_test sslmode=disable", dir)
	ok = true
	return s, nil
}

// run runs one of the server's tools, as postgres when we are root.
func (s *server) run(tool string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, tool)
	cmd := exec.Command(path, args...)
	if s.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

// stop stops the server and removes its directory.
func (s *server) stop() {
	if out, err := s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop"); err != nil {
		fmt.Fprintf(os.Stderr, "pgstore tests: pg_ctl stop: %v\n%s", err, out)
	}
	_ = os.RemoveAll(s.dir)
}

// findBin returns the directory of the newest installed initdb, pg_ctl
// and postgres: Debian keeps them in /usr/lib/postgresql/<major>/bin, off
// the PATH.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	major := func(d string) int { n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d))); return n }
	slices.SortFunc(dirs, func(a, b string) int { return major(b) - major(a) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no initdb under /usr/lib/postgresql/*/bin or on the PATH")
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

// schemas numbers the tests' schemas.
var schemas atomic.Int64

// nonIdent is what a schema name built from a test name leaves out.
var nonIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// newSchema creates an empty schema for t, dropped when t ends, and
// returns a pool whose connections use it.
func newSchema(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	name := nonIdent.ReplaceAllString(strings.ToLower(t.Name()), "_")
	schema := fmt.Sprintf("t%d_%.40s", schemas.Add(1), name)
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(testDSN)
	if err != nil {
		t.Fatal("parse the test DSN") // not the DSN itself: it may hold a password
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return pool, schema
}

// newStore returns a store on a fresh schema, migrated on Open.
func newStore(t testing.TB, cfg pgstore.Config) (*pgstore.Store, *pgxpool.Pool) {
	t.Helper()
	pool, _ := newSchema(t)
	cfg.Migrate = true
	s, err := pgstore.Open(context.Background(), pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, pool
}
