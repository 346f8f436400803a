// Command controlplane runs a complete small control plane on driftless:
// a MemStore, a simulated fleet, the reconciler, the action waiters, the
// HTTP API with its dashboard (package hostapi), simulated host daemons
// heartbeating through that API, and Prometheus metrics.
//
//	go run ./examples/controlplane [-addr 127.0.0.1:8080] [-speed 10] [-hosts 3] [-emulate] [-shadow]
//
// Open the printed address for the dashboard; the JSON API is under
// /api/ and the metrics at /metrics. The fleet runs on a simulated clock
// at -speed times the wall clock (a two-minute reconcile tick every 12
// seconds at the default 10), has -hosts hosts of each provider kind
// (odd ones running), a host whose daemon is dead (gcp-1: it goes stale),
// and a console stop or start behind the control plane's back every
// -drift of simulated time.
//
// -emulate reaches GCP, Hyperstack and Lambda through their HTTP
// emulators with the real adapters (Nebius through its real adapter over
// fake services); otherwise every provider is the in-process simulation.
// -shadow runs the reconciler dry (reconcile.Config.DryRun) and prints
// each tick's disagreements — what it would have written — to stdout.
// -tokens FILE writes the host daemons' tokens there ("host-id token"
// lines, mode 0600), to play a daemon with curl:
//
//	curl -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
//	    -d '{"host_id":"gcp-3"}' http://127.0.0.1:8080/api/hosts/gcp-3/heartbeat
//
// -postgres URL keeps the records in PostgreSQL (store/pgstore, schema
// migrated on start) instead of the in-memory store; hosts already there
// are kept as they are.
//
// SIGINT or SIGTERM shuts down cleanly: the daemons and the reconciler
// stop, the HTTP server drains (event streams end), then the action
// waiters stop, leaving any unfinished action's transitional status and
// deadline for the next reconciler.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/driftless/driftless/examples/internal/cli"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/metrics/prom"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/store/pgstore"
	"github.com/driftless/driftless/waiter"
)

func main() {
	o, code, ok := parseFlags(os.Args[1:], os.Stdout, os.Stderr)
	if !ok {
		os.Exit(code)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "controlplane:", err)
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	addr     string
	speed    float64
	perKind  int
	seed     int64
	emulate  bool
	shadow   bool
	drift    time.Duration
	tokens   string
	verbose  bool
	postgres string
}

// parseFlags parses args; it reports false, with the exit status, if the
// command must not go on. -h, -help and --help print the usage to stdout
// (status 0); a bad flag or argument prints the problem and the usage to
// stderr (status 2).
func parseFlags(args []string, stdout, stderr io.Writer) (options, int, bool) {
	var o options
	fs := flag.NewFlagSet("controlplane", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to serve the dashboard, the API and /metrics on")
	fs.Float64Var(&o.speed, "speed", 10, "simulated seconds per wall-clock second")
	fs.IntVar(&o.perKind, "hosts", 3, "hosts of each provider kind (gcp, nebius, hyperstack, lambda, selfhost)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the simulated cloud and its drift")
	fs.BoolVar(&o.emulate, "emulate", false, "reach the providers through their HTTP emulators with the real adapters")
	fs.BoolVar(&o.shadow, "shadow", false, "run the reconciler dry and print what it would write")
	fs.DurationVar(&o.drift, "drift", 10*time.Minute, "simulated time between console stops and starts behind the control plane's back (0: none)")
	fs.StringVar(&o.tokens, "tokens", "", "write the host daemons' tokens to this file (mode 0600)")
	fs.BoolVar(&o.verbose, "v", false, "log every request and heartbeat")
	fs.StringVar(&o.postgres, "postgres", "", "PostgreSQL URL to keep the records in (store/pgstore) instead of memory")
	cmd := command()
	err := cmd.Parse(fs, args, stdout)
	switch {
	case err != nil:
	case fs.NArg() > 0:
		err = cmd.UsageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	case o.speed <= 0 || o.speed > 10000 || o.perKind < 1 || o.perKind > 1000 || o.drift < 0:
		err = cmd.UsageError(fs, errors.New("need 0 < -speed ≤ 10000, 1 ≤ -hosts ≤ 1000 and -drift ≥ 0"))
	}
	if err != nil {
		return o, cli.ExitStatus("controlplane", err, stderr), false
	}
	return o, 0, true
}

// run serves the control plane until ctx ends. ready, when set, receives
// the base URL once the server listens.
func run(ctx context.Context, o options, stdout, stderr io.Writer, ready func(base string)) error {
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	clk := newWallClock(time.Now().UTC().Truncate(time.Second), o.speed)
	work, stopWork := context.WithCancel(ctx)
	defer stopWork()
	var wg sync.WaitGroup
	clockDone := make(chan struct{})
	clockCtx, stopClock := context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		defer close(clockDone)
		clk.run(clockCtx)
	}()
	defer func() {
		stopClock()
		<-clockDone
	}()

	fl, err := newFleet(ctx, clk, o.perKind, o.seed, o.emulate)
	if err != nil {
		return err
	}
	defer fl.close()
	st, closeStore, err := openStore(ctx, o.postgres, clk)
	if err != nil {
		return err
	}
	defer closeStore()
	for _, rec := range fl.hosts {
		// A host a previous run stored (PostgreSQL) keeps its record.
		if _, err := st.Update(ctx, store.Write{Record: rec, Reason: "imported"}); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	reg, err := kernel.New(kernel.Config{Providers: fl.providers, Seed: uint64(o.seed)})
	if err != nil {
		return err
	}
	promReg := prometheus.NewRegistry()
	metrics, err := prom.New(promReg)
	if err != nil {
		return err
	}
	actions, err := waiter.New(waiter.Config{Store: st, Registry: reg, Clock: clk, Metrics: metrics, Logger: log, Seed: uint64(o.seed)})
	if err != nil {
		return err
	}
	rcfg := reconcile.Config{Store: st, Clock: clk, Registry: reg, Metrics: metrics, Logger: log, Seed: uint64(o.seed), DryRun: o.shadow}
	if o.shadow {
		rcfg.OnReport = func(rep reconcile.Report) { printShadow(stdout, rep) }
	}
	rec, err := reconcile.New(rcfg)
	if err != nil {
		return err
	}

	tokens := make(map[string]string, len(fl.hosts))
	for _, h := range fl.hosts {
		tokens[h.ID] = rand.Text()
	}
	if o.tokens != "" {
		if err := writeTokens(o.tokens, tokens); err != nil {
			return err
		}
	}
	auth, err := hostapi.NewStaticTokens(tokens)
	if err != nil {
		return err
	}
	api, err := hostapi.New(hostapi.Config{Store: st, Registry: reg, Actions: actions, Reconciler: rec,
		Authenticator: auth, Clock: clk, Logger: log, Secrets: fl.secrets})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle("GET /metrics", promhttp.HandlerFor(promReg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError)}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	srv.RegisterOnShutdown(api.Close)
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String() + "/"
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	mode := "simulated cloud"
	if o.emulate {
		mode = "HTTP emulators and the real adapters"
	}
	if o.shadow {
		mode += ", shadow reconciler (writes nothing)"
	}
	fmt.Fprintf(stdout, "driftless control plane: %d hosts, %s, %g× speed\n", len(fl.hosts), mode, o.speed)
	fmt.Fprintf(stdout, "  dashboard  %s\n  API        %sapi/hosts\n  metrics    %smetrics\n", base, base, base)
	if o.tokens != "" {
		fmt.Fprintf(stdout, "  tokens     %s\n", o.tokens)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = rec.Run(work)
	}()
	env := &agentEnv{clk: clk, cloud: fl.cloud, base: base, client: &http.Client{Timeout: 10 * time.Second}, log: log}
	for _, h := range fl.hosts {
		a := agent{id: h.ID, kind: h.Provider, token: tokens[h.ID], rec: h, silent: h.ID == "gcp-1"}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.run(work, env)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		drift(work, clk, fl.cloud, fl.hosts, o.drift, o.seed, log)
	}()
	if ready != nil {
		ready(base)
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stopWork()
		wg.Wait()
		actions.Close()
		return err
	}
	fmt.Fprintln(stdout, "shutting down")
	stopWork()
	wg.Wait()
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	actions.Close()
	if err != nil {
		return fmt.Errorf("shutting the server down: %w", err)
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printShadow prints what a dry tick would have written.
func printShadow(w io.Writer, rep reconcile.Report) {
	for _, c := range rep.Changes {
		fmt.Fprintf(w, "shadow: tick %d: %s (%s) %s → %s (%s)\n", rep.Tick, c.ID, c.Provider, c.From, c.To, c.Reason)
	}
}

// writeTokens writes the token table, readable by its owner only.
func writeTokens(path string, tokens map[string]string) error {
	ids := make([]string, 0, len(tokens))
	for id := range tokens {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	b.WriteString("# host-id token: the simulated host daemons' bearer tokens\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "%s %s\n", id, tokens[id])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("writing the tokens: %w", err)
	}
	return nil
}

// openStore returns the in-memory store, or the PostgreSQL one at url.
func openStore(ctx context.Context, url string, clk clock.Clock) (store.Store, func(), error) {
	if url == "" {
		return store.NewMemStore(store.MemConfig{Now: clk.Now}), func() {}, nil
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	st, err := pgstore.Open(ctx, pool, pgstore.Config{Migrate: true})
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	return st, pool.Close, nil
}

// command is the command's usage text.
func command() cli.Command {
	return cli.Command{Synopsis: "[flags]", About: []string{
		"Controlplane runs a small control plane on driftless over a simulated fleet: the reconciler,",
		"the action waiters, the HTTP API with its dashboard, heartbeating host daemons and /metrics.",
	}}
}
