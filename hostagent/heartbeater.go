package hostagent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/driftless/driftless/clock"
)

// Heartbeater sends one host's heartbeats to the control plane and
// reports its first-boot setup. Its methods are safe for concurrent use;
// Run runs once at a time.
type Heartbeater struct {
	cfg     Config
	client  *client
	log     *slog.Logger
	running atomic.Bool

	mu        sync.Mutex
	bootstrap Bootstrap
}

// New returns a Heartbeater for cfg. An invalid cfg is an error matching
// ErrInvalid, which never quotes the token.
func New(cfg Config) (*Heartbeater, error) {
	cfg, base, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Heartbeater{
		cfg: cfg, client: newClient(cfg, base), bootstrap: cfg.Bootstrap,
		log: cfg.Logger.With(slog.String("host", cfg.HostID)),
	}, nil
}

// Run sends a heartbeat at once and then every interval until ctx ends,
// and returns ctx's error; a request in flight is cancelled. It returns
// early only with an error matching ErrUnauthorized, when the control
// plane refuses the token. Failed requests are logged and retried after
// a backoff; an answer that the host is not running is taken as the
// longer interval it names. After an accepted heartbeat whose answer
// says the control plane has not recorded a finished first boot that
// BootstrapDone reported, Run reports it again.
func (h *Heartbeater) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return fmt.Errorf("%w: Run is already running", ErrInvalid)
	}
	defer h.running.Store(false)
	seed := h.cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	l := &loop{h: h, interval: h.cfg.Interval, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for {
		pause, err := l.beat(ctx)
		if err != nil {
			return err
		}
		if err := clock.Sleep(ctx, h.cfg.Clock, pause); err != nil {
			return err
		}
	}
}

// BootstrapDone records that first-boot setup finished, so heartbeats
// say "done", and reports it to the control plane, which clears the
// host's "bootstrap pending" badge. It returns nil once the control plane
// has recorded it; an error matching ErrNotAccepted when the host is
// neither starting nor running there; the request's error otherwise. In
// either failure Run reports it again once the host runs.
func (h *Heartbeater) BootstrapDone(ctx context.Context) error {
	h.setBootstrap(BootstrapDone)
	return h.reportBootstrap(ctx)
}

// BootstrapFailed records that first-boot setup failed: the heartbeats
// say "failed" from the next one on.
func (h *Heartbeater) BootstrapFailed() { h.setBootstrap(BootstrapFailed) }

// String describes the Heartbeater without its token.
func (h *Heartbeater) String() string {
	if h == nil {
		return "hostagent.Heartbeater(nil)"
	}
	return "hostagent.Heartbeater{" + h.cfg.String() + "}"
}

// Format makes every fmt verb render String.
func (h *Heartbeater) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, h.String()) }

// GoString makes %#v render String too.
func (h *Heartbeater) GoString() string { return h.String() }

// LogValue implements slog.LogValuer without the token.
func (h *Heartbeater) LogValue() slog.Value {
	if h == nil {
		return slog.StringValue("hostagent.Heartbeater(nil)")
	}
	return h.cfg.LogValue()
}

// setBootstrap sets the first-boot state the heartbeats report.
func (h *Heartbeater) setBootstrap(b Bootstrap) {
	h.mu.Lock()
	h.bootstrap = b
	h.mu.Unlock()
}

// state is the first-boot state the heartbeats report.
func (h *Heartbeater) state() Bootstrap {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bootstrap
}

// reportBootstrap sends bootstrap-done.
func (h *Heartbeater) reportBootstrap(ctx context.Context) error {
	a, f := h.client.send(ctx, endpointBootstrap, request{HostID: h.cfg.HostID})
	if f != nil {
		return f.err
	}
	if !a.BootstrapDone {
		return fmt.Errorf("%w: bootstrap-done: the host is %q there", ErrNotAccepted, clean(a.Status))
	}
	h.log.Info("hostagent: the control plane recorded the first boot done", slog.String("status", clean(a.Status)))
	return nil
}

// loop is Run's state.
type loop struct {
	h        *Heartbeater
	rnd      *rand.Rand
	interval time.Duration // the control plane's last named interval
	failures int           // failed requests in a row
	status   string        // the last answered status
	accepted bool
}

// beat sends one heartbeat and returns the pause before the next,
// jittered. Its error ends Run.
func (l *loop) beat(ctx context.Context) (time.Duration, error) {
	h := l.h
	body := request{HostID: h.cfg.HostID, Version: h.cfg.Version, Bootstrap: h.state(), Address: h.cfg.Address}
	a, f := h.client.send(ctx, endpointHeartbeat, body)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	if f != nil {
		if errors.Is(f.err, ErrUnauthorized) {
			h.log.Error("hostagent: heartbeat refused; check the host's token", slog.Any("err", f.err))
			return 0, f.err
		}
		l.failures++
		// The jitter spreads the backoff, never below what the server
		// asked for.
		pause := max(l.jittered(l.backoff()), f.retryAfter)
		h.log.Warn("hostagent: heartbeat failed", slog.Any("err", f.err),
			slog.Int("failures", l.failures), slog.Duration("retry_in", pause))
		return pause, nil
	}
	if l.failures > 0 {
		h.log.Info("hostagent: heartbeat answered again", slog.Int("after_failures", l.failures))
		l.failures = 0
	}
	if d, ok := a.interval(); ok {
		l.interval = d
	}
	if a.Status != l.status || a.Accepted != l.accepted {
		l.status, l.accepted = a.Status, a.Accepted
		msg := "hostagent: heartbeats accepted"
		if !a.Accepted {
			msg = "hostagent: heartbeats ignored while the host is not running; backing off"
		}
		h.log.Info(msg, slog.String("status", clean(a.Status)), slog.Duration("interval", l.interval))
	}
	if a.Accepted && !a.BootstrapDone && h.state() == BootstrapDone {
		if err := h.reportBootstrap(ctx); err != nil {
			switch {
			case ctx.Err() != nil:
				return 0, ctx.Err()
			case errors.Is(err, ErrUnauthorized):
				return 0, err
			}
			h.log.Warn("hostagent: reporting the first boot done failed; will retry", slog.Any("err", err))
		}
	}
	return l.jittered(l.interval), nil
}

// backoff is the pause after l.failures failures in a row: BackoffBase
// doubled per failure after the first, at most BackoffMax.
func (l *loop) backoff() time.Duration {
	d := l.h.cfg.BackoffBase
	for i := 1; i < l.failures && d < l.h.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, l.h.cfg.BackoffMax)
}

// jittered spreads d uniformly by ±Jitter.
func (l *loop) jittered(d time.Duration) time.Duration {
	f := 1 + l.h.cfg.Jitter*(2*l.rnd.Float64()-1)
	return time.Duration(float64(d) * f)
}
