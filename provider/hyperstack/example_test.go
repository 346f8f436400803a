package hyperstack_test

import (
	"context"
	"fmt"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
)

// The adapter against a local emulator of the Hyperstack API. In
// production, leave BaseURL empty and read the key from the environment.
func Example() {
	srv := emulators.NewHyperstack(fakes.NewCloud(nil, 1), "example-key")
	defer srv.Close()
	host := provider.Host{Instance: "host-1", Volume: "1001"}
	if err := srv.AddHost(host, false); err != nil {
		fmt.Println(err)
		return
	}
	p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: "example-key", AllowInsecureHTTP: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	obs, err := p.Probe(context.Background(), host)
	if err != nil {
		fmt.Println(err)
		return
	}
	// A stopped Hyperstack host has no VM and an available volume: off.
	fmt.Println(obs.VM, "/", obs.Volume, obs.RawVolume)
	// Configurations print without their key.
	fmt.Println(hyperstack.Config{APIKey: "example-key"})
	// Output:
	// absent / present available
	// hyperstack.Config{BaseURL: "https://infrahub-api.nexgencloud.com/v1", APIKey: [redacted], LaunchSpec: unset, StopMode: delete, AllowInsecureHTTP: false}
}
