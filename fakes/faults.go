package fakes

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/driftless/driftless/provider"
)

// Faults configure the seeded fault injection of one provider kind. Draws
// made on one host's behalf — an in-process provider's call about it, its
// preemption or volume loss as it is read, a failing operation — come from
// that host's own generator, the others (emulators' calls through
// [Cloud.InjectFault], listing entries) from the kind's; all are seeded
// from the Cloud's seed. The same seed and the same calls per host give the
// same faults, however concurrent calls about different hosts interleave. Faults
// change API answers only — a call that fails changes nothing — except
// PreemptRate and VolumeLossRate, which are external events that change
// the ground truth. Rates are fractions in [0, 1]; values outside (or NaN)
// are clamped.
type Faults struct {
	// ErrorRate is the fraction of API calls failing like a 5xx: the error
	// matches provider.ErrUnavailable.
	ErrorRate float64
	// TimeoutRate is the fraction of API calls failing like a timed-out
	// request: the error matches provider.ErrUnavailable and
	// context.DeadlineExceeded. It returns at once; nothing blocks.
	TimeoutRate float64
	// RateLimitRate is the fraction of API calls that start a burst of 429
	// answers: that call and the next RateLimitBurst-1 calls of the same
	// stream (the same host's, for in-process calls) return a
	// *provider.RateLimitError.
	RateLimitRate float64
	// RateLimitBurst is how many consecutive calls a burst rejects (at
	// least 1).
	RateLimitBurst int
	// RetryAfter is the hint the 429 answers carry (zero: none, as with
	// Hyperstack).
	RetryAfter time.Duration
	// PartialListRate is the fraction of listing entries (VMs and volumes
	// alike) that a page silently omits, as an inconsistent list API does.
	PartialListRate float64
	// CreateLag is how long a newly created VM or volume stays invisible
	// (404, absent from listings) after it exists. Hosts added with
	// [Cloud.AddHost] count as old and are visible at once.
	CreateLag time.Duration
	// DeleteLag is how long a deleted VM or volume stays visible, with its
	// last status, after it is gone.
	DeleteLag time.Duration
	// OperationFailRate is the fraction of accepted gcp and nebius actions
	// whose operation finishes DONE with an error (matching
	// provider.ErrOperationFailed) and changes nothing.
	OperationFailRate float64
	// PreemptRate is, each time an answer reads a running or starting VM of
	// a kind with spot capacity (gcp, nebius, lambda), the chance that the
	// provider preempts it just then.
	PreemptRate float64
	// VolumeLossRate is, each time an answer reads an existing data volume,
	// the chance that it is deleted externally just then.
	VolumeLossRate float64
	// OfflineRate is the fraction of selfhost answers (probes and listing
	// entries) in which the connector is silent: the VM is unreachable.
	OfflineRate float64
}

// sanitized clamps rates into [0, 1] and durations to be non-negative.
func (f Faults) sanitized() Faults {
	for _, p := range []*float64{&f.ErrorRate, &f.TimeoutRate, &f.RateLimitRate, &f.PartialListRate, &f.OperationFailRate, &f.PreemptRate, &f.VolumeLossRate, &f.OfflineRate} {
		if math.IsNaN(*p) {
			*p = 0
		}
		*p = min(max(*p, 0), 1)
	}
	f.RateLimitBurst = max(f.RateLimitBurst, 1)
	f.RetryAfter = max(f.RetryAfter, 0)
	f.CreateLag = max(f.CreateLag, 0)
	f.DeleteLag = max(f.DeleteLag, 0)
	return f
}

// SetFaults replaces the fault configuration of kind, or of every kind when
// kind is [All]. It resets any 429 burst in progress.
func (c *Cloud) SetFaults(kind string, f Faults) error {
	f = f.sanitized()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.eachKindLocked(kind, func(ks *kindState) {
		ks.faults = f
		ks.draws.burst = 0
		for _, d := range ks.hostDraws {
			d.burst = 0
		}
	})
}

// InjectFault counts one API call of kind to method and draws its seeded
// fault: nil means the call proceeds. An emulator calls it once per request
// before it answers; the in-process providers call it for every API call
// they make. An unknown kind is an error matching [ErrUnknownKind] and is
// not counted.
func (c *Cloud) InjectFault(kind, method string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return err
	}
	ks.calls[method]++
	return ks.drawCallFault(ks.draws, method)
}

// injectFaultFor is InjectFault for a call about the host named instance:
// the fault comes from that host's own stream.
func (c *Cloud) injectFaultFor(kind, method, instance string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return err
	}
	ks.calls[method]++
	return ks.drawCallFault(ks.forHost(instance), method)
}

// DropListEntry draws the partial-listing fault for one entry of a listing
// of kind: true means the answer silently omits the entry. Emulators call it
// per listed item; the in-process listers use it too.
func (c *Cloud) DropListEntry(kind string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, err := c.kindLocked(kind)
	if err != nil {
		return false
	}
	return ks.draws.chance(ks.faults.PartialListRate)
}

// drawCallFault returns the injected error of one call drawn from d, or
// nil.
func (ks *kindState) drawCallFault(d *draws, method string) error {
	f := ks.faults
	if d.burst > 0 {
		d.burst--
		return ks.rateLimited(method)
	}
	if f.RateLimitRate == 0 && f.ErrorRate == 0 && f.TimeoutRate == 0 {
		return nil
	}
	// One draw per call, partitioned among the faults, keeps the sequence
	// of draws independent of which fault fired.
	r := d.rng.Float64()
	switch {
	case r < f.RateLimitRate:
		d.burst = f.RateLimitBurst - 1
		return ks.rateLimited(method)
	case r < f.RateLimitRate+f.ErrorRate:
		return fmt.Errorf("fakes: %s %s: injected 503: %w", ks.spec.name(), method, provider.ErrUnavailable)
	case r < f.RateLimitRate+f.ErrorRate+f.TimeoutRate:
		return fmt.Errorf("fakes: %s %s: injected timeout: %w: %w", ks.spec.name(), method, provider.ErrUnavailable, context.DeadlineExceeded)
	}
	return nil
}

func (ks *kindState) rateLimited(method string) error {
	return &provider.RateLimitError{
		Provider:   ks.spec.name(),
		RetryAfter: ks.faults.RetryAfter,
		Err:        fmt.Errorf("fakes: %s %s: injected 429", ks.spec.name(), method),
	}
}

// chance draws true with probability p; p == 0 draws nothing, so a cloud
// without faults consumes no randomness.
func (d *draws) chance(p float64) bool {
	if p <= 0 {
		return false
	}
	return d.rng.Float64() < p
}

// hostChance is chance drawn from the stream of the host named instance;
// p == 0 neither draws nor creates the stream.
func (ks *kindState) hostChance(instance string, p float64) bool {
	if p <= 0 {
		return false
	}
	return ks.forHost(instance).chance(p)
}
