package smoketest

import (
	"context"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// delivered is the self-host adapter with the emulated connectors'
// reports delivered before every probe and every action, as the
// conformance suite does (a real connector reports all along).
// It is deliberately not a provider.Pusher: a pushed report wakes a
// waiter without any timer, which a driver of the fake clock could not
// see, so the waiter polls instead and every wake-up is the clock's.
type delivered struct {
	provider.Provider
	deliver func(ctx context.Context) error
}

// Probe implements provider.Provider: the connectors report, then the
// adapter answers from the reports.
func (d *delivered) Probe(ctx context.Context, h provider.Host) (hoststate.Observation, error) {
	if err := d.deliver(ctx); err != nil {
		return hoststate.Observation{}, err
	}
	return d.Provider.Probe(ctx, h)
}

// Start implements provider.Provider, after the connectors report.
func (d *delivered) Start(ctx context.Context, h provider.Host) (provider.Operation, error) {
	if err := d.deliver(ctx); err != nil {
		return nil, err
	}
	return d.Provider.Start(ctx, h)
}

// Stop implements provider.Provider, after the connectors report.
func (d *delivered) Stop(ctx context.Context, h provider.Host) (provider.Operation, error) {
	if err := d.deliver(ctx); err != nil {
		return nil, err
	}
	return d.Provider.Stop(ctx, h)
}
