package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"

	"google.golang.org/api/option"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/nebius"
)

// fleet is the simulated cloud, the providers that reach it and the
// hosts the control plane starts with.
type fleet struct {
	cloud     *fakes.Cloud
	providers []provider.Provider
	// hosts are the initial records: every host unknown, never observed,
	// so the reconciler's first tick finds out what the cloud holds.
	hosts []hoststate.Record
	// secrets are the emulators' API keys, kept out of every answer.
	secrets []string
	close   func()
}

// hostOf is host i of kind, valid for both the fakes and the real adapters.
func hostOf(kind string, i int) (id string, ref provider.Host) {
	id = fmt.Sprintf("%s-%d", kind, i)
	switch kind {
	case fakes.GCP:
		return id, provider.Host{Project: "demo-project", Zone: "us-central1-a", Instance: id, Volume: id + "-data"}
	case fakes.Nebius:
		return id, provider.Host{Project: "project-e00demo", Instance: fmt.Sprintf("computeinstance-e00demo%d", i), Volume: fmt.Sprintf("computedisk-e00demo%d", i)}
	case fakes.Hyperstack:
		// The Hyperstack emulator names volumes by their numeric id.
		return id, provider.Host{Region: "CANADA-1", Instance: id, Volume: strconv.Itoa(1000 + i)}
	case fakes.Lambda:
		return id, provider.Host{Region: "us-east-1", Instance: fmt.Sprintf("0920582c7ff041399e34823a0be6%04d", i)}
	}
	return id, provider.Host{Project: "connector-1", Instance: id}
}

// newFleet builds perKind hosts of every kind, odd ones running, on clk.
// With emulate, GCP, Hyperstack and Lambda are reached through their HTTP
// emulators and the real adapters, and Nebius through the real adapter
// over fake services; self-host has no API to emulate and stays
// simulated.
func newFleet(ctx context.Context, clk *wallClock, perKind int, seed int64, emulate bool) (*fleet, error) {
	f := &fleet{cloud: fakes.NewCloud(clk.Clock, seed), close: func() {}}
	var closers []func()
	f.close = func() {
		for _, c := range closers {
			c()
		}
	}
	// add puts host i of kind into the cloud through add.
	addAll := func(kind string, add func(provider.Host, bool) error) error {
		for i := 1; i <= perKind; i++ {
			id, ref := hostOf(kind, i)
			if err := add(ref, i%2 == 1); err != nil {
				return fmt.Errorf("adding %s: %w", id, err)
			}
			f.hosts = append(f.hosts, hoststate.Record{ID: id, Provider: kind, Ref: ref})
		}
		return nil
	}
	cloudAdd := func(kind string) func(provider.Host, bool) error {
		return func(h provider.Host, running bool) error { return f.cloud.AddHost(kind, h, running) }
	}
	if !emulate {
		for _, kind := range fakes.Kinds() {
			if err := addAll(kind, cloudAdd(kind)); err != nil {
				return nil, err
			}
			f.providers = append(f.providers, f.cloud.Provider(kind))
		}
		return f, nil
	}
	fail := func(err error) (*fleet, error) {
		f.close()
		return nil, err
	}

	gsrv := emulators.NewGCP(f.cloud)
	closers = append(closers, gsrv.Close)
	gp, err := gcp.New(ctx, gcp.Config{AllowInsecureHTTP: true, Clock: clk}, option.WithEndpoint(gsrv.URL()), option.WithoutAuthentication())
	if err != nil {
		return fail(err)
	}
	closers = append(closers, func() { _ = gp.Close() })
	if err := addAll(fakes.GCP, gsrv.AddHost); err != nil {
		return fail(err)
	}

	hsKey, lambdaKey := rand.Text(), rand.Text()
	f.secrets = []string{hsKey, lambdaKey}
	hsrv := emulators.NewHyperstack(f.cloud, hsKey)
	closers = append(closers, hsrv.Close)
	hp, err := hyperstack.New(hyperstack.Config{BaseURL: hsrv.BaseURL(), APIKey: hsKey, AllowInsecureHTTP: true, Now: clk.Now,
		Launch: &hyperstack.Launch{EnvironmentName: "demo", ImageName: "Ubuntu Server 24.04 LTS", FlavorName: "n3-RTX-A6000x1", KeyName: "demo"}})
	if err != nil {
		return fail(err)
	}
	if err := addAll(fakes.Hyperstack, hsrv.AddHost); err != nil {
		return fail(err)
	}

	lsrv := emulators.NewLambda(f.cloud, lambdaKey)
	closers = append(closers, lsrv.Close)
	lp, err := lambda.New(lambda.Config{BaseURL: lsrv.BaseURL(), APIKey: lambdaKey, AllowInsecureHTTP: true, Now: clk.Now})
	if err != nil {
		return fail(err)
	}
	if err := addAll(fakes.Lambda, lsrv.AddHost); err != nil {
		return fail(err)
	}

	neb := emulators.NewNebius(f.cloud)
	np, err := nebius.New(neb.Instances(), neb.Disks(), nebius.Config{Clock: clk})
	if err != nil {
		return fail(err)
	}
	if err := addAll(fakes.Nebius, neb.AddHost); err != nil {
		return fail(err)
	}

	if err := addAll(fakes.SelfHost, cloudAdd(fakes.SelfHost)); err != nil {
		return fail(err)
	}
	f.providers = []provider.Provider{gp, hp, lp, np, f.cloud.Provider(fakes.SelfHost)}
	return f, nil
}
