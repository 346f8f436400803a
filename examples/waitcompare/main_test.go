package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/examples/internal/cli"
	"github.com/driftless/driftless/examples/internal/cli/clitest"
)

// TestTargetsHold runs the comparison small and asserts its targets: a
// native wait or pushed reports notices within a second with at most 3
// calls; polling notices no later than fixed 5 s polling on average with
// at most half its calls. It also checks the run repeats exactly.
func TestTargetsHold(t *testing.T) {
	var first, second bytes.Buffer
	if err := run(t.Context(), []string{"-n", "60", "-seed", "7"}, &first); err != nil {
		t.Fatalf("targets missed:\n%s\n%v", first.String(), err)
	}
	for _, sc := range scenarios() {
		if !strings.Contains(first.String(), "| "+sc.label()+" |") {
			t.Errorf("no row for %s", sc.label())
		}
	}
	if err := run(t.Context(), []string{"-n", "60", "-seed", "7"}, &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("two runs with one seed differ:\n%s\n%s", first.String(), second.String())
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-n", "x"}, {"-bogus"}} {
		if err := run(t.Context(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%q) accepted", args)
		}
	}
}

// TestCheck: the targets can fail.
func TestCheck(t *testing.T) {
	polling := scenarios()[4]
	tests := []struct {
		name string
		r    row
		ok   bool
	}{
		{"native, fast", row{sc: polling, how: "native operation", waiter: stats{maxLag: time.Second, maxCalls: 3}}, true},
		{"native, slow", row{sc: polling, how: "native operation", waiter: stats{maxLag: 2 * time.Second, maxCalls: 2}}, false},
		{"native, costly", row{sc: polling, how: "pushed reports", waiter: stats{maxCalls: 4}}, false},
		{"polling, better", row{sc: polling, how: "polling", waiter: stats{meanLag: time.Second, meanCalls: 5}, fixed: stats{meanLag: 2 * time.Second, meanCalls: 10}}, true},
		{"polling, later", row{sc: polling, how: "polling", waiter: stats{meanLag: 3 * time.Second, meanCalls: 5}, fixed: stats{meanLag: 2 * time.Second, meanCalls: 10}}, false},
		{"polling, costlier", row{sc: polling, how: "polling", waiter: stats{meanLag: time.Second, meanCalls: 6}, fixed: stats{meanLag: 2 * time.Second, meanCalls: 10}}, false},
	}
	for _, tt := range tests {
		if err := tt.r.check(); (err == nil) != tt.ok {
			t.Errorf("%s: check() = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

// TestHelp: -h, -help and --help print the usage to stdout and exit 0; a
// bad flag prints the problem and the usage to stderr and exits 2.
func TestHelp(t *testing.T) {
	clitest.Run(t, "usage: waitcompare [flags]\n", "-seed", []clitest.Case{
		{Args: []string{"-h"}, Help: true},
		{Args: []string{"-help"}, Help: true},
		{Args: []string{"--help"}, Help: true},
		{Args: []string{"-n", "1", "-h"}, Help: true},
		{Args: []string{"-bogus"}, Help: false},
		{Args: []string{"-n", "x"}, Help: false},
	}, func(args []string, stdout, stderr io.Writer) int {
		return cli.ExitStatus("waitcompare", run(context.Background(), args, stdout), stderr)
	})
}
