package kernel

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"golang.org/x/time/rate"

	"github.com/driftless/driftless/provider"
)

// Defaults for zero [Config] fields.
const (
	DefaultRateLimit   = rate.Limit(5)
	DefaultBurst       = 100
	DefaultBackoffBase = 30 * time.Second
	DefaultBackoffMax  = 15 * time.Minute
	DefaultCallTimeout = 30 * time.Second
)

// ErrConfig is matched by the error New returns for an invalid Config.
var ErrConfig = errors.New("kernel: invalid config")

// Config configures a [Registry]. Providers is required; every other zero
// field takes its default.
type Config struct {
	// Providers are the adapters, found by Name(); names must be unique.
	Providers []provider.Provider
	// RateLimit and Burst configure each provider's token bucket (calls
	// per second), driven by the callers' clock. Default 5/s, burst 100.
	RateLimit rate.Limit
	Burst     int
	// BackoffBase and BackoffMax bound each provider's exponential backoff
	// (full jitter) after rate limits, 5xx and timeouts. Defaults 30 s and
	// 15 min. A provider's own retry-after hint is honoured up to the max.
	BackoffBase, BackoffMax time.Duration
	// CallTimeout bounds every adapter request (a probe, a listing page,
	// sending an action); a native operation's wait is bounded by the
	// action's deadline instead. Default 30 s.
	CallTimeout time.Duration
	// Seed seeds the backoff jitter; zero picks a fixed default, so runs on
	// a fake clock repeat.
	Seed uint64
	// TracerProvider makes an OpenTelemetry span around every adapter
	// request; nil means no tracing.
	TracerProvider trace.TracerProvider
	// ConsistencyWindow, by provider name, is how long that provider may
	// keep answering the state from before an action (eventual
	// consistency); see hoststate.Policy.ConsistencyWindow. Absent means 0.
	ConsistencyWindow map[string]time.Duration
}

// Registry holds the configured providers, each behind its guards and
// limits. It is safe for concurrent use; share one between a Reconciler
// and Actions so both count against the same limits.
type Registry struct {
	cfg    Config
	tracer trace.Tracer
	byName map[string]*Provider
	all    []*Provider // sorted by name
}

// New returns a Registry for cfg, or an error matching ErrConfig.
func New(cfg Config) (*Registry, error) {
	if len(cfg.Providers) == 0 {
		return nil, fmt.Errorf("%w: no providers", ErrConfig)
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = DefaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = DefaultBackoffMax
	}
	cfg.BackoffBase = min(cfg.BackoffBase, cfg.BackoffMax)
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.TracerProvider == nil {
		cfg.TracerProvider = noop.NewTracerProvider()
	}
	r := &Registry{cfg: cfg, byName: make(map[string]*Provider, len(cfg.Providers)),
		tracer: cfg.TracerProvider.Tracer("github.com/driftless/driftless/kernel")}
	for i, p := range cfg.Providers {
		if p == nil {
			return nil, fmt.Errorf("%w: provider %d is nil", ErrConfig, i)
		}
		name, err := guardValue(p, "Name", p.Name)
		if err != nil || name == "" {
			return nil, fmt.Errorf("%w: provider %d has no name", ErrConfig, i)
		}
		if r.byName[name] != nil {
			return nil, fmt.Errorf("%w: provider %q listed twice", ErrConfig, name)
		}
		seed := cfg.Seed + uint64(i)
		kp := &Provider{
			p: p, name: name, cfg: &r.cfg, tracer: r.tracer,
			limiter: rate.NewLimiter(cfg.RateLimit, cfg.Burst),
			rnd:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		}
		kp.lister, _ = p.(provider.Lister)
		r.byName[name] = kp
		r.all = append(r.all, kp)
	}
	slices.SortFunc(r.all, func(a, b *Provider) int { return strings.Compare(a.name, b.name) })
	return r, nil
}

// Get returns the named provider, or an error matching
// provider.ErrNoProvider.
func (r *Registry) Get(name string) (*Provider, error) {
	if p := r.byName[name]; p != nil {
		return p, nil
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return nil, fmt.Errorf("%w: %q", provider.ErrNoProvider, name)
}

// All returns every provider, sorted by name.
func (r *Registry) All() []*Provider { return slices.Clone(r.all) }
