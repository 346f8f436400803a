package smoke

import (
	"context"
	"sync"

	"github.com/driftless/driftless/provider"
)

// crashPoint stands for the driver's process in the crash fault: armed,
// the next action call goes to the provider, then reports that it was
// sent and never returns — as a process that died right after sending —
// until its context ends. Nothing moves between the send and the crash,
// whatever the clock, so a crash step repeats exactly.
type crashPoint struct {
	mu    sync.Mutex
	armed bool
	sent  chan struct{}
}

// arm makes the next action call crash; the returned channel is closed
// once it was sent.
func (c *crashPoint) arm() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed, c.sent = true, make(chan struct{})
	return c.sent
}

// disarm makes the next action call pass, crash or not.
func (c *crashPoint) disarm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed = false
}

// after runs after an action call returned: armed, it disarms, reports the
// send and blocks until ctx ends.
func (c *crashPoint) after(ctx context.Context, op provider.Operation, err error) (provider.Operation, error) {
	c.mu.Lock()
	armed, sent := c.armed, c.sent
	c.armed = false
	c.mu.Unlock()
	if !armed {
		return op, err
	}
	close(sent)
	<-ctx.Done()
	return nil, ctx.Err()
}

// crashable is a provider whose action calls pass through a crashPoint.
type crashable struct {
	provider.Provider
	c *crashPoint
}

// withCrashPoint wraps p, keeping the optional interfaces it implements.
func withCrashPoint(p provider.Provider, c *crashPoint) provider.Provider {
	base := &crashable{Provider: p, c: c}
	l, isLister := p.(provider.Lister)
	w, isPusher := p.(provider.Pusher)
	switch {
	case isLister && isPusher:
		return struct {
			*crashable
			provider.Lister
			provider.Pusher
		}{base, l, w}
	case isLister:
		return struct {
			*crashable
			provider.Lister
		}{base, l}
	case isPusher:
		return struct {
			*crashable
			provider.Pusher
		}{base, w}
	}
	return base
}

// Start implements provider.Provider.
func (p *crashable) Start(ctx context.Context, h provider.Host) (provider.Operation, error) {
	op, err := p.Provider.Start(ctx, h)
	return p.c.after(ctx, op, err)
}

// Stop implements provider.Provider.
func (p *crashable) Stop(ctx context.Context, h provider.Host) (provider.Operation, error) {
	op, err := p.Provider.Stop(ctx, h)
	return p.c.after(ctx, op, err)
}

// Reboot implements provider.Provider.
func (p *crashable) Reboot(ctx context.Context, h provider.Host) (provider.Operation, error) {
	op, err := p.Provider.Reboot(ctx, h)
	return p.c.after(ctx, op, err)
}

// Reprovision implements provider.Provider.
func (p *crashable) Reprovision(ctx context.Context, h provider.Host) (provider.Operation, error) {
	op, err := p.Provider.Reprovision(ctx, h)
	return p.c.after(ctx, op, err)
}

// Deprovision implements provider.Provider.
func (p *crashable) Deprovision(ctx context.Context, h provider.Host) (provider.Operation, error) {
	op, err := p.Provider.Deprovision(ctx, h)
	return p.c.after(ctx, op, err)
}
