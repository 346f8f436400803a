// Command probe observes one host with a real provider adapter and prints
// the normalized observation: what the reconciler would see.
//
//	go run ./examples/probe -emulate -provider gcp
//	go run ./examples/probe -provider gcp -project P -zone Z -instance I -volume D
//	HYPERSTACK_API_KEY=... go run ./examples/probe -provider hyperstack -instance NAME -volume ID
//	LAMBDA_API_KEY=... go run ./examples/probe -provider lambda -instance ID
//	NEBIUS_IAM_TOKEN=... go run ./examples/probe -provider nebius -project P -instance I -volume D
//
// With real accounts it uses Application Default Credentials for gcp and the
// API keys in HYPERSTACK_API_KEY and LAMBDA_API_KEY; nebius speaks gRPC
// with the IAM token in NEBIUS_IAM_TOKEN. -endpoint URL points
// the adapter at an emulator instead (no credentials are sent to gcp, and
// http is allowed). -emulate starts an emulator in-process on a simulated
// cloud holding one running host, so the command works with no account at
// all; host flags left empty take the emulated host's values.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/driftless/driftless/examples/internal/cli"

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

// emulatorKey is the API key of in-process emulators.
const emulatorKey = "emulator-key"

func main() {
	os.Exit(cli.ExitStatus("probe", run(context.Background(), os.Args[1:], os.Stdout, os.Getenv), os.Stderr))
}

// options are the command's flags.
type options struct {
	kind, endpoint string
	emulate        bool
	timeout        time.Duration
	host           provider.Host
}

// run parses args, builds the adapter and prints one observation to out.
// getenv reads API keys. A help request prints the usage to out and
// returns flag.ErrHelp; a bad flag returns a *cli.UsageError.
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	var o options
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.StringVar(&o.kind, "provider", "gcp", "provider: gcp, hyperstack, lambda or nebius")
	fs.StringVar(&o.endpoint, "endpoint", "", "API base URL of an emulator (gcp: the endpoint; hyperstack: .../v1; lambda: .../api/v1; nebius: host:port)")
	fs.BoolVar(&o.emulate, "emulate", false, "start an emulator in-process with one running host")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "bound on the whole probe")
	fs.StringVar(&o.host.Project, "project", "", "gcp project, nebius parent id")
	fs.StringVar(&o.host.Zone, "zone", "", "gcp zone")
	fs.StringVar(&o.host.Region, "region", "", "region, where the provider has one")
	fs.StringVar(&o.host.Instance, "instance", "", "instance name (gcp, hyperstack), id or name (lambda, nebius)")
	fs.StringVar(&o.host.Volume, "volume", "", "data volume: gcp disk name, hyperstack volume id, nebius disk id")
	if err := command().Parse(fs, args, out); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	if o.emulate {
		stop, err := emulate(&o)
		if err != nil {
			return err
		}
		defer stop()
	}
	p, closeProvider, err := build(ctx, o, getenv)
	if err != nil {
		return err
	}
	defer closeProvider()
	obs, err := p.Probe(ctx, o.host)
	if err != nil {
		return err
	}
	printObservation(out, p.Name(), o.host, obs)
	return nil
}

// emulated is the host an in-process emulator holds, per provider.
func emulated(kind string) (provider.Host, bool) {
	switch kind {
	case "gcp":
		return provider.Host{Project: "demo-project", Zone: "us-central1-a", Instance: "demo-host", Volume: "demo-host-data"}, true
	case "hyperstack":
		return provider.Host{Region: "CANADA-1", Instance: "demo-host", Volume: "1001"}, true
	case "lambda":
		return provider.Host{Region: "us-east-1", Instance: "0920582c7ff041399e34823a0be62549"}, true
	case "nebius":
		return provider.Host{Project: "project-e00demo", Instance: "computeinstance-e00demo", Volume: "computedisk-e00demo"}, true
	}
	return provider.Host{}, false
}

// emulate fills the host flags left empty with the emulated host's values,
// starts an emulator holding that host, running, and points the endpoint
// at it (nebius: the gRPC emulator's host:port).
func emulate(o *options) (stop func(), err error) {
	h, ok := emulated(o.kind)
	if !ok {
		return nil, fmt.Errorf("unknown provider %q", o.kind)
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&o.host.Project, h.Project)
	fill(&o.host.Zone, h.Zone)
	fill(&o.host.Region, h.Region)
	fill(&o.host.Instance, h.Instance)
	fill(&o.host.Volume, h.Volume)
	cloud := fakes.NewCloud(nil, 1)
	if o.kind == "nebius" {
		emu, err := emulators.NewNebiusGRPC(cloud, emulatorKey)
		if err != nil {
			return nil, err
		}
		if err := emu.AddHost(o.host, true); err != nil {
			emu.Close()
			return nil, err
		}
		o.endpoint = emu.Addr()
		return emu.Close, nil
	}
	var srv *emulators.Server
	switch o.kind {
	case "gcp":
		srv = emulators.NewGCP(cloud)
	case "hyperstack":
		srv = emulators.NewHyperstack(cloud, emulatorKey)
	case "lambda":
		srv = emulators.NewLambda(cloud, emulatorKey)
	}
	if err := srv.AddHost(o.host, true); err != nil {
		srv.Close()
		return nil, err
	}
	o.endpoint = srv.BaseURL()
	return srv.Close, nil
}

// build returns the adapter of o.kind and a function releasing it.
func build(ctx context.Context, o options, getenv func(string) string) (provider.Provider, func(), error) {
	insecure := strings.HasPrefix(o.endpoint, "http://")
	nothing := func() {}
	switch o.kind {
	case "gcp":
		var opts []option.ClientOption
		if o.endpoint != "" {
			opts = append(opts, option.WithEndpoint(o.endpoint), option.WithoutAuthentication())
		}
		p, err := gcp.New(ctx, gcp.Config{AllowInsecureHTTP: insecure}, opts...)
		if err != nil {
			return nil, nil, err
		}
		return p, func() { _ = p.Close() }, nil
	case "hyperstack":
		key, err := apiKey(o, getenv, "HYPERSTACK_API_KEY")
		if err != nil {
			return nil, nil, err
		}
		p, err := hyperstack.New(hyperstack.Config{BaseURL: o.endpoint, APIKey: key, AllowInsecureHTTP: insecure})
		return p, nothing, err
	case "lambda":
		key, err := apiKey(o, getenv, "LAMBDA_API_KEY")
		if err != nil {
			return nil, nil, err
		}
		p, err := lambda.New(lambda.Config{BaseURL: o.endpoint, APIKey: key, AllowInsecureHTTP: insecure})
		return p, nothing, err
	case "nebius":
		token, err := apiKey(o, getenv, "NEBIUS_IAM_TOKEN")
		if err != nil {
			return nil, nil, err
		}
		c, err := nebius.Dial(ctx, nebius.GRPCConfig{Endpoint: o.endpoint, Token: nebius.StaticToken(token), Insecure: o.emulate})
		if err != nil {
			return nil, nil, err
		}
		p, err := nebius.New(c.Instances(), c.Disks(), nebius.Config{})
		if err != nil {
			_ = c.Close()
			return nil, nil, err
		}
		return p, func() { _ = c.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown provider %q", o.kind)
}

// apiKey is the emulator's key with -emulate, else the environment's.
func apiKey(o options, getenv func(string) string, env string) (string, error) {
	if o.emulate {
		return emulatorKey, nil
	}
	if key := getenv(env); key != "" {
		return key, nil
	}
	return "", fmt.Errorf("set %s (or use -emulate)", env)
}

// printObservation writes the observation, normalized states first.
func printObservation(out io.Writer, kind string, h provider.Host, obs hoststate.Observation) {
	fmt.Fprintf(out, "provider:    %s\n", kind)
	fmt.Fprintf(out, "instance:    %s\n", h.Instance)
	fmt.Fprintf(out, "vm:          %s (%s)\n", obs.VM, orNone(obs.RawVM))
	fmt.Fprintf(out, "volume:      %s (%s)\n", obs.Volume, orNone(obs.RawVolume))
	fmt.Fprintf(out, "address:     %s\n", orNone(obs.Address))
	fmt.Fprintf(out, "vm id:       %s\n", orNone(obs.VMID))
	fmt.Fprintf(out, "unreachable: %t\n", obs.Unreachable)
}

// orNone shows an empty provider string as "none".
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// command is the command's usage text.
func command() cli.Command {
	return cli.Command{Synopsis: "[flags]", About: []string{
		"Probe observes one host with a real provider adapter, or with -emulate an in-process",
		"emulator of its API, and prints the normalized observation the reconciler would see.",
	}}
}
