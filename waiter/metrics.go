package waiter

import (
	"context"
	"errors"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Metrics receives the waiter's outcomes. Embed [NopMetrics] to implement
// only what you need; implementations must be safe for concurrent use.
type Metrics interface {
	// ActionOutcome counts one finished action: outcome is one of
	// "confirmed", "timeout", "failed", "unsupported", "superseded",
	// "other status", "not resolvable", "cancelled" or "error"; took is how
	// long it ran.
	ActionOutcome(provider string, a hoststate.Action, outcome string, took time.Duration)
}

// NopMetrics discards everything; embed it in a partial implementation.
type NopMetrics struct{}

// ActionOutcome implements Metrics.
func (NopMetrics) ActionOutcome(string, hoststate.Action, string, time.Duration) {}

// outcomeOf names an action's result for metrics.
func outcomeOf(err error) string {
	switch {
	case err == nil:
		return "confirmed"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, provider.ErrUnsupported):
		return "unsupported"
	case errors.Is(err, ErrSuperseded):
		return "superseded"
	case errors.Is(err, ErrOutcome):
		return "other status"
	case errors.Is(err, ErrNotResolvable):
		return "not resolvable"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	case !provider.Transient(err):
		return "failed"
	}
	return "error"
}
