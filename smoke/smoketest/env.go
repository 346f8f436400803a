package smoketest

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"google.golang.org/api/option"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/selfhost"
	"github.com/driftless/driftless/smoke"
)

// Options configure [New].
type Options struct {
	// Seed seeds the simulated cloud and its faults; default 1.
	Seed int64
	// Faults adds, after each provider's plain target, a target for the
	// fault mode: a second host on the same emulator, with an injector.
	Faults bool
	// Stuck is how long Await waits, in wall time, for the code under test
	// to block on the clock before it reports ErrStuck; default 2 min.
	Stuck time.Duration
}

// Env is the emulated clouds of one smoke run. Close it when done.
type Env struct {
	clock   *clocktest.Clock
	cloud   *fakes.Cloud
	time    drivenTime
	closers []func()
}

// epoch is where the simulated clock starts.
var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// New starts the emulators and returns the targets, in the order gcp,
// hyperstack, lambda, nebius, selfhost (with Faults, each provider's
// fault target right after its plain one).
func New(ctx context.Context, o Options) (*Env, []smoke.Target, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Stuck <= 0 {
		o.Stuck = 2 * time.Minute
	}
	clk := clocktest.New(epoch)
	e := &Env{clock: clk, cloud: fakes.NewCloud(clk, o.Seed), time: drivenTime{clock: clk, step: time.Second, stuck: o.Stuck, events: &events{}}}
	var targets []smoke.Target
	builders := []func(context.Context) (func(n int) smoke.Target, injector, error){e.gcp, e.hyperstack, e.lambda, e.nebius, e.selfhost}
	for _, b := range builders {
		target, inj, err := b(ctx)
		if err != nil {
			e.Close()
			return nil, nil, err
		}
		targets = append(targets, target(1))
		if o.Faults {
			t := target(2)
			inj.cloud, inj.kind, inj.events, inj.now = e.cloud, t.Provider.Name(), e.time.events, clk.Now
			t.Faults = inj
			targets = append(targets, t)
		}
	}
	return e, targets, nil
}

// Time is the run's time: the simulated clock, moved only while
// everything under test waits on it.
func (e *Env) Time() smoke.Time { return e.time }

// Cloud is the simulated cloud behind every emulator.
func (e *Env) Cloud() *fakes.Cloud { return e.cloud }

// Close stops the emulators.
func (e *Env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// target is the common part of a target on the simulated cloud.
func (e *Env) target(p provider.Provider, host provider.Host, create func(provider.Host, bool) error) smoke.Target {
	kind := p.Name()
	t := smoke.Target{Provider: p, Host: host, Inspector: inspector{cloud: e.cloud, kind: kind}}
	if create != nil {
		t.Create = func(context.Context) error { return create(host, false) }
	}
	return t
}

// labels are the smoke hosts' own labels.
func labels() map[string]string { return map[string]string{"smoke": "driftless"} }

func (e *Env) gcp(ctx context.Context) (func(int) smoke.Target, injector, error) {
	srv := emulators.NewGCP(e.cloud)
	e.closers = append(e.closers, srv.Close)
	spec := provider.LaunchSpec{Flavor: "a2-highgpu-1g", Image: "projects/debian-cloud/global/images/family/debian-12", PublicIP: true}
	p, err := gcp.New(ctx, gcp.Config{Clock: e.clock, AllowInsecureHTTP: true, LaunchSpec: provider.FixedLaunch(spec), Labels: labels()},
		option.WithEndpoint(srv.URL()), option.WithoutAuthentication())
	if err != nil {
		return nil, injector{}, fmt.Errorf("smoketest: gcp: %w", err)
	}
	e.closers = append(e.closers, func() { _ = p.Close() })
	return func(n int) smoke.Target {
		h := provider.Host{Project: "smoke-project", Zone: "us-central1-a", Instance: fmt.Sprintf("smoke-gcp-%d", n),
			Volume: fmt.Sprintf("smoke-gcp-%d-data", n), Labels: labels()}
		t := e.target(p, h, srv.AddHost)
		t.DNS = &smoke.DNSCheck{
			Name:     func(rec hoststate.Record) string { return GCPName(rec.Ref) },
			Resolver: &zone{cloud: e.cloud, kind: fakes.GCP, host: h, now: e.clock.Now, name: GCPName(h), delay: DNSDelay},
		}
		return t
	}, injector{http: srv}, nil
}

// GCPName is the internal DNS name Compute Engine gives an instance.
func GCPName(h provider.Host) string {
	return fmt.Sprintf("%s.%s.c.%s.internal", h.Instance, h.Zone, h.Project)
}

func (e *Env) hyperstack(context.Context) (func(int) smoke.Target, injector, error) {
	key := rand.Text()
	srv := emulators.NewHyperstack(e.cloud, key)
	e.closers = append(e.closers, srv.Close)
	spec := provider.LaunchSpec{Region: "default-CANADA-1", Image: "Ubuntu 22.04", Flavor: "n3-A100x1", SSHKeys: []string{"smoke"}, PublicIP: true}
	p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: key, AllowInsecureHTTP: true, Clock: e.clock,
		LaunchSpec: provider.FixedLaunch(spec)})
	if err != nil {
		return nil, injector{}, fmt.Errorf("smoketest: hyperstack: %w", err)
	}
	return func(n int) smoke.Target {
		// The emulator names volumes by their decimal id.
		h := provider.Host{Instance: fmt.Sprintf("smoke-hs-%d", n), Volume: fmt.Sprint(5000 + n), Labels: labels()}
		return e.target(p, h, srv.AddHost)
	}, injector{http: srv}, nil
}

func (e *Env) lambda(context.Context) (func(int) smoke.Target, injector, error) {
	key := rand.Text()
	srv := emulators.NewLambda(e.cloud, key)
	e.closers = append(e.closers, srv.Close)
	spec := provider.LaunchSpec{Region: "us-east-1", Flavor: "gpu_1x_a10", SSHKeys: []string{"smoke"}}
	p, err := lambda.New(lambda.Config{BaseURL: srv.BaseURL(), APIKey: key, AllowInsecureHTTP: true, Now: e.clock.Now,
		LaunchSpec: provider.FixedLaunch(spec)})
	if err != nil {
		return nil, injector{}, fmt.Errorf("smoketest: lambda: %w", err)
	}
	return func(n int) smoke.Target {
		// Referenced by name: the start launches it; nothing to create.
		h := provider.Host{Instance: fmt.Sprintf("smoke-lambda-%d", n)}
		return e.target(p, h, nil)
	}, injector{http: srv}, nil
}

func (e *Env) nebius(context.Context) (func(int) smoke.Target, injector, error) {
	fake := emulators.NewNebius(e.cloud)
	spec := provider.LaunchSpec{Flavor: "gpu-h100-sxm", Preset: "1gpu-16vcpu-200gb", Image: "ubuntu22.04-cuda12", Network: "vpcsubnet-e00smoke", PublicIP: true}
	p, err := nebius.New(fake.Instances(), fake.Disks(), nebius.Config{Clock: e.clock, LaunchSpec: provider.FixedLaunch(spec)})
	if err != nil {
		return nil, injector{}, fmt.Errorf("smoketest: nebius: %w", err)
	}
	return func(n int) smoke.Target {
		// Referenced by name, so it can be reprovisioned.
		h := provider.Host{Project: "project-e00smoke", Instance: fmt.Sprintf("smoke-nebius-%d", n), Volume: fmt.Sprintf("computedisk-e00smoke%d", n)}
		return e.target(p, h, fake.AddHost)
	}, injector{nebius: fake}, nil
}

func (e *Env) selfhost(context.Context) (func(int) smoke.Target, injector, error) {
	emu := emulators.NewSelfHost(e.cloud)
	p, err := selfhost.New(selfhost.Config{Connector: emu.Connector(), Now: e.clock.Now})
	if err != nil {
		return nil, injector{}, fmt.Errorf("smoketest: selfhost: %w", err)
	}
	fed := &delivered{Provider: p, deliver: func(ctx context.Context) error { return emu.Deliver(ctx, p, nil) }}
	return func(n int) smoke.Target {
		h := provider.Host{Project: "connector-smoke", Instance: fmt.Sprintf("smoke-vm-%d", n)}
		return e.target(fed, h, emu.AddHost)
	}, injector{}, nil
}
