package smoketest

import (
	"fmt"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/smoke"
)

// injector injects one provider's faults: the simulated cloud's (which
// the emulators answer in the provider's own shapes: 503, 504, gRPC
// codes) and, for rate-limit storms, the emulator's own answers.
type injector struct {
	cloud *fakes.Cloud
	kind  string
	// http is the HTTP emulator, nebius the Nebius fake; nil for others.
	http   *emulators.Server
	nebius *emulators.Nebius
	// events ends a storm; now is the simulated clock.
	events *events
	now    func() time.Time
}

var _ smoke.Injector = injector{}

// Lag is how long a created resource stays invisible (FaultCreateLag) and
// a deleted one visible (FaultStaleReads).
const Lag = 90 * time.Second

// StormLength is how long a FaultRateLimit storm lasts on the simulated
// clock: every call answered with the provider's rate-limit answer, then
// none.
const StormLength = 2 * time.Minute

// Inject implements smoke.Injector.
func (i injector) Inject(f smoke.Fault) error {
	var ff fakes.Faults
	switch f {
	case smoke.FaultCreateLag:
		ff = fakes.Faults{CreateLag: Lag}
	case smoke.FaultUnavailable:
		ff = fakes.Faults{ErrorRate: 0.3, TimeoutRate: 0.05}
	case smoke.FaultStaleReads:
		ff = fakes.Faults{DeleteLag: Lag}
	case smoke.FaultRateLimit:
		return i.storms()
	default:
		return fmt.Errorf("smoketest: fault %s cannot be injected", f)
	}
	return i.cloud.SetFaults(i.kind, ff)
}

// storms starts a storm of the provider's own rate-limit answers (429
// with Retry-After; Compute Engine's 403 rateLimitExceeded; Nebius
// RESOURCE_EXHAUSTED with RetryInfo) for StormLength; a self-host
// connector, which has no API of its own, gets the simulated cloud's 429
// bursts instead.
func (i injector) storms() error {
	const retry = 10 * time.Second
	switch {
	case i.http != nil:
		i.http.InjectHTTPFault(emulators.Fault{Kind: emulators.FaultRateLimit, RetryAfter: retry})
		i.events.at(i.now().Add(StormLength), i.http.ClearHTTPFaults)
	case i.nebius != nil:
		i.nebius.InjectFault(emulators.GRPCFault{Code: codes.ResourceExhausted, RetryAfter: retry})
		i.events.at(i.now().Add(StormLength), i.nebius.ClearFaults)
	default:
		return i.cloud.SetFaults(i.kind, fakes.Faults{RateLimitRate: 0.2, RateLimitBurst: 5, RetryAfter: retry})
	}
	return nil
}

// Clear implements smoke.Injector.
func (i injector) Clear() error {
	if i.http != nil {
		i.http.ClearHTTPFaults()
	}
	if i.nebius != nil {
		i.nebius.ClearFaults()
	}
	return i.cloud.SetFaults(i.kind, fakes.Faults{})
}
