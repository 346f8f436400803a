package reconcile

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Config configures a [Reconciler]. Store, Clock and Registry (or
// Providers) are required; every other zero field takes the documented
// default.
type Config struct {
	// Store persists the records. Required.
	Store store.Store
	// Clock is the source of time. Required (use clock.System in production).
	Clock clock.Clock
	// Registry holds the providers with their rate limits and backoff;
	// share it with waiter.Actions so both count against the same limits.
	Registry *kernel.Registry
	// Providers, when Registry is nil, builds a registry of its own with
	// the kernel's default limits. Set one of the two.
	Providers []provider.Provider
	// Policy holds the reconcile thresholds; each zero field takes its
	// default (hoststate.Policy.WithDefaults), except Recheck, which
	// defaults to three full-sweep periods (FullSweepEvery × Interval).
	Policy hoststate.Policy
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Metrics receives counters; nil discards them.
	Metrics Metrics
	// OnReport, when set, receives each tick's Report from Run (after
	// RunOnce returns it), for dashboards and logs.
	OnReport func(Report)
	// TracerProvider makes the OpenTelemetry spans around each tick;
	// nil means no tracing. The core depends on the OpenTelemetry API
	// only: the exporter is the caller's.
	TracerProvider trace.TracerProvider
	// DryRun decides and reports without writing anything: shadow mode,
	// to run beside an existing reconcile loop and compare. Report.Changes
	// then lists what would have been written. The reconciler keeps its
	// decisions in memory, so confirmations add up across ticks as they
	// would have, until the stored record changes.
	DryRun bool

	// Interval is the time between ticks of Run. Default 2 min.
	Interval time.Duration
	// Jitter spreads ticks by up to this fraction of Interval either way,
	// so replicas do not probe in lockstep. Default 0.1.
	Jitter float64
	// FullSweepEvery makes every n-th tick probe all hosts, not only the
	// suspicious ones, to catch hosts started or deleted from a provider
	// console. Default 15 (every 30 min at the default interval).
	FullSweepEvery int
	// MaxHostsPerProvider caps the hosts probed one call each per provider
	// per tick; the rest go first next tick, oldest observation first.
	// A listing provider is not capped: its cost is its pages, not its
	// hosts. Default 1000.
	MaxHostsPerProvider int
	// Concurrency bounds the concurrent per-host probes per provider.
	// Default 8.
	Concurrency int
	// BrakeFraction: when more than this fraction of a zone's or region's
	// observed hosts (and at least BrakeMinHosts) would newly flip to off
	// or deprovisioned by drift in one tick, none of those flips is
	// applied — counted per zone or region however the provider lists, so
	// a healthy second zone never dilutes a broken one. Default 0.5;
	// BrakeMinHosts default 4.
	BrakeFraction float64
	BrakeMinHosts int
	// DisruptionBudget caps, per zone or region, the fraction of its hosts
	// (at least BrakeMinHosts) that drift may take out of running or off
	// within DisruptionWindow; departures beyond it are held, so a slow
	// disappearance or a running → stopping → off wave that no single tick
	// sees still stops. A user's own actions never count. Defaults 0.25
	// and 1 h.
	DisruptionBudget float64
	DisruptionWindow time.Duration
	// Owner identifies this replica for store leases; when set, each tick
	// only reconciles providers whose lease this replica holds, and its
	// writes are fenced by that lease.
	Owner string
	// Seed seeds the jitter; zero picks a fixed default, so runs on a fake
	// clock are reproducible.
	Seed uint64
}

// ErrConfig is matched by the error New returns for an invalid Config.
var ErrConfig = errors.New("reconcile: invalid config")

// withDefaults validates c and fills the defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Store == nil || c.Clock == nil {
		return c, fmt.Errorf("%w: Store and Clock are required", ErrConfig)
	}
	switch {
	case c.Registry != nil && len(c.Providers) > 0:
		return c, fmt.Errorf("%w: set Registry or Providers, not both", ErrConfig)
	case c.Registry == nil:
		reg, err := kernel.New(kernel.Config{Providers: c.Providers, Seed: c.Seed})
		if err != nil {
			return c, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		c.Registry = reg
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics == nil {
		c.Metrics = NopMetrics{}
	}
	if c.TracerProvider == nil {
		c.TracerProvider = noop.NewTracerProvider()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Interval, 2*time.Minute)
	if c.Jitter <= 0 || c.Jitter >= 1 {
		c.Jitter = 0.1
	}
	if c.FullSweepEvery <= 0 {
		c.FullSweepEvery = 15
	}
	if c.MaxHostsPerProvider <= 0 {
		c.MaxHostsPerProvider = 1000
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 8
	}
	if c.BrakeFraction <= 0 || c.BrakeFraction > 1 {
		c.BrakeFraction = 0.5
	}
	if c.BrakeMinHosts <= 0 {
		c.BrakeMinHosts = 4
	}
	if c.DisruptionBudget <= 0 || c.DisruptionBudget > 1 {
		c.DisruptionBudget = 0.25
	}
	def(&c.DisruptionWindow, time.Hour)
	// An off or deprovisioned host's own look comes three full-sweep
	// periods after its last observation: the sweeps, which may skip an
	// unchanged write for up to one period, always come first.
	def(&c.Policy.Recheck, 3*time.Duration(c.FullSweepEvery)*c.Interval)
	c.Policy = c.Policy.WithDefaults()
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c, nil
}

// newRand returns the jitter source for c.
func (c Config) newRand() *rand.Rand { return rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15)) }
