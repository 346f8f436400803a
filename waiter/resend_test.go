package waiter_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// cutShort is a provider whose first reprovision does only its first half
// (the old VM deleted) and returns an Operation whose Wait then fails with
// a transient error, as a chain of calls cut by a 5xx does; later
// reprovisions are the provider's own.
type cutShort struct {
	provider.Provider
	cloud *fakes.Cloud

	mu    sync.Mutex
	calls int
}

func (p *cutShort) Reprovision(ctx context.Context, h provider.Host) (provider.Operation, error) {
	p.mu.Lock()
	p.calls++
	first := p.calls == 1
	p.mu.Unlock()
	if !first {
		return p.Provider.Reprovision(ctx, h)
	}
	if err := p.cloud.ConsoleDelete(p.Name(), h); err != nil {
		return nil, err
	}
	return failingOp{}, nil
}

// failingOp is an operation whose Wait fails like a poll answered 503.
type failingOp struct{}

func (failingOp) Name() string { return "cut-short" }

func (failingOp) Wait(context.Context) error {
	return fmt.Errorf("poll cut-short: %w", provider.ErrUnavailable)
}

// TestReprovisionResentAfterItsOperationFails: an Operation's Wait that
// fails with a transient error may leave a multi-step action half done
// (the VM deleted, the new one never created); the waiter sends the action
// again and the host runs. Found by the smoke harness: a 5xx in Nebius's
// reprovision chain left the host without a VM until the deadline.
func TestReprovisionResentAfterItsOperationFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var p *cutShort
		e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
			p = &cutShort{Provider: c.Provider(fakes.GCP), cloud: c}
			return []provider.Provider{p}
		}})
		e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), false, hoststate.StatusOff)
		rec, err := e.do(doReprovision(e.actions), "h", nil)
		if err != nil || rec.Status != hoststate.StatusRunning {
			t.Fatalf("reprovision: %s, %v; want running", rec.Status, err)
		}
		if tr := e.cloud.Truth(fakes.GCP, hostOf(fakes.GCP, 0)); tr.VM != hoststate.VMRunning || !tr.VolumeExists {
			t.Errorf("ground truth after the reprovision: %+v", tr)
		}
		if p.calls != 2 {
			t.Errorf("%d reprovisions sent, want 2 (the first cut short, one resend)", p.calls)
		}
	})
}
