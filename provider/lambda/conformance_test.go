package lambda_test

import (
	"fmt"
	"testing"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// over the Lambda Cloud emulator. Lambda lists every instance in one
// answer, so its listing is one page.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: lambda.Facts(), New: conformanceEnv})
}

// conformanceEnv is one fresh emulator and an adapter over it.
func conformanceEnv(t *testing.T) *providertest.Env {
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	srv := emulators.NewLambda(cloud, apiKey)
	t.Cleanup(srv.Close)
	p, err := lambda.New(lambda.Config{BaseURL: srv.BaseURL(), APIKey: apiKey, AllowInsecureHTTP: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return &providertest.Env{
		Provider: p, Cloud: cloud, Requests: srv.Requests, Create: srv.AddHost,
		Host: func(n int) provider.Host {
			return provider.Host{Instance: fmt.Sprintf("0920582c7ff041399e34823a0be6%04d", n)}
		},
		Inject: func(f providertest.Fault) bool {
			srv.ClearHTTPFaults()
			ef := emulators.Fault{Skip: f.Skip}
			if f.Listing {
				ef.Method, ef.Path = "GET", "/instances"
			}
			switch f.Kind {
			case providertest.RateLimited:
				ef.Kind = emulators.FaultRateLimit
			case providertest.Unavailable:
				ef.Kind, ef.Status = emulators.FaultStatus, 503
			case providertest.Refused:
				ef.Kind, ef.Status, ef.Message = emulators.FaultStatus, f.Status, f.Message
			case providertest.ForeignNotFound:
				ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 404, `{"message":"no Route matched with those values"}`
			case providertest.Malformed:
				ef.Kind = emulators.FaultMalformed
			case providertest.Incomplete:
				// A listed instance without its id.
				ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 200, `{"data":[{"name":"x","status":"active"}]}`
			default:
				return false
			}
			srv.InjectHTTPFault(ef)
			return true
		},
	}
}
