package waiter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hoststate"
)

// Resolver looks up the addresses of a host name. *net.Resolver satisfies
// it; tests pass a fake.
type Resolver interface {
	LookupHost(ctx context.Context, host string) (addrs []string, err error)
}

// WrongAnswerError reports a name that resolves, but not (yet) to the
// wanted address: a stale record or a cache still holding the old one.
type WrongAnswerError struct {
	// Name is the name looked up; Want the address waited for.
	Name, Want string
	// Got is what the resolver answered.
	Got []string
}

// Error implements error.
func (e *WrongAnswerError) Error() string {
	return fmt.Sprintf("waiter: %s resolves to %s, not %s", hoststate.Truncate(e.Name, hoststate.MaxQuoted), hoststate.Truncate(strings.Join(e.Got, ", "), hoststate.MaxQuoted), e.Want)
}

// WaitResolvable waits until resolver resolves name to wantAddr, and
// returns the answer. It is the DNS gate from the original control plane: a browser sent to
// a new host before its name resolves caches NXDOMAIN, so hand the name
// out only once this returns.
//
// Not-found answers (*net.DNSError with IsNotFound, NXDOMAIN), other DNS
// errors and answers without wantAddr are retried on opts' schedule until
// opts.Timeout (default [DefaultTimeout]); opts.Confirmations consecutive
// right answers are needed (default 1). Target, FailFast, NotFoundGrace,
// Operation and Reports do not apply and are ignored. On timeout the
// *TimeoutError's LastErr says what the resolver last answered (a
// *net.DNSError or a *WrongAnswerError). A non-DNS error from resolver
// ends the wait. An empty name or an unparsable wantAddr matches
// [ErrInvalidOptions], with no lookup made.
func WaitResolvable(ctx context.Context, clock clock.Clock, resolver Resolver, name, wantAddr string, opts Options) ([]string, error) {
	if clock == nil {
		return nil, fmt.Errorf("%w: nil clock or resolver", ErrInvalidOptions)
	}
	want, o, err := resolveOptions(resolver, name, wantAddr, opts)
	if err != nil {
		return nil, err
	}
	p := newPacer(clock, clock.Now().Add(o.Timeout))
	defer p.close()
	return resolveOn(ctx, p, resolver, name, want, o)
}

// resolveOptions checks WaitResolvable's arguments and fills opts'
// defaults.
func resolveOptions(resolver Resolver, name, wantAddr string, opts Options) (netip.Addr, Options, error) {
	want, err := netip.ParseAddr(wantAddr)
	switch {
	case resolver == nil:
		return want, opts, fmt.Errorf("%w: nil clock or resolver", ErrInvalidOptions)
	case strings.TrimSpace(name) == "":
		return want, opts, fmt.Errorf("%w: empty name", ErrInvalidOptions)
	case err != nil:
		return want, opts, fmt.Errorf("%w: address %q: %w", ErrInvalidOptions, hoststate.Truncate(wantAddr, hoststate.MaxQuoted), err)
	}
	opts.Target, opts.FailFast, opts.NotFoundGrace, opts.Operation, opts.Reports = Condition{}, Condition{}, 0, nil, nil
	o, err := opts.withDefaults(false)
	return want, o, err
}

// resolveOn is WaitResolvable on the pacer p, whose deadline bounds the
// wait: an action's DNS gate waits on the action's own pacer, so the
// number of pending timers stays that of any other wait of the action.
func resolveOn(ctx context.Context, p *pacer, resolver Resolver, name string, want netip.Addr, o Options) ([]string, error) {
	clock := p.clock
	start := clock.Now()
	sched := newSchedule(o, start)
	run := 0
	var nx error // the last NXDOMAIN, an answer that resets the run
	l := &loop[[]string]{
		p:       p,
		sched:   sched,
		initial: sched.quiet(start),
		confirm: o.ConfirmInterval,
		safety:  o.MaxInterval,
		probe: func(ctx context.Context) ([]string, error) {
			addrs, err := resolver.LookupHost(ctx, name)
			// NXDOMAIN is an answer, not a failed lookup: it breaks a run
			// of right answers as a wrong address does.
			var dnsErr *net.DNSError
			if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
				nx = err
				return nil, nil
			}
			return addrs, err
		},
		decide: func(addrs []string, _ time.Time) verdict {
			if !slices.ContainsFunc(addrs, func(a string) bool { return sameAddr(a, want) }) {
				run = 0
				return pending
			}
			nx = nil
			run++
			if run >= o.Confirmations {
				return reached
			}
			return confirming
		},
		retry: func(err error) bool {
			var dnsErr *net.DNSError
			return errors.As(err, &dnsErr)
		},
	}
	out, _, err := l.run(ctx)
	switch {
	case err == nil:
		return out.last, nil
	case errors.Is(err, errDeadline):
		last := out.lastErr
		switch {
		case last == nil && out.observed && len(out.last) == 0 && nx != nil:
			last = nx
		case last == nil && out.observed:
			last = &WrongAnswerError{Name: name, Want: want.String(), Got: out.last}
		}
		return nil, &TimeoutError{Waited: clock.Now().Sub(start), LastErr: last}
	case ctx.Err() != nil:
		return nil, fmt.Errorf("waiter: resolving %s: %w", hoststate.Truncate(name, hoststate.MaxQuoted), context.Cause(ctx))
	}
	return nil, fmt.Errorf("waiter: resolving %s: %w", hoststate.Truncate(name, hoststate.MaxQuoted), err)
}

// sameAddr reports whether the resolver's answer a is the address want,
// whatever its spelling (IPv6 zero compression, IPv4-mapped forms).
func sameAddr(a string, want netip.Addr) bool {
	got, err := netip.ParseAddr(a)
	return err == nil && got.Unmap() == want.Unmap()
}
