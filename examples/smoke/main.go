// Command smoke runs every provider through a host's whole lifecycle —
// create, start, reboot, stop, reprovision around the kept data volume,
// start, deprovision — through the waiter, with a reconcile tick after
// every step, and checks each step against the provider's own view
// (package smoke).
//
//	go run ./examples/smoke -emulate [-faults] [-json FILE]
//	go run ./examples/smoke -prefix smoke-$USER [-providers gcp,lambda] [-json FILE]
//
// -emulate runs gcp, hyperstack, lambda, nebius and selfhost through
// their real adapters against the in-process emulators, on a simulated
// clock that moves only while everything under test waits (a run takes
// simulated minutes in about a second, and repeats exactly). -faults adds
// the fault mode: each provider's plan again, one fault per step (create
// lag, a crash of the driver mid-action and a restart, 5xx, rate-limit
// storms, stale reads).
//
// Without -emulate the providers are the real clouds, with credentials
// from the environment (see usage); a provider without them is skipped
// with the reason. Every resource the run creates is named with -prefix,
// and the run touches nothing else; it deletes them at the end, on
// failure and on SIGINT/SIGTERM (a second signal stops at once), and
// prints any that remain.
//
// It prints one line per provider and step — ok, FAIL with what was
// expected and what was found, or skipped with the reason — with the
// step's duration, and ends with "smoke: N passed, M failed". -json FILE
// writes the same as JSON ("-" for stdout). The exit status is 0 only
// when nothing failed, 1 otherwise, 2 for bad flags.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/driftless/driftless/examples/internal/cli"
	"github.com/driftless/driftless/smoke"
	"github.com/driftless/driftless/smoke/smoketest"
)

func main() {
	o, code, ok := parseFlags(os.Args[1:], os.Stdout, os.Stderr)
	if !ok {
		os.Exit(code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "smoke: interrupted: cleaning up what the run created (again to stop at once)")
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "smoke: stopped before the cleanup finished; these may remain:", strings.Join(prefixed(o), ", "))
		os.Exit(1)
	}()
	os.Exit(run(ctx, o, os.Stdout, os.Stderr))
}

// prefixed names what a real run may create: every VM is named
// PREFIX-<provider>, every data volume PREFIX-<provider>-data.
func prefixed(o options) []string {
	if o.emulate {
		return []string{"nothing (emulated)"}
	}
	var names []string
	for _, p := range o.providers {
		names = append(names, fmt.Sprintf("%s: %s-%s and %s-%s-data", p, o.prefix, p, o.prefix, p))
	}
	return names
}

// options are the command-line settings.
type options struct {
	emulate   bool
	faults    bool
	jsonPath  string
	prefix    string
	providers []string
	seed      int64
}

// allProviders are the providers a run covers, in order.
var allProviders = []string{"gcp", "hyperstack", "lambda", "nebius", "selfhost"}

// parseFlags parses args; it reports false, with the exit status, if the
// command must not go on: -h prints the usage to stdout (0), a bad flag
// prints it to stderr (2).
func parseFlags(args []string, stdout, stderr io.Writer) (options, int, bool) {
	var o options
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.BoolVar(&o.emulate, "emulate", false, "run against the in-process emulators through the real adapters")
	fs.BoolVar(&o.faults, "faults", false, "also run each provider's plan under injected faults (needs -emulate)")
	fs.StringVar(&o.jsonPath, "json", "", "write the report as JSON to this file (\"-\": stdout)")
	fs.StringVar(&o.prefix, "prefix", "", "name prefix of every resource a real run creates (required without -emulate)")
	list := fs.String("providers", strings.Join(allProviders, ","), "comma-separated providers to run")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the emulated cloud and its faults")
	cmd := command()
	if err := cmd.Parse(fs, args, stdout); err != nil {
		return o, cli.ExitStatus("smoke", err, stderr), false
	}
	bad := func(msg string) (options, int, bool) {
		return o, cli.ExitStatus("smoke", cmd.UsageError(fs, errors.New(msg)), stderr), false
	}
	switch {
	case fs.NArg() > 0:
		return bad(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case o.faults && !o.emulate:
		return bad("-faults needs -emulate: real clouds take no injected faults")
	case !o.emulate && !validPrefix(o.prefix):
		return bad("a real run needs -prefix: 3 to 20 lower-case letters, digits and dashes, starting with a letter")
	}
	for _, p := range strings.Split(*list, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(allProviders, p) {
			return bad(fmt.Sprintf("unknown provider %q (want some of %s)", p, strings.Join(allProviders, ",")))
		}
		if !slices.Contains(o.providers, p) {
			o.providers = append(o.providers, p)
		}
	}
	return o, 0, true
}

// validPrefix checks a resource-name prefix: every provider's names
// accept it.
func validPrefix(p string) bool {
	if len(p) < 3 || len(p) > 20 || p[0] < 'a' || p[0] > 'z' {
		return false
	}
	for _, c := range p {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// run runs the smoke plan and returns the exit status.
func run(ctx context.Context, o options, stdout, stderr io.Writer) int {
	var (
		targets []smoke.Target
		tm      smoke.Time
	)
	if o.emulate {
		env, ts, err := smoketest.New(ctx, smoketest.Options{Seed: o.seed, Faults: o.faults})
		if err != nil {
			fmt.Fprintln(stderr, "smoke:", err)
			return 1
		}
		defer env.Close()
		for _, t := range ts {
			if slices.Contains(o.providers, t.Provider.Name()) {
				targets = append(targets, t)
			}
		}
		tm = env.Time()
	} else {
		real, closeAll := realTargets(ctx, o.prefix, o.providers, os.Getenv)
		defer closeAll()
		targets, tm = real, smoke.SystemTime()
	}
	rep, err := smoke.Run(ctx, smoke.Config{Targets: targets, Time: tm, Seed: uint64(o.seed)})
	if err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return 1
	}
	if err := rep.WriteTable(stdout); err != nil {
		fmt.Fprintln(stderr, "smoke:", err)
		return 1
	}
	if o.jsonPath != "" {
		if err := writeJSON(o.jsonPath, stdout, rep); err != nil {
			fmt.Fprintln(stderr, "smoke:", err)
			return 1
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

// writeJSON writes rep as indented JSON to path ("-": w).
func writeJSON(path string, w io.Writer, rep smoke.Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	b = append(b, '\n')
	if path == "-" {
		_, err = w.Write(b)
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// command is the command's usage text: its two forms, and the credentials
// a real run reads.
func command() cli.Command {
	about := []string{
		"Smoke runs every provider through a host's whole lifecycle through the waiter, with a",
		"reconcile tick after every step, and checks each step against the provider's own view.",
		"",
		"A real run (no -emulate) reads credentials from the environment; a provider without them is skipped:",
	}
	for _, c := range credentialHelp {
		about = append(about, fmt.Sprintf("  %-10s %s", c[0], c[1]))
	}
	return cli.Command{Synopsis: "-emulate [-faults] [flags]\n       smoke -prefix NAME [flags]", About: about}
}
