// Command waitcompare measures, on the fake cloud and a fake clock, how
// soon waits notice that a provider reached its target and how many
// provider calls they spend: the waiter package against fixed 5-second
// polling (the control plane driftless was written for) and doubling from 100 ms capped at 10 s
// (Terraform's StateChangeConf default), on the same seeded provider
// timelines. It prints a markdown table and exits non-zero if a row misses
// its target.
//
// Usage:
//
//	go run ./examples/waitcompare [-n 200] [-seed 1]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(exitStatus(run(context.Background(), os.Args[1:], os.Stdout), os.Stderr))
}

// exitStatus reports err on stderr and returns the exit status: 0 for
// success or a help request (the usage went to stdout), 2 for a bad flag
// (reported with the usage), 1 for any other failure, such as a row that
// misses its target.
func exitStatus(err error, stderr io.Writer) int {
	var bad *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &bad):
		fmt.Fprintf(stderr, "waitcompare: %v\n%s", bad.err, bad.usage)
		return 2
	}
	fmt.Fprintln(stderr, "waitcompare:", err)
	return 1
}

// run parses args, measures and writes the table to out. It returns an
// error when a row misses its target. A help request prints the usage to
// out and returns flag.ErrHelp; a bad flag returns a *usageError.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("waitcompare", flag.ContinueOnError)
	n := fs.Int("n", 200, "timelines per provider action")
	seed := fs.Uint64("seed", 1, "seed of the timelines and the jitter")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("-n must be at least 1, got %d", *n)
	}
	rows, err := measure(ctx, *n, *seed)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, markdown(rows, *n, *seed)); err != nil {
		return err
	}
	var errs []error
	for _, r := range rows {
		errs = append(errs, r.check())
	}
	return errors.Join(errs...)
}

// usageError is a bad flag, with the usage main prints after it.
type usageError struct {
	err   error
	usage string
}

// Error implements error.
func (e *usageError) Error() string { return e.err.Error() }

// Unwrap returns the flag package's error.
func (e *usageError) Unwrap() error { return e.err }

// parseFlags parses args into fs. -h, -help and --help print the usage to
// stdout and return flag.ErrHelp; a bad flag returns a *usageError, whose
// problem and usage main prints to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	// Both outcomes are printed here or by main, each to its own stream.
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		usage(stdout, fs)
		return err
	}
	var b strings.Builder
	usage(&b, fs)
	return &usageError{err: err, usage: b.String()}
}

// usage prints the synopsis, what the command does and the flag defaults
// to w.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s [flags]\n\n", fs.Name())
	fmt.Fprintln(w, "Waitcompare replays seeded provider timelines on the fake cloud and clock, measures how soon")
	fmt.Fprintln(w, "the waiter, fixed 5 s polling and doubling backoff notice each target and how many provider")
	fmt.Fprintln(w, "calls they spend, prints a markdown table, and exits 1 if a row misses its target.")
	fmt.Fprintln(w, "\nflags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
