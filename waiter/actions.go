package waiter

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Timeouts bound each action, from the moment its transitional status is
// written; a zero field takes its default. The deadline is stored in the
// record, so a reconciler knows when an unfinished action is orphaned.
type Timeouts struct {
	// Start also bounds Retry. Default 15 min.
	Start time.Duration
	// Stop default 15 min.
	Stop time.Duration
	// Reboot default 10 min.
	Reboot time.Duration
	// Reprovision default 20 min.
	Reprovision time.Duration
	// Deprovision default 20 min.
	Deprovision time.Duration
}

// of returns the timeout of action a, with defaults.
func (t Timeouts) of(a hoststate.Action) time.Duration {
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	switch a {
	case hoststate.ActionStop:
		return pick(t.Stop, 15*time.Minute)
	case hoststate.ActionReboot:
		return pick(t.Reboot, 10*time.Minute)
	case hoststate.ActionReprovision:
		return pick(t.Reprovision, 20*time.Minute)
	case hoststate.ActionDeprovision:
		return pick(t.Deprovision, 20*time.Minute)
	}
	return pick(t.Start, 15*time.Minute)
}

// Subscription delivers a host's pushed observations (a self-host
// connector's reports) until cancel is called. Actions subscribe before
// sending the action, so no report is missed, and cancel when done.
type Subscription func(hostID string) (reports <-chan hoststate.Observation, cancel func())

// Config configures [Actions]. Store and Providers are required.
type Config struct {
	// Store holds the host records; every write is compare-and-swap.
	Store store.Store
	// Registry holds the providers, found by Name() from a record's
	// Provider field, with the rate limits and backoff they share with the
	// reconciler. Set Registry or Providers.
	Registry *kernel.Registry
	// Providers, when Registry is nil, builds a registry of its own with
	// the kernel's default limits.
	Providers []provider.Provider
	// Clock is the source of time; default clock.System().
	Clock clock.Clock
	// Policy is the reconcile policy the outcome is decided with (through
	// hoststate.Observe); each zero field takes its default, as for the
	// reconciler (hoststate.Policy.WithDefaults).
	Policy hoststate.Policy
	// Logger receives one line per step; default: discard.
	Logger *slog.Logger
	// Timeouts bound each action.
	Timeouts Timeouts
	// MinInterval, MaxInterval and Multiplier pace probes and retries as
	// in [Options]; zero takes the Options defaults.
	MinInterval, MaxInterval time.Duration
	Multiplier               float64
	// ExpectedDuration, when set, returns how long an action typically
	// takes at a provider (zero: unknown), passed to polling waits as
	// [Options].ExpectedDuration. Waits on a native operation or pushed
	// reports ignore it.
	ExpectedDuration func(providerName string, a hoststate.Action) time.Duration
	// Subscribe, when set, is used for providers whose Capabilities say
	// PushReports: their waits decide on pushed reports, with a safety
	// probe every MaxInterval. Without it they poll.
	Subscribe Subscription
	// Metrics receives action outcomes; nil discards them.
	Metrics Metrics
	// TracerProvider makes an OpenTelemetry span around each action; nil
	// means no tracing.
	TracerProvider trace.TracerProvider
	// DNS, when set, holds a start's outcome until the host's name
	// resolves to its address (see [DNS]).
	DNS *DNS
	// Seed seeds the jitter; each action draws from its own generator
	// derived from it, so runs on a fake clock repeat exactly. Zero seeds
	// from the clock's time at New, so replicas do not probe in lockstep.
	Seed uint64
}

// Actions performs user actions on hosts and waits for the provider to
// confirm them: the transitional status is written at once, the action is
// sent, and the final status is written only once observations confirm it.
// It is safe for concurrent use; concurrent actions on one host are
// arbitrated by the Store's compare-and-swap and the transition table.
type Actions struct {
	store     store.Store
	registry  *kernel.Registry
	clock     clock.Clock
	policy    hoststate.Policy
	log       *slog.Logger
	timeouts  Timeouts
	pacing    Options
	expected  func(string, hoststate.Action) time.Duration
	subscribe Subscription

	metrics Metrics
	tracer  trace.Tracer
	dns     *DNS
	// life ends with Close, cancelling every background action.
	life     context.Context
	close    context.CancelFunc
	inflight sync.WaitGroup

	mu   sync.Mutex
	seed uint64
	// runs counts actions, one jitter stream each.
	runs uint64
}

// New returns Actions for cfg, or an error matching [ErrInvalidOptions]
// for a configuration that cannot work.
func New(cfg Config) (*Actions, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: config: nil Store", ErrInvalidOptions)
	}
	reg := cfg.Registry
	switch {
	case reg != nil && len(cfg.Providers) > 0:
		return nil, fmt.Errorf("%w: config: set Registry or Providers, not both", ErrInvalidOptions)
	case reg == nil:
		var err error
		if reg, err = kernel.New(kernel.Config{Providers: cfg.Providers, Seed: cfg.Seed}); err != nil {
			return nil, fmt.Errorf("%w: config: %w", ErrInvalidOptions, err)
		}
	}
	a := &Actions{
		store:     cfg.Store,
		registry:  reg,
		clock:     cfg.Clock,
		policy:    cfg.Policy,
		log:       cfg.Logger,
		timeouts:  cfg.Timeouts,
		expected:  cfg.ExpectedDuration,
		subscribe: cfg.Subscribe,
		seed:      cfg.Seed,
	}
	for _, d := range []time.Duration{cfg.Timeouts.Start, cfg.Timeouts.Stop, cfg.Timeouts.Reboot, cfg.Timeouts.Reprovision, cfg.Timeouts.Deprovision} {
		if d < 0 {
			return nil, fmt.Errorf("%w: config: negative timeout %s", ErrInvalidOptions, d)
		}
	}
	pacing, err := Options{MinInterval: cfg.MinInterval, MaxInterval: cfg.MaxInterval, Multiplier: cfg.Multiplier}.withDefaults(false)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	a.pacing = pacing
	if a.clock == nil {
		a.clock = clock.System()
	}
	a.policy = a.policy.WithDefaults()
	a.metrics, a.dns = cfg.Metrics, cfg.DNS
	if a.metrics == nil {
		a.metrics = NopMetrics{}
	}
	tp := cfg.TracerProvider
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	a.tracer = tp.Tracer("github.com/driftless/driftless/waiter")
	if a.dns != nil && (a.dns.Name == nil || a.dns.Resolver == nil) {
		return nil, fmt.Errorf("%w: config: DNS needs Name and Resolver", ErrInvalidOptions)
	}
	a.life, a.close = context.WithCancel(context.Background())
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.seed == 0 {
		a.seed = uint64(a.clock.Now().UnixNano())
	}
	return a, nil
}

// Close cancels every action started with Begin that is still waiting
// (each keeps its transitional status and deadline for the reconciler),
// waits for them to stop, and refuses later Begins with ErrClosed.
// Blocking actions follow their own contexts.
func (a *Actions) Close() {
	a.close()
	a.inflight.Wait()
}

// Start starts an off host, or provisions a deprovisioned one anew, and
// waits for it to run. Before sending, it waits for any previous VM to be
// fully stopped or deleted and the data volume to be settled (see
// [ReadyToStart]).
//
// Every action returns the host's record as last written or read, and:
// nil once the goal status is written; an error matching
// store.ErrNotFound, [ErrNoProvider], provider.ErrInvalidHost,
// provider.ErrUnsupported or hoststate.ErrInvalidTransition with nothing
// written and nothing sent; the provider's error after a definitive
// refusal (the record is then in error, via hoststate.Fail); [ErrTimeout]
// or a context error with the record left in its transitional status and
// deadline, for the reconciler to finish; [ErrOutcome] when the host
// settled elsewhere (written, as observed); [ErrSuperseded] when someone
// else changed the record meanwhile (nothing overwritten).
func (a *Actions) Start(ctx context.Context, hostID string) (hoststate.Record, error) {
	return a.do(ctx, hostID, hoststate.ActionStart)
}

// Retry retries the start of a host in error, like [Actions.Start].
func (a *Actions) Retry(ctx context.Context, hostID string) (hoststate.Record, error) {
	return a.do(ctx, hostID, hoststate.ActionRetry)
}

// Stop stops a host, keeping its data volume, and waits for it to be off:
// stopped, or (where stopping deletes the VM) the VM gone and the volume
// detached. Providers that cannot stop (Lambda) refuse with
// provider.ErrUnsupported before anything is written.
func (a *Actions) Stop(ctx context.Context, hostID string) (hoststate.Record, error) {
	return a.do(ctx, hostID, hoststate.ActionStop)
}

// Reboot restarts a running host and waits for it to run again. Providers
// that cannot (provider.Provider.Supports) refuse with
// provider.ErrUnsupported before anything is written.
func (a *Actions) Reboot(ctx context.Context, hostID string) (hoststate.Record, error) {
	return a.do(ctx, hostID, hoststate.ActionReboot)
}

// Reprovision recreates the VM of an off host around its data volume and
// waits for it to run. The provider contract has no separate recreate
// call: after the same gate as Start, it sends Start, which recreates the
// VM where stopping deletes it (Hyperstack) and starts the kept VM, with
// whatever the adapter applies on start, elsewhere.
func (a *Actions) Reprovision(ctx context.Context, hostID string) (hoststate.Record, error) {
	return a.do(ctx, hostID, hoststate.ActionReprovision)
}

// Deprovision deletes a host's VM and data volume and waits until both
// are gone (deprovisioned). Providers that cannot refuse with
// provider.ErrUnsupported before anything is written.
func (a *Actions) Deprovision(ctx context.Context, hostID string) (hoststate.Record, error) {
	return a.do(ctx, hostID, hoststate.ActionDeprovision)
}

// gated reports whether an action creates or starts a VM, and so waits
// for the previous one to be gone first.
func gated(act hoststate.Action) bool {
	return act == hoststate.ActionStart || act == hoststate.ActionRetry || act == hoststate.ActionReprovision
}

// nextRand returns a jitter generator for one action.
func (a *Actions) nextRand() *rand.Rand {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.runs++
	return rand.New(rand.NewPCG(a.seed, a.runs))
}
