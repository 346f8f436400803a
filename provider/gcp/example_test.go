package gcp_test

import (
	"context"
	"fmt"

	"google.golang.org/api/option"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
)

// The adapter with the real SDK clients, pointed at a local emulator of the
// Compute Engine API. In production, pass no options (Application Default
// Credentials) and leave AllowInsecureHTTP false.
func Example() {
	ctx := context.Background()
	srv := emulators.NewGCP(fakes.NewCloud(nil, 1))
	defer srv.Close()
	host := provider.Host{Project: "my-project", Zone: "europe-west4-a", Instance: "host-1", Volume: "host-1-data"}
	if err := srv.AddHost(host, false); err != nil {
		fmt.Println(err)
		return
	}

	p, err := gcp.New(ctx, gcp.Config{AllowInsecureHTTP: true},
		option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	obs, err := p.Probe(ctx, host)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(obs.VM, obs.RawVM, "/", obs.Volume, obs.RawVolume)
	// Output: stopped TERMINATED / present READY
}
