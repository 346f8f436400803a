package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSimulateHasNoFalseFlips(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		var out bytes.Buffer
		if err := run(&out, io.Discard, 50, seed, 0.1, 6*time.Hour, false); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"false flips: 0\n", "converge p50/p95/max:", "provider calls per host-hour:", "drift repaired:"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("seed %d: output lacks %q:\n%s", seed, want, out.String())
			}
		}
	}
	if err := run(io.Discard, io.Discard, 2, 1, 0, time.Hour, false); err == nil {
		t.Error("too few hosts must be refused")
	}
}
