package nebius_test

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
)

// The adapter over fake services. In production, pass the gosdk shim's
// services (see the README).
func Example() {
	fake := emulators.NewNebius(fakes.NewCloud(nil, 1))
	host := provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}
	if err := fake.AddHost(host, false); err != nil {
		fmt.Println(err)
		return
	}
	p, err := nebius.New(fake.Instances(), fake.Disks(), nebius.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	obs, err := p.Probe(context.Background(), host)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(obs.VM, obs.RawVM, "/", obs.Volume, obs.RawVolume)
	// Output: stopped STOPPED / present READY
}
