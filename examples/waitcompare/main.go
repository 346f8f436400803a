// Command waitcompare measures, on the fake cloud and a fake clock, how
// soon waits notice that a provider reached its target and how many
// provider calls they spend: the waiter package against fixed 5-second
// polling (the seeds' system) and doubling from 100 ms capped at 10 s
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
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "waitcompare:", err)
		os.Exit(1)
	}
}

// run parses args, measures and writes the table to out. It returns an
// error when a row misses its target.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("waitcompare", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 200, "timelines per provider action")
	seed := fs.Uint64("seed", 1, "seed of the timelines and the jitter")
	if err := fs.Parse(args); err != nil {
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
