package smoketest

import (
	"fmt"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/smoke"
)

// injector sets the simulated cloud's faults for one provider kind; the
// emulators answer them in the provider's own shapes (503, 429 with
// Retry-After, Compute Engine's 403 rateLimitExceeded, gRPC codes).
type injector struct {
	cloud *fakes.Cloud
	kind  string
}

var _ smoke.Injector = injector{}

// Lag is how long a created resource stays invisible (FaultCreateLag) and
// a deleted one visible (FaultStaleReads).
const Lag = 90 * time.Second

// faultsOf are the simulated cloud's faults for f.
func faultsOf(f smoke.Fault) (fakes.Faults, error) {
	switch f {
	case smoke.FaultCreateLag:
		return fakes.Faults{CreateLag: Lag}, nil
	case smoke.FaultUnavailable:
		return fakes.Faults{ErrorRate: 0.3, TimeoutRate: 0.05}, nil
	case smoke.FaultRateLimit:
		return fakes.Faults{RateLimitRate: 0.2, RateLimitBurst: 5, RetryAfter: 10 * time.Second}, nil
	case smoke.FaultStaleReads:
		return fakes.Faults{DeleteLag: Lag}, nil
	}
	return fakes.Faults{}, fmt.Errorf("smoketest: fault %s cannot be injected", f)
}

// Inject implements smoke.Injector.
func (i injector) Inject(f smoke.Fault) error {
	ff, err := faultsOf(f)
	if err != nil {
		return err
	}
	return i.cloud.SetFaults(i.kind, ff)
}

// Clear implements smoke.Injector.
func (i injector) Clear() error { return i.cloud.SetFaults(i.kind, fakes.Faults{}) }
