package nebius_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// over the in-process fake of its gosdk-shaped services, with hosts
// referenced by instance id.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: nebius.Facts(), New: conformanceEnv})
}

// TestConformanceGRPC runs it through the adapter and the compiled gRPC
// client over the gRPC emulator — Nebius's wire, ServiceError details
// included — with hosts referenced by name, which can be reprovisioned.
func TestConformanceGRPC(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: nebius.Facts(), New: conformanceGRPCEnv})
}

// conformanceSpec is the launch spec of every conformance host.
var conformanceSpec = provider.LaunchSpec{Flavor: "gpu-h100-sxm", Preset: "1gpu-16vcpu-200gb", Image: "ubuntu22.04-cuda12", Network: "vpcsubnet-e00test", PublicIP: true}

// callTimeout is the gRPC client's per-call timeout in the conformance run.
const callTimeout = 300 * time.Millisecond

// conformanceEnv is one fresh fake and an adapter listing 2 items a page.
func conformanceEnv(t *testing.T) *providertest.Env {
	const pageSize = 2
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	fake := emulators.NewNebius(cloud)
	cfg := nebius.Config{Clock: clock, PageSize: pageSize, LaunchSpec: provider.FixedLaunch(conformanceSpec)}
	p, err := nebius.New(fake.Instances(), fake.Disks(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &providertest.Env{
		Provider: p, Cloud: cloud, Requests: fake.Requests, PageSize: pageSize, Create: fake.AddHost,
		Host: func(n int) provider.Host {
			return provider.Host{Project: "project-e00test", Instance: fmt.Sprintf("computeinstance-e00%d", n), Volume: fmt.Sprintf("computedisk-e00%d", n)}
		},
		Inject: func(f providertest.Fault) bool {
			fake.ClearFaults()
			gf, ok := grpcFault(f)
			if ok {
				fake.InjectFault(gf)
			}
			return ok
		},
	}
}

// grpcFault is f as the fake injects it.
func grpcFault(f providertest.Fault) (emulators.GRPCFault, bool) {
	gf := emulators.GRPCFault{Skip: f.Skip}
	if f.Listing {
		gf.Method = emulators.NebiusInstanceList
	}
	switch f.Kind {
	case providertest.RateLimited:
		if f.Status != 0 {
			return gf, false
		}
		gf.Code = codes.ResourceExhausted
	case providertest.Unavailable:
		gf.Code = codes.Unavailable
	case providertest.Refused:
		gf.Code, gf.Message = codes.InvalidArgument, f.Message
		if f.Status == 403 {
			gf.Code = codes.PermissionDenied
		}
	case providertest.ForeignNotFound:
		// What a wrong endpoint answers a gRPC call.
		gf.Code = codes.Unimplemented
	case providertest.Malformed, providertest.Incomplete:
		gf.Corrupt = true
	case providertest.Overridden:
		gf.Method, gf.Abort = emulators.NebiusInstanceStop, true
	case providertest.Hang:
		gf.Hang = true
	default:
		return gf, false
	}
	return gf, true
}

// conformanceGRPCEnv is one fresh gRPC emulator, a client dialled to it
// and an adapter with a launch spec listing 2 items a page.
func conformanceGRPCEnv(t *testing.T) *providertest.Env {
	const pageSize = 2
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	emu, err := emulators.NewNebiusGRPC(cloud, grpcToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	gcfg := nebius.GRPCConfig{Endpoint: emu.Addr(), Insecure: true, Token: nebius.StaticToken(grpcToken), CallTimeout: callTimeout}
	client, err := nebius.Dial(context.Background(), gcfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	p, err := nebius.New(client.Instances(), client.Disks(), nebius.Config{Clock: clock, PageSize: pageSize, LaunchSpec: provider.FixedLaunch(conformanceSpec)})
	if err != nil {
		t.Fatal(err)
	}
	return &providertest.Env{
		Provider: p, Cloud: cloud, Requests: emu.Fake().Requests, PageSize: pageSize, Create: emu.AddHost,
		OwnershipLabels: true, Secret: grpcToken, Config: gcfg, CallTimeout: callTimeout,
		Host: func(n int) provider.Host {
			return provider.Host{Project: "project-e00test", Instance: fmt.Sprintf("host-%d", n), Volume: fmt.Sprintf("computedisk-e00%d", n)}
		},
		Inject: func(f providertest.Fault) bool {
			emu.Fake().ClearFaults()
			emu.ClearWireFaults()
			if f.Kind == providertest.QuotaExceeded {
				// Nebius's quota refusal: RESOURCE_EXHAUSTED with a
				// QuotaFailure detail, its violation carrying the message.
				emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusQuotaFailure, Message: f.Message})
				return true
			}
			gf, ok := grpcFault(f)
			if ok {
				emu.Fake().InjectFault(gf)
			}
			return ok
		},
	}
}
