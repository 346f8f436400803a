package gcp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/option"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/providertest"
)

// TestConformance runs the provider conformance suite through the adapter
// (and the Compute Engine SDK inside it) over the Compute Engine emulator.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{Facts: gcp.Facts(), New: conformanceEnv})
}

// callTimeout is the per-call timeout of the conformance adapters: short,
// so a hung call ends quickly.
const callTimeout = 300 * time.Millisecond

// gcpError is Google's error envelope.
func gcpError(code int, reason, message string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message,
		"errors": []map[string]string{{"message": message, "domain": "usageLimits", "reason": reason}}}})
	return string(b)
}

// conformanceToken is the OAuth access token the conformance adapters
// send (as a bearer token): the suite checks that an answer echoing it
// does not get it into an error.
const conformanceToken = "ya29.conformance-token-4f2a"

// conformanceSpec is the launch spec of every conformance host.
var conformanceSpec = provider.LaunchSpec{Flavor: "a2-highgpu-1g", Image: "projects/debian-cloud/global/images/family/debian-12", PublicIP: true}

// conformanceEnv is one fresh emulator and an adapter listing 2 items a
// page.
func conformanceEnv(t *testing.T) *providertest.Env {
	const pageSize, project, zone = 2, "proj-1", "zone-a"
	clock := clocktest.New(start)
	cloud := fakes.NewCloud(clock, 1)
	srv := emulators.NewGCP(cloud)
	t.Cleanup(srv.Close)
	cfg := gcp.Config{Clock: clock, PageSize: pageSize, AllowInsecureHTTP: true, LaunchSpec: provider.FixedLaunch(conformanceSpec),
		RequestTimeout: callTimeout, Labels: map[string]string{"fleet": "conformance"}}
	p, err := gcp.New(context.Background(), cfg, option.WithEndpoint(srv.URL()),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: conformanceToken, TokenType: "Bearer"})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return &providertest.Env{
		Provider: p, Cloud: cloud, Requests: srv.Requests, PageSize: pageSize, Create: srv.AddHost,
		OwnershipLabels: true, Secret: conformanceToken, Config: cfg, CallTimeout: callTimeout,
		Host: func(n int) provider.Host {
			return provider.Host{Project: project, Zone: zone, Instance: fmt.Sprintf("vm-%d", n), Volume: fmt.Sprintf("disk-%d", n),
				Labels: map[string]string{"fleet": "conformance"}}
		},
		Inject: func(f providertest.Fault) bool {
			srv.ClearHTTPFaults()
			ef := emulators.Fault{Skip: f.Skip}
			if f.Listing {
				ef.Method, ef.Path = "GET", "/aggregated/instances"
			}
			switch f.Kind {
			case providertest.RateLimited:
				// Compute Engine's usual 403 rateLimitExceeded, or a 429.
				ef.Kind, ef.Status = emulators.FaultRateLimit, f.Status
			case providertest.QuotaExceeded:
				ef.Kind, ef.Status = emulators.FaultStatus, 403
				ef.Body = gcpError(403, "quotaExceeded", f.Message)
			case providertest.Redirect:
				ef.Kind, ef.Location = emulators.FaultRedirect, f.Location
			case providertest.Hang:
				ef.Kind = emulators.FaultSlow
			case providertest.Unavailable:
				ef.Kind, ef.Status = emulators.FaultStatus, 503
			case providertest.Refused:
				ef.Kind, ef.Status, ef.Message = emulators.FaultStatus, f.Status, f.Message
			case providertest.ForeignNotFound:
				ef.Kind, ef.Status, ef.Body = emulators.FaultStatus, 404, `{"message":"no Route matched with those values"}`
			case providertest.Malformed:
				ef.Kind = emulators.FaultMalformed
			case providertest.Incomplete:
				// A listed instance without its status.
				ef.Kind, ef.Status = emulators.FaultStatus, 200
				ef.Body = `{"kind":"compute#instanceAggregatedList","items":{"zones/` + zone + `":{"instances":[{"name":"vm-x"}]}}}`
			default:
				return false
			}
			srv.InjectHTTPFault(ef)
			return true
		},
	}
}
