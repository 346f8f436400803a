package smoketest

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// DNSDelay is how long the simulated zone takes to publish a host's new
// address.
const DNSDelay = 20 * time.Second

// zone is a simulated DNS zone holding one host's name: it publishes the
// VM's address DNSDelay after it first sees it, and keeps the last one
// published when the VM stops (the record outlives the VM, as the
// library manages no DNS records).
type zone struct {
	cloud *fakes.Cloud
	kind  string
	host  provider.Host
	now   func() time.Time
	name  string
	delay time.Duration

	mu        sync.Mutex
	pending   string
	since     time.Time
	published string
}

// LookupHost implements waiter.Resolver.
func (z *zone) LookupHost(ctx context.Context, name string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if name != z.name {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	now := z.now()
	if addr := z.cloud.Truth(z.kind, z.host).Address; addr != "" && addr != z.pending {
		z.pending, z.since = addr, now
	}
	if z.pending != "" && !now.Before(z.since.Add(z.delay)) {
		z.published = z.pending
	}
	if z.published == "" {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return []string{z.published}, nil
}
