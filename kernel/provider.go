package kernel

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Provider is one adapter behind the kernel's guards: every call recovers
// a panic into an error matching ErrProviderPanic, and every request runs
// under the registry's CallTimeout. It also holds the provider's token
// bucket and backoff, shared by every shell that uses the registry.
type Provider struct {
	p      provider.Provider
	lister provider.Lister // nil when the adapter cannot list
	name   string
	cfg    *Config
	tracer trace.Tracer

	limiter *rate.Limiter

	mu           sync.Mutex
	rnd          *rand.Rand
	backoffUntil time.Time
	failures     int
}

// Policy returns base as it applies to this provider: with the
// provider's consistency window (the larger of the two), defaulted.
func (p *Provider) Policy(base hoststate.Policy) hoststate.Policy {
	base.ConsistencyWindow = max(base.ConsistencyWindow, p.cfg.ConsistencyWindow[p.name])
	return base.WithDefaults()
}

// Name is the adapter's name.
func (p *Provider) Name() string { return p.name }

// Capabilities returns the adapter's capabilities (the zero value if it
// panics).
func (p *Provider) Capabilities() provider.Capabilities {
	c, _ := guardValue(p.p, "Capabilities", p.p.Capabilities)
	return c
}

// Supports asks the adapter whether it can perform a on host; nil means
// it can. See provider.Provider.Supports.
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error {
	err, perr := guardValue(p.p, "Supports", func() error { return p.p.Supports(host, a) })
	if perr != nil {
		return perr
	}
	return err
}

// Offered returns the actions a UI may offer for rec: allowed by the
// transition table from its status and supported by the adapter.
func (p *Provider) Offered(rec hoststate.Record) []hoststate.Action {
	return provider.Offered(p, rec)
}

// Validate checks host for the adapter without any request.
func (p *Provider) Validate(host provider.Host) error {
	err, perr := guardValue(p.p, "Validate", func() error { return p.p.Validate(host) })
	if perr != nil {
		return perr
	}
	return err
}

// Probe observes host. For a provider without separate data volumes the
// volume is VolumeNone, whatever the adapter said: there is none to lose.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	o, err := guardCall(ctx, p, "Probe", func(ctx context.Context) (hoststate.Observation, error) {
		return p.p.Probe(ctx, host)
	})
	if err == nil && !p.Capabilities().SeparateVolume {
		o.Volume = hoststate.VolumeNone
	}
	return o, err
}

// Send sends action a for host (Retry sends Start; see provider.ActionCall). The
// returned operation's Wait is guarded too; it runs under the caller's
// context (the action's deadline), not CallTimeout.
func (p *Provider) Send(ctx context.Context, a hoststate.Action, host provider.Host) (provider.Operation, error) {
	call := provider.ActionCall(p.p, a)
	if call == nil {
		return nil, provider.Unsupported(p.name, a, "not an action")
	}
	op, err := guardCall(ctx, p, "Send", func(ctx context.Context) (provider.Operation, error) { return call(ctx, host) })
	if err != nil || op == nil {
		return nil, err
	}
	return guardedOp{op: op, p: p}, nil
}

// CanList reports whether the adapter observes hosts by listing.
func (p *Provider) CanList() bool { return p.lister != nil }

// Scope returns host's listing scope ("" when the adapter cannot list).
func (p *Provider) Scope(host provider.Host) string {
	if p.lister == nil {
		return ""
	}
	s, _ := guardValue(p.p, "Scope", func() string { return p.lister.Scope(host) })
	return s
}

// ListPage returns one page of scope's listing; see provider.Lister.
func (p *Provider) ListPage(ctx context.Context, scope, token string) (provider.ListPage, error) {
	if p.lister == nil {
		return provider.ListPage{}, provider.Unsupported(p.name, hoststate.ActionNone, "no listing")
	}
	return guardCall(ctx, p, "ListPage", func(ctx context.Context) (provider.ListPage, error) {
		return p.lister.ListPage(ctx, scope, token)
	})
}

// guardedOp recovers a panic in an operation's Wait or Name.
type guardedOp struct {
	op provider.Operation
	p  *Provider
}

func (o guardedOp) Name() string {
	n, _ := guardValue(o.p, "Operation.Name", o.op.Name)
	return n
}

func (o guardedOp) Wait(ctx context.Context) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = recovered(o.p.name, "Operation.Wait", x)
		}
	}()
	return o.op.Wait(ctx)
}

// Watch streams host's pushed observations when the adapter implements
// provider.Pusher; otherwise it returns an error matching
// provider.ErrUnsupported.
func (p *Provider) Watch(host provider.Host) (<-chan hoststate.Observation, func(), error) {
	w, ok := p.p.(provider.Pusher)
	if !ok {
		return nil, nil, provider.Unsupported(p.name, hoststate.ActionNone, "no pushed reports")
	}
	type watch struct {
		ch     <-chan hoststate.Observation
		cancel func()
		err    error
	}
	res, perr := guardValue(p.p, "Watch", func() watch {
		ch, cancel, err := w.Watch(host)
		return watch{ch, cancel, err}
	})
	if perr != nil {
		return nil, nil, perr
	}
	return res.ch, res.cancel, res.err
}
