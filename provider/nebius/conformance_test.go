package nebius_test

import (
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// over the in-process fake of its gosdk-shaped services.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: nebius.Facts(), New: conformanceEnv})
}

// conformanceEnv is one fresh fake and an adapter listing 2 items a page.
func conformanceEnv(t *testing.T) *providertest.Env {
	const pageSize = 2
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	fake := emulators.NewNebius(cloud)
	p, err := nebius.New(fake.Instances(), fake.Disks(), nebius.Config{Clock: clock, PageSize: pageSize})
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
			gf := emulators.GRPCFault{Skip: f.Skip}
			if f.Listing {
				gf.Method = emulators.NebiusInstanceList
			}
			switch f.Kind {
			case providertest.RateLimited:
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
			default:
				return false
			}
			fake.InjectFault(gf)
			return true
		},
	}
}
