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

	"github.com/driftless/driftless/examples/internal/cli"
)

func main() {
	os.Exit(cli.ExitStatus("waitcompare", run(context.Background(), os.Args[1:], os.Stdout), os.Stderr))
}

// run parses args, measures and writes the table to out. It returns an
// error when a row misses its target. A help request prints the usage to
// out and returns flag.ErrHelp; a bad flag returns a *cli.UsageError.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("waitcompare", flag.ContinueOnError)
	n := fs.Int("n", 200, "timelines per provider action")
	seed := fs.Uint64("seed", 1, "seed of the timelines and the jitter")
	if err := command().Parse(fs, args, out); err != nil {
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

// command is the command's usage text.
func command() cli.Command {
	return cli.Command{Synopsis: "[flags]", About: []string{
		"Waitcompare replays seeded provider timelines on the fake cloud and clock, measures how soon",
		"the waiter, fixed 5 s polling and doubling backoff notice each target and how many provider",
		"calls they spend, prints a markdown table, and exits 1 if a row misses its target.",
	}}
}
