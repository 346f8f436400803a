package selfhost_test

import (
	"context"
	"fmt"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
)

// nopConnector accepts every action.
type nopConnector struct{}

func (nopConnector) Start(context.Context, provider.Host) error { return nil }
func (nopConnector) Stop(context.Context, provider.Host) error  { return nil }

// The control plane feeds connector reports in; probes answer from them,
// and a connector silent beyond its TTL makes the host unreachable, never
// off.
func Example() {
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p, err := selfhost.New(selfhost.Config{Connector: nopConnector{}, Now: clock.Now, TTL: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	host := provider.Host{Project: "laptop-1", Instance: "vm-1"}
	_ = p.Report(context.Background(), selfhost.Report{Connector: "laptop-1", Instance: "vm-1", State: "off", At: clock.Now()})

	obs, _ := p.Probe(context.Background(), host)
	fmt.Println(obs.VM, obs.RawVM, obs.Unreachable)

	clock.Advance(2 * time.Minute)
	obs, _ = p.Probe(context.Background(), host)
	fmt.Println(obs.VM, obs.Unreachable)
	// Output:
	// stopped off false
	// unknown true
}
