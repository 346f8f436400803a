package hyperstack_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// over the Hyperstack emulator.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: hyperstack.Facts(), New: conformanceEnv})
}

// conformanceEnv is one fresh emulator and an adapter with a launch spec
// (it can recreate a stopped host's VM) and a listing page of 2.
func conformanceEnv(t *testing.T) *providertest.Env {
	const pageSize = 2
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	srv := emulators.NewHyperstack(cloud, apiKey)
	t.Cleanup(srv.Close)
	p, err := hyperstack.New(hyperstack.Config{
		BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true, Clock: clock, Launch: launch, PageSize: pageSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &providertest.Env{
		Provider: p, Cloud: cloud, Requests: srv.Requests, PageSize: pageSize, Create: srv.AddHost,
		Host: func(n int) provider.Host {
			return provider.Host{Instance: fmt.Sprintf("host-%d", n), Volume: strconv.Itoa(1001 + n)}
		},
		Inject: func(f providertest.Fault) bool {
			srv.ClearHTTPFaults()
			ef := emulators.Fault{Skip: f.Skip}
			if f.Listing {
				ef.Method, ef.Path = "GET", "/core/virtual-machines"
			}
			switch f.Kind {
			case providertest.RateLimited:
				ef.Kind = emulators.FaultRateLimit
			case providertest.Unavailable:
				ef.Kind, ef.Status = emulators.FaultStatus, 503
			case providertest.Refused:
				ef.Kind, ef.Status, ef.Message = emulators.FaultStatus, f.Status, f.Message
			case providertest.ForeignNotFound:
				// An API gateway's answer for a path it does not route.
				ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 404, `{"message":"no Route matched with those values"}`
			case providertest.Malformed:
				ef.Kind = emulators.FaultMalformed
			case providertest.Incomplete:
				// A VM page without its count.
				ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 200, `{"status":true,"message":"Getting VMs success","instances":[],"page":2,"page_size":2}`
			default:
				return false
			}
			srv.InjectHTTPFault(ef)
			return true
		},
	}
}
