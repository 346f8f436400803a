package hostagent

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// These tests pin the agent's copy of the wire contract to hostapi's:
// hostagent does not import hostapi (a host daemon need not link the
// control plane), so they are what keeps the two in step.

// The fields New accepts are exactly those the control plane accepts.
func TestWireFieldsMatchHostapi(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		version := rapid.OneOf(rapid.String(), rapid.StringMatching(`[0-9a-z.+-]{0,70}`)).Draw(rt, "version")
		address := rapid.OneOf(rapid.String(), rapid.StringMatching(`[a-z0-9.:\[\]]{0,12}(:[0-9]{0,5})?`)).Draw(rt, "address")
		bootstrap := rapid.SampledFrom([]Bootstrap{"", BootstrapPending, BootstrapDone, BootstrapFailed, "maybe"}).Draw(rt, "bootstrap")
		cfg := Config{ControlPlane: "https://cp.test", HostID: "h-1", Token: "tok", Version: version, Address: address, Bootstrap: bootstrap}
		_, _, agentErr := cfg.withDefaults()
		body, err := json.Marshal(request{HostID: "h-1", Version: version, Address: address, Bootstrap: bootstrap})
		if err != nil {
			rt.Fatal(err)
		}
		_, cpErr := hostapi.DecodeHeartbeat(body, "h-1")
		if (agentErr == nil) != (cpErr == nil) {
			rt.Fatalf("version %q address %q bootstrap %q: agent %v, control plane %v", version, address, bootstrap, agentErr, cpErr)
		}
	})
}

// The agent reads every field of the control plane's answer.
func TestWireAnswerMatchesHostapi(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		r := hostapi.HeartbeatReply{
			Status:          rapid.SampledFrom([]hoststate.Status{hoststate.StatusRunning, hoststate.StatusStopping, hoststate.StatusOff, hoststate.StatusStarting}).Draw(rt, "status"),
			Accepted:        rapid.Bool().Draw(rt, "accepted"),
			IntervalSeconds: rapid.IntRange(1, 1000).Draw(rt, "interval"),
			BootstrapDone:   rapid.Bool().Draw(rt, "done"),
		}
		b, err := json.Marshal(r)
		if err != nil {
			rt.Fatal(err)
		}
		var a answer
		if err := json.Unmarshal(b, &a); err != nil {
			rt.Fatal(err)
		}
		want := answer{Status: r.Status.String(), Accepted: r.Accepted, IntervalSeconds: r.IntervalSeconds, BootstrapDone: r.BootstrapDone}
		if diff := cmp.Diff(want, a); diff != "" {
			rt.Fatalf("answer (-want +got):\n%s", diff)
		}
	})
}

// handlerTransport serves requests with a handler in-process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// Any host id the agent accepts reaches the control plane's endpoint for
// that host, also under a path prefix: the path escaping and the server's
// routing agree. The agent refuses only the ids no path can carry.
func TestWireHostIDsRoute(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	clk := clocktest.New(t0)
	cloud := fakes.NewCloud(clk, 1)
	reg, err := kernel.New(kernel.Config{Providers: []provider.Provider{cloud.Provider(fakes.GCP)}})
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(rt *rapid.T) {
		id := rapid.OneOf(
			rapid.SampledFrom([]string{".", "..", "a/../b", "%2e", "/", "a?b#c"}),
			rapid.StringMatching(`[a-z0-9-]{1,20}`),
			rapid.StringMatching(`[a-zA-Z0-9 /%?#.:@&+=;,~\x{e9}\x{4e16}-]{1,30}`),
			rapid.StringN(1, 40, store.MaxIDLen),
		).Draw(rt, "id")
		st := store.NewMemStore(store.MemConfig{Now: clk.Now})
		rec := hoststate.Record{ID: id, Provider: fakes.GCP, Status: hoststate.StatusRunning, Since: t0.Add(-time.Hour),
			Ref: provider.Host{Project: "proj", Zone: "zone-a", Instance: "vm-1"}}
		if _, err := st.Update(context.Background(), store.Write{Record: rec}); err != nil {
			rt.Skipf("the store refuses %q: %v", id, err)
		}
		auth, err := hostapi.NewStaticTokens(map[string]string{id: "tok-0123456789"})
		if err != nil {
			rt.Skipf("the token table refuses %q: %v", id, err)
		}
		srv, err := hostapi.New(hostapi.Config{Store: st, Registry: reg, Authenticator: auth, Clock: clk})
		if err != nil {
			rt.Fatal(err)
		}
		defer srv.Close()
		h, err := New(Config{ControlPlane: "https://cp.test/base/", HostID: id, Token: "tok-0123456789", Clock: clk,
			HTTPClient: &http.Client{Transport: handlerTransport{http.StripPrefix("/base", srv)}}})
		if err != nil {
			rt.Fatalf("New refuses an id the store takes, %q: %v", id, err)
		}
		a, f := h.client.send(context.Background(), endpointHeartbeat, request{HostID: id})
		if f != nil {
			rt.Fatalf("heartbeat of %q: %v", id, f.err)
		}
		got, err := st.Get(context.Background(), id)
		if err != nil || !a.Accepted || !got.LastSeen.Equal(t0) {
			rt.Fatalf("heartbeat of %q: answer %+v, record %+v, %v", id, a, got, err)
		}
		if err := h.BootstrapDone(context.Background()); err != nil {
			rt.Fatalf("bootstrap-done of %q: %v", id, err)
		}
		a, f = h.client.send(context.Background(), endpointHeartbeat, request{HostID: id})
		if f != nil || !a.BootstrapDone {
			rt.Fatalf("after bootstrap-done of %q: %+v %v", id, a, f)
		}
	})
}
