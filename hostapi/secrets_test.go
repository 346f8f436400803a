package hostapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/store"
)

// leakyProvider is an adapter that breaks its promise: its errors quote
// its API key. The handler's scrubber must still keep the key out.
type leakyProvider struct {
	provider.Provider
	key string
}

func (p leakyProvider) Probe(context.Context, provider.Host) (hoststate.Observation, error) {
	return hoststate.Observation{}, fmt.Errorf("auth with key %s refused: %w", p.key, provider.ErrUnavailable)
}

func (p leakyProvider) Stop(context.Context, provider.Host) (provider.Operation, error) {
	return nil, fmt.Errorf("stop with key %s refused: %w", p.key, provider.ErrBadResponse)
}

func TestSecretsScrubbed(t *testing.T) {
	const key = "sk-live-4f9a0c1e7d"
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{secrets: []string{key}, providers: func(c *fakes.Cloud) []provider.Provider {
			return []provider.Provider{leakyProvider{c.Provider(fakes.GCP), key}, c.Provider(fakes.Lambda), c.Provider(fakes.Hyperstack)}
		}})
		var bodies []string
		check := func(what string, a answer) {
			t.Helper()
			bodies = append(bodies, string(a.body))
			if strings.Contains(string(a.body), key) {
				t.Errorf("%s: the API key is in the answer: %s", what, a.body)
			}
		}
		a := e.do("POST", "/api/hosts/"+gcpRunning+"/reconcile", "")
		check("reconcile", a)
		if a.status != http.StatusBadGateway || !strings.Contains(string(a.body), "[redacted]") {
			t.Errorf("reconcile: %d %s, want 502 with the key redacted", a.status, a.body)
		}
		// The failed probe's message is in the record; the view scrubs it.
		if !strings.Contains(e.get(gcpRunning).ProbeError, key) {
			t.Fatalf("the test's premise fails: the record's probe error %q lacks the key", e.get(gcpRunning).ProbeError)
		}
		check("list", e.do("GET", "/api/hosts", ""))
		check("get", e.do("GET", "/api/hosts/"+gcpRunning, ""))
		a = e.do("POST", "/api/hosts/"+gcpRunning+"/actions", `{"action":"stop"}`)
		check("action", a)
		if a.status == http.StatusAccepted {
			done := untilDone(t, e, a.header.Get("Location"))
			if done.OK || done.Error == "" {
				t.Errorf("the failing stop ended %+v", done)
			}
			check("action done", e.do("GET", a.header.Get("Location"), ""))
		}
		if !strings.Contains(strings.Join(bodies, ""), "[redacted]") {
			t.Error("nothing was redacted: the test exercised no leak")
		}
	})
}

// The real Hyperstack adapter, refused by its emulator for a wrong key:
// no answer carries the key, with no Secrets configured at all.
func TestRealAdapterKeyNeverInResponses(t *testing.T) {
	const key = "hs-wrong-key-8c2d51"
	var srv *emulators.Server
	e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
		srv = emulators.NewHyperstack(c, "the-emulators-key")
		t.Cleanup(srv.Close)
		p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: key, AllowInsecureHTTP: true, Now: c.Clock().Now})
		if err != nil {
			t.Fatal(err)
		}
		return []provider.Provider{p}
	}})
	h := provider.Host{Region: "CANADA-1", Instance: "real-hs", Volume: "1001"}
	if err := srv.AddHost(h, true); err != nil {
		t.Fatal(err)
	}
	rec := hoststate.Record{ID: "real-hs", Provider: hyperstack.Name, Ref: h, Status: hoststate.StatusRunning}
	if _, err := e.store.Update(t.Context(), store.Write{Record: rec}); err != nil {
		t.Fatal(err)
	}
	for _, req := range []struct{ method, path, body string }{
		{"POST", "/api/hosts/real-hs/reconcile", ""},
		{"GET", "/api/hosts", ""},
		{"GET", "/api/hosts/real-hs", ""},
		{"POST", "/api/hosts/real-hs/actions", `{"action":"reboot"}`},
	} {
		a := e.do(req.method, req.path, req.body)
		if strings.Contains(string(a.body), key) {
			t.Errorf("%s %s: the API key is in the answer: %s", req.method, req.path, a.body)
		}
		if a.status != http.StatusAccepted {
			continue
		}
		// The refused reboot's outcome, once known, is clean too.
		loc := a.header.Get("Location")
		for deadline := time.Now().Add(10 * time.Second); ; {
			a := e.do("GET", loc, "")
			if strings.Contains(string(a.body), key) {
				t.Errorf("the action's outcome carries the API key: %s", a.body)
			}
			var st hostapi.ActionState
			a.decode(t, &st)
			if st.State == hostapi.StateDone {
				if st.OK || st.Error == "" {
					t.Errorf("a reboot refused for its key ended %+v", st)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the refused reboot never finished")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if pe := e.get("real-hs").ProbeError; pe == "" || strings.Contains(pe, key) {
		t.Errorf("probe error %q: want the refusal, without the key", pe)
	}
}
