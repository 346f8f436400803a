package nebius_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
)

// The adapter over the compiled gRPC client, here against the emulator.
// For the real API, leave Endpoint (compute.api.nebius.cloud:443) and
// Insecure at their defaults and give a TokenSource of IAM tokens.
func ExampleDial() {
	emu, err := emulators.NewNebiusGRPC(fakes.NewCloud(nil, 1), "emulator-token")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer emu.Close()
	host := provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}
	if err := emu.AddHost(host, true); err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	client, err := nebius.Dial(ctx, nebius.GRPCConfig{
		Endpoint: emu.Addr(),
		Insecure: true, // the emulator is plaintext, on loopback
		Token:    nebius.StaticToken("emulator-token"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	p, err := nebius.New(client.Instances(), client.Disks(), nebius.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}

	obs, err := p.Probe(ctx, host)
	fmt.Println(obs.VM, obs.RawVM, "/", obs.Volume, obs.RawVolume, err)

	emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusNotEnoughResources, Count: 1})
	_, err = p.Stop(ctx, host)
	fmt.Println(errors.Is(err, nebius.ErrNotEnoughResources), provider.Transient(err))
	// Output:
	// running RUNNING / present READY <nil>
	// true false
}
