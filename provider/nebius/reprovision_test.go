package nebius_test

import (
	"context"
	"errors"
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// TestReprovisionWhileTheInstanceGoes: a reprovision sent again while the
// instance of a first one is still being deleted (or stopped) is a
// refusal that settles by itself — retryable, so a waiter resending after
// a reprovision cut short by a transient error keeps trying — while a
// running instance stays a definitive conflict. The smoke harness found a
// 5xx in a reprovision's chain leaving the host without a VM: the resend
// came while the old instance was DELETING and was refused for good.
func TestReprovisionWhileTheInstanceGoes(t *testing.T) {
	for _, tc := range []struct {
		raw       string
		transient bool
	}{
		{"DELETING", true},
		{"STOPPING", true},
		{"RUNNING", false},
		{"STARTING", false},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			e, p := newNamedEnv(t)
			if err := e.cloud.SetVMStatus(fakes.Nebius, named, tc.raw); err != nil {
				t.Fatal(err)
			}
			_, err := p.Reprovision(context.Background(), named)
			if !errors.Is(err, provider.ErrConflict) || provider.Transient(err) != tc.transient ||
				errors.Is(err, provider.ErrRetryableConflict) != tc.transient {
				t.Errorf("reprovision of a %s instance: %v (transient %v), want a conflict, transient %v", tc.raw, err, provider.Transient(err), tc.transient)
			}
		})
	}
}
