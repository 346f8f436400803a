package kernel

import (
	"time"

	"github.com/driftless/driftless/provider"
)

// Allow takes one token from the provider's bucket at now, reporting
// whether the call may go now. The reconciler uses it: a call that may
// not go waits for a later tick.
func (p *Provider) Allow(now time.Time) bool { return p.limiter.AllowN(now, 1) }

// BackoffUntil returns when the provider's backoff ends (zero when none).
func (p *Provider) BackoffUntil() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.backoffUntil
}

// Failed starts or extends the provider's backoff after a rate limit, 5xx
// or timeout at now: exponential in the consecutive failures with full
// jitter, at least the provider's own retry-after hint, at most
// BackoffMax. It returns when the backoff ends.
func (p *Provider) Failed(now time.Time, err error) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures++
	ceiling := p.cfg.BackoffBase << min(p.failures-1, 20)
	if ceiling <= 0 || ceiling > p.cfg.BackoffMax {
		ceiling = p.cfg.BackoffMax
	}
	d := time.Duration(p.rnd.Int64N(int64(ceiling)) + 1)
	d = min(max(d, provider.RetryAfter(err)), p.cfg.BackoffMax)
	if until := now.Add(d); until.After(p.backoffUntil) {
		p.backoffUntil = until
	}
	return p.backoffUntil
}

// Succeeded ends the provider's backoff streak.
func (p *Provider) Succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures = 0
	p.backoffUntil = time.Time{}
}

// Admit asks whether a call may go at now: zero means yes (a token was
// taken); otherwise the caller waits that long — the rest of the
// provider's backoff, or until the bucket has a token — and asks again.
// The waiter uses it, so its calls respect the limits the reconciler
// keeps.
func (p *Provider) Admit(now time.Time) time.Duration {
	if until := p.BackoffUntil(); now.Before(until) {
		return until.Sub(now)
	}
	if p.limiter.AllowN(now, 1) {
		return 0
	}
	res := p.limiter.ReserveN(now, 1)
	d := res.DelayFrom(now)
	res.CancelAt(now)
	return max(d, time.Nanosecond)
}
