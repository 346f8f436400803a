package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/examples/internal/cli/clitest"
)

func TestSimulateHasNoFalseFlips(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		var out bytes.Buffer
		if err := run(&out, io.Discard, flags{hosts: 50, seed: seed, faultRate: 0.1, duration: 6 * time.Hour}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"false flips: 0\n", "converge p50/p95/max:", "provider calls per host-hour:", "drift repaired:"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("seed %d: output lacks %q:\n%s", seed, want, out.String())
			}
		}
	}
	if err := run(io.Discard, io.Discard, flags{hosts: 2, seed: 1, duration: time.Hour}); err == nil {
		t.Error("too few hosts must be refused")
	}
}

// TestHelp: -h, -help and --help print the usage to stdout and exit 0; a
// bad flag prints the problem and the usage to stderr and exits 2.
func TestHelp(t *testing.T) {
	clitest.Run(t, "usage: simulate [flags]\n", "-fault-rate", []clitest.Case{
		{Args: []string{"-h"}, Help: true},
		{Args: []string{"-help"}, Help: true},
		{Args: []string{"--help"}, Help: true},
		{Args: []string{"-hosts", "10", "-h"}, Help: true},
		{Args: []string{"-bogus"}, Help: false},
		{Args: []string{"-duration", "a day"}, Help: false},
	}, func(args []string, stdout, stderr io.Writer) int {
		_, code, goOn := parseFlags(args, stdout, stderr)
		if goOn {
			return -1 // it would have run
		}
		return code
	})
}

// TestParseFlags: the defaults are the documented ones, and flags set them.
func TestParseFlags(t *testing.T) {
	tests := []struct {
		args []string
		want flags
	}{
		{nil, flags{hosts: 200, seed: 1, faultRate: 0.05, duration: 24 * time.Hour}},
		{[]string{"-hosts", "10", "-seed", "3", "-fault-rate", "0", "-duration", "1h", "-list-unconverged"}, flags{hosts: 10, seed: 3, duration: time.Hour, unconverged: true}},
	}
	for _, tc := range tests {
		got, code, ok := parseFlags(tc.args, io.Discard, io.Discard)
		if !ok || code != 0 || got != tc.want {
			t.Errorf("parseFlags(%q) = %+v, %d, %v; want %+v, 0, true", tc.args, got, code, ok, tc.want)
		}
	}
}

// TestChaosHasNoFalseFlipsAndConverges runs every fault class at once,
// then the fault-free tail: no false flip, and every measured convergence
// within the printed bound.
func TestChaosHasNoFalseFlipsAndConverges(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, io.Discard, flags{hosts: 100, seed: 1, faultRate: 0.05, duration: 8 * time.Hour, chaos: true}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "false flips: 0\n") || !strings.Contains(s, "not yet converged at the end: 0\n") {
		t.Fatalf("chaos run:\n%s", s)
	}
	var p50, p95, maxLag, bound time.Duration
	var n int
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(line, "converge p50/p95/max: "); ok {
			var a, b, c string
			if _, err := fmt.Sscanf(v, "%s / %s / %s (%d", &a, &b, &c, &n); err != nil {
				t.Fatal(err)
			}
			p50, p95, maxLag = mustDuration(t, a), mustDuration(t, b), mustDuration(t, c)
		}
		if v, ok := strings.CutPrefix(line, "convergence bound: "); ok {
			bound = mustDuration(t, v)
		}
	}
	if n == 0 || bound == 0 || maxLag > bound || p50 > p95 {
		t.Fatalf("converge %s/%s/%s over %d changes, bound %s:\n%s", p50, p95, maxLag, n, bound, s)
	}
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
