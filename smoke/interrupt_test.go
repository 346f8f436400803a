package smoke_test

import (
	"context"
	"strings"
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/smoke"
	"github.com/driftless/driftless/smoke/smoketest"
)

// interrupting is a smoke.Time that interrupts the run (cancels its
// context) when the run awaits for the n-th time: in the middle of an
// action, as a SIGINT does.
type interrupting struct {
	smoke.Time
	cancel context.CancelFunc
	n      int
}

func (t *interrupting) Await(ctx context.Context, done <-chan struct{}) error {
	if t.n--; t.n == 0 {
		t.cancel()
	}
	return t.Time.Await(ctx, done)
}

// TestInterruptedRunCleansUp: a run interrupted in the middle of any of
// its first actions reports the step interrupted, runs no more, and leaves
// nothing behind that it created.
func TestInterruptedRunCleansUp(t *testing.T) {
	for n := 1; n <= 6; n++ {
		env, targets, err := smoketest.New(t.Context(), smoketest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		// Hyperstack: a VM and a data volume to clean up.
		target := targets[1]
		rep, err := smoke.Run(ctx, smoke.Config{Targets: []smoke.Target{target}, Time: &interrupting{Time: env.Time(), cancel: cancel, n: n}})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		run := rep.Runs[0]
		failed := 0
		for _, s := range run.Steps {
			switch {
			case s.Outcome == smoke.Failed:
				failed++
				if !strings.Contains(s.Detail, "context canceled") {
					t.Errorf("n=%d: %s failed otherwise than interrupted: %s", n, s.Step, s.Detail)
				}
			case failed > 0 && s.Outcome == smoke.OK:
				t.Errorf("n=%d: %s ran after the interruption", n, s.Step)
			}
		}
		if failed != 1 {
			t.Errorf("n=%d: %d failed steps, want the interrupted one", n, failed)
		}
		if len(run.Leftovers) > 0 {
			t.Errorf("n=%d: left behind %v", n, run.Leftovers)
		}
		if tr := env.Cloud().Truth(fakes.Hyperstack, target.Host); tr.VMExists || tr.VolumeExists {
			t.Errorf("n=%d: the cloud still holds %+v", n, tr)
		}
		env.Close()
	}
}
