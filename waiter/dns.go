package waiter

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/hoststate"
)

// DNS configures the readiness gate of starts: a host that gets a DNS
// name is reported ready only once the name resolves to its address, so a
// control plane never hands out a host whose name does not work yet. A
// stop never touches the name: the library manages no DNS records.
type DNS struct {
	// Name returns the host's DNS name, or "" for a host without one.
	Name func(rec hoststate.Record) string
	// Resolver answers the lookups; *net.Resolver satisfies it.
	Resolver Resolver
	// Confirmations is how many consecutive right answers are needed
	// (default 1); a wrong answer or NXDOMAIN in between restarts the run.
	Confirmations int
}

// resolvable waits, within the action's deadline, until the started
// host's name resolves to its address. A host that settled without an
// address, or has no name, is ready as it is.
func (r *run) resolvable(ctx context.Context, rec hoststate.Record) error {
	name := r.a.dns.Name(rec)
	if name == "" || rec.Address == "" {
		return nil
	}
	now := r.a.clock.Now()
	if r.p.past(now) {
		return fmt.Errorf("%w: %s: no time left before the deadline", ErrNotResolvable, hoststate.Truncate(name, hoststate.MaxQuoted))
	}
	o := r.opts
	o.Timeout = r.p.deadline.Sub(now)
	o.Confirmations = r.a.dns.Confirmations
	o.Reports = nil
	want, o, err := resolveOptions(r.a.dns.Resolver, name, rec.Address, o)
	if err == nil {
		_, err = resolveOn(ctx, r.p, r.a.dns.Resolver, name, want, o)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotResolvable, err)
	}
	r.log.Info("waiter: name resolves", "name", name, "address", rec.Address)
	return nil
}
