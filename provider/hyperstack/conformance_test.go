package hyperstack_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// over the Hyperstack emulator, in both stop modes: deleting the VM (the
// default) and hibernating it (chosen by the host's label).
func TestConformance(t *testing.T) {
	t.Run("delete", func(t *testing.T) {
		providertest.Run(t, providertest.Harness{Facts: hyperstack.Facts(), New: conformanceEnv(nil)})
	})
	t.Run("hibernate", func(t *testing.T) {
		providertest.Run(t, providertest.Harness{Facts: hyperstack.Facts(), New: conformanceEnv(map[string]string{hyperstack.StopModeLabel: "hibernate"})})
	})
}

// callTimeout is the conformance adapters' per-call timeout: short, so a
// hung call ends quickly.
const callTimeout = 300 * time.Millisecond

// conformanceSpec is the launch spec of every conformance host.
var conformanceSpec = provider.LaunchSpec{Region: "default-CANADA-1", Image: "Ubuntu 22.04", Flavor: "n3-A100x1", SSHKeys: []string{"k"}, PublicIP: true}

// conformanceEnv returns the Env builder of hosts carrying labels: one
// fresh emulator and an adapter with a launch spec (it can recreate a
// stopped host's VM) and a listing page of 2.
func conformanceEnv(labels map[string]string) func(t *testing.T) *providertest.Env {
	return func(t *testing.T) *providertest.Env {
		const pageSize = 2
		clock := clocktest.New(start)
		cloud := fakes.NewCloud(clock, 1)
		srv := emulators.NewHyperstack(cloud, apiKey)
		t.Cleanup(srv.Close)
		cfg := hyperstack.Config{
			BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true, Clock: clock,
			LaunchSpec: provider.FixedLaunch(conformanceSpec), PageSize: pageSize, RequestTimeout: callTimeout,
		}
		p, err := hyperstack.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return &providertest.Env{
			Provider: p, Cloud: cloud, Requests: srv.Requests, PageSize: pageSize, Create: srv.AddHost,
			OwnershipLabels: true, Secret: apiKey, Config: cfg, CallTimeout: callTimeout,
			Host: func(n int) provider.Host {
				return provider.Host{Instance: fmt.Sprintf("host-%d", n), Volume: strconv.Itoa(1001 + n), Labels: labels}
			},
			Inject: func(f providertest.Fault) bool {
				srv.ClearHTTPFaults()
				ef := emulators.Fault{Skip: f.Skip}
				if f.Listing {
					ef.Method, ef.Path = "GET", "/core/virtual-machines"
				}
				switch f.Kind {
				case providertest.RateLimited:
					if f.Status != 0 && f.Status != 429 {
						return false
					}
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
				case providertest.Redirect:
					ef.Kind, ef.Location = emulators.FaultRedirect, f.Location
				case providertest.Hang:
					ef.Kind = emulators.FaultSlow
				default:
					return false
				}
				srv.InjectHTTPFault(ef)
				return true
			},
		}
	}
}
