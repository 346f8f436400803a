package fakes_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// The Hyperstack stop/start race on a fake clock: stop deletes the VM, and
// a start before the volume is available again is refused.
func ExampleCloud() {
	clock := clocktest.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	cloud := fakes.NewCloud(clock, 1)
	h := provider.Host{Region: "r1", Instance: "vm-1", Volume: "4242"}
	if err := cloud.AddHost(fakes.Hyperstack, h, true); err != nil {
		fmt.Println(err)
		return
	}
	p := cloud.Provider(fakes.Hyperstack)
	ctx := context.Background()
	show := func() {
		obs, err := p.Probe(ctx, h)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s vm %q=%s, volume %q=%s\n", clock.Now().Format(time.TimeOnly), obs.RawVM, obs.VM, obs.RawVolume, obs.Volume)
	}

	show()
	if _, err := p.Stop(ctx, h); err != nil {
		fmt.Println(err)
	}
	clock.Advance(15 * time.Second)
	show()
	_, err := p.Start(ctx, h)
	fmt.Println("start while the old VM exists: conflict =", errors.Is(err, provider.ErrConflict))
	clock.Advance(35 * time.Second)
	show()
	if _, err := p.Start(ctx, h); err != nil {
		fmt.Println(err)
	}
	clock.Advance(90 * time.Second)
	show()
	fmt.Println("truth:", cloud.Truth(fakes.Hyperstack, h).VM, "calls:", cloud.Calls(fakes.Hyperstack).Total())
	// Output:
	// 12:00:00 vm "ACTIVE"=running, volume "in-use"=present
	// 12:00:15 vm "DELETING"=stopping, volume "reserved"=transitional
	// start while the old VM exists: conflict = true
	// 12:00:50 vm ""=absent, volume "available"=present
	// 12:02:20 vm "ACTIVE"=running, volume "in-use"=present
	// truth: running calls: 7
}

// Seeded faults: a 429 burst, then the calls go through.
func ExampleCloud_SetFaults() {
	cloud := fakes.NewCloud(clocktest.New(time.Unix(0, 0)), 1)
	h := provider.Host{Region: "us-east-1", Instance: "i-1"}
	if err := cloud.AddHost(fakes.Lambda, h, true); err != nil {
		fmt.Println(err)
		return
	}
	if err := cloud.SetFaults(fakes.Lambda, fakes.Faults{RateLimitRate: 1, RateLimitBurst: 2, RetryAfter: time.Second}); err != nil {
		fmt.Println(err)
		return
	}
	p := cloud.Provider(fakes.Lambda)
	for range 2 {
		_, err := p.Probe(context.Background(), h)
		fmt.Println(err, "| retry after", provider.RetryAfter(err))
	}
	if err := cloud.SetFaults(fakes.Lambda, fakes.Faults{}); err != nil {
		fmt.Println(err)
		return
	}
	obs, err := p.Probe(context.Background(), h)
	fmt.Println(obs.RawVM, obs.VM, err)
	// Output:
	// lambda: rate limited (retry after 1s): fakes: lambda Probe: injected 429 | retry after 1s
	// lambda: rate limited (retry after 1s): fakes: lambda Probe: injected 429 | retry after 1s
	// active running <nil>
}

// Drift from outside: a spot instance is preempted, and the probe sees it.
func ExampleCloud_Preempt() {
	cloud := fakes.NewCloud(clocktest.New(time.Unix(0, 0)), 1)
	h := provider.Host{Project: "proj", Zone: "us-central1-a", Instance: "vm-1", Volume: "disk-1"}
	if err := cloud.AddHost(fakes.GCP, h, true); err != nil {
		fmt.Println(err)
		return
	}
	if err := cloud.Preempt(fakes.GCP, h); err != nil {
		fmt.Println(err)
		return
	}
	obs, err := cloud.Provider(fakes.GCP).Probe(context.Background(), h)
	fmt.Println(obs.RawVM, obs.VM, obs.RawVolume, obs.Volume, err)
	// Output:
	// TERMINATED stopped READY present <nil>
}
