package lambda_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// over the Lambda Cloud emulator, with hosts referenced by instance id
// (which cannot be relaunched) and by name (which Start launches). Lambda
// lists every instance in one answer, so its listing is one page.
func TestConformance(t *testing.T) {
	t.Run("by-id", func(t *testing.T) {
		providertest.Run(t, providertest.Harness{Facts: lambda.Facts(), New: conformanceEnv(func(n int) string {
			return fmt.Sprintf("0920582c7ff041399e34823a0be6%04d", n)
		})})
	})
	t.Run("by-name", func(t *testing.T) {
		providertest.Run(t, providertest.Harness{Facts: lambda.Facts(), New: conformanceEnv(func(n int) string {
			return fmt.Sprintf("host-%d", n)
		})})
	})
}

// callTimeout is the conformance adapters' per-call timeout.
const callTimeout = 300 * time.Millisecond

// conformanceSpec is the launch spec of every conformance host.
var conformanceSpec = provider.LaunchSpec{Region: "us-east-1", Flavor: "gpu_1x_a10", SSHKeys: []string{"default"}}

// conformanceEnv returns the Env builder of hosts named by instance: one
// fresh emulator and an adapter with a launch spec over it.
func conformanceEnv(instance func(n int) string) func(t *testing.T) *providertest.Env {
	return func(t *testing.T) *providertest.Env {
		clock := clocktest.New(start)
		cloud := fakes.NewCloud(clock, 1)
		srv := emulators.NewLambda(cloud, apiKey)
		t.Cleanup(srv.Close)
		cfg := lambda.Config{BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true, Now: clock.Now,
			LaunchSpec: provider.FixedLaunch(conformanceSpec), RequestTimeout: callTimeout}
		p, err := lambda.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return &providertest.Env{
			Provider: p, Cloud: cloud, Requests: srv.Requests, Create: srv.AddHost,
			Secret: apiKey, Config: cfg, CallTimeout: callTimeout,
			Host: func(n int) provider.Host { return provider.Host{Instance: instance(n)} },
			Inject: func(f providertest.Fault) bool {
				srv.ClearHTTPFaults()
				ef := emulators.Fault{Skip: f.Skip}
				if f.Listing {
					ef.Method, ef.Path = "GET", "/instances"
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
				case providertest.QuotaExceeded:
					ef.Kind, ef.Status = emulators.FaultStatus, 400
					ef.Body = fmt.Sprintf(`{"error":{"code":%q,"message":%q,"suggestion":"Request a quota increase."}}`, lambda.CodeQuotaExceeded, f.Message)
				case providertest.ForeignNotFound:
					ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 404, `{"message":"no Route matched with those values"}`
				case providertest.Malformed:
					ef.Kind = emulators.FaultMalformed
				case providertest.Incomplete:
					// A listed instance without its id.
					ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 200, `{"data":[{"name":"x","status":"active"}]}`
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
