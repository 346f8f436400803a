package smoke_test

import (
	"strings"
	"testing"

	"github.com/driftless/driftless/smoke"
	"github.com/driftless/driftless/smoke/smoketest"
)

// TestEmulatedMatrix runs every provider's plan, plain and under faults,
// against the emulators through the real adapters.
func TestEmulatedMatrix(t *testing.T) {
	env, targets, err := smoketest.New(t.Context(), smoketest.Options{Faults: true})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	rep, err := smoke.Run(t.Context(), smoke.Config{Targets: targets, Time: env.Time()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	providers := map[string]bool{}
	for _, run := range rep.Runs {
		providers[run.Provider] = true
		if run.Skip != "" {
			t.Errorf("%s %s skipped: %s", run.Provider, run.Mode, run.Skip)
		}
		if len(run.Leftovers) > 0 {
			t.Errorf("%s %s left %v behind", run.Provider, run.Mode, run.Leftovers)
		}
		for _, s := range run.Steps {
			if s.Outcome == smoke.Failed {
				t.Errorf("%s %s %s: expected %s, got %s: %s", run.Provider, run.Mode, s.Step, s.Expected, s.Got, s.Detail)
			}
		}
	}
	for _, p := range []string{"gcp", "hyperstack", "lambda", "nebius", "selfhost"} {
		if !providers[p] {
			t.Errorf("no run of %s", p)
		}
	}
	if rep.Passed < 40 {
		t.Errorf("only %d steps passed", rep.Passed)
	}
	if t.Failed() {
		t.Log("\n" + b.String())
	}
}
