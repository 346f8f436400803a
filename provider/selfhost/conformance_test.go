package selfhost_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/providertest"
	"github.com/driftless/driftless/provider/selfhost"
)

// TestConformance runs the provider conformance suite through the adapter
// over emulated connectors: they carry its starts and stops to the
// simulated cloud and report the VMs' states back before every
// observation. Self-hosts have no API, so no failure answers are injected.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: selfhost.Facts(), New: conformanceEnv})
}

// conformanceEnv is one fresh set of connectors and an adapter fed by them.
func conformanceEnv(t *testing.T) *providertest.Env {
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	emu := emulators.NewSelfHost(cloud)
	p, err := selfhost.New(selfhost.Config{Connector: emu.Connector(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &providertest.Env{
		Provider: p, Cloud: cloud, Requests: emu.Requests, Create: emu.AddHost,
		Host: func(n int) provider.Host { return provider.Host{Project: "conn-1", Instance: fmt.Sprintf("vm-%d", n)} },
		Sync: func() {
			if err := emu.Deliver(context.Background(), p, nil); err != nil {
				t.Errorf("delivering the connectors' reports: %v", err)
			}
		},
	}
}
