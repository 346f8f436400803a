package hostagent_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostagent"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// controlPlane is hostapi with its defaults (the system clock, which
// inside a synctest bubble is the bubble's; the default Policy) over a
// MemStore, reached over a pipe network with a real http.Server.
type controlPlane struct {
	store  *store.MemStore
	policy hoststate.Policy
	client *http.Client

	mu    sync.Mutex
	beats []time.Time // every heartbeat request that reached the handler
}

const otherHost = "h-18"

func newControlPlane(t *testing.T) *controlPlane {
	t.Helper()
	cp := &controlPlane{store: store.NewMemStore(store.MemConfig{}), policy: hoststate.Policy{}.WithDefaults()}
	cloud := fakes.NewCloud(nil, 1)
	reg, err := kernel.New(kernel.Config{Providers: []provider.Provider{cloud.Provider(fakes.GCP)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{testHost, otherHost} {
		// Running for an hour, never heard from, first boot not reported.
		rec := hoststate.Record{ID: id, Provider: fakes.GCP, Status: hoststate.StatusRunning, Since: time.Now().Add(-time.Hour),
			Observed: hoststate.VMRunning, Address: "203.0.113.7",
			Ref: provider.Host{Project: "proj", Zone: "zone-a", Instance: id, Volume: id + "-disk"}}
		if _, err := cp.store.Update(t.Context(), store.Write{Record: rec, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	auth, err := hostapi.NewStaticTokens(map[string]string{testHost: testToken, otherHost: "tok-h18-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := hostapi.New(hostapi.Config{Store: cp.store, Registry: reg, Authenticator: auth})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	cp.client = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/heartbeat") {
			cp.mu.Lock()
			cp.beats = append(cp.beats, time.Now())
			cp.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	return cp
}

// get returns id's record and its view now.
func (cp *controlPlane) get(t *testing.T, id string) (hoststate.Record, hoststate.HostView) {
	t.Helper()
	rec, err := cp.store.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rec, hoststate.View(rec, time.Now(), cp.policy)
}

// heartbeats returns how many heartbeat requests arrived since from.
func (cp *controlPlane) heartbeats(from time.Time) []time.Time {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var out []time.Time
	for _, at := range cp.beats {
		if !at.Before(from) {
			out = append(out, at)
		}
	}
	return out
}

// The agent against hostapi: its heartbeats make the host "running /
// active", its bootstrap report clears the badge, its silence makes the
// host "running / host offline" exactly after StaleAfter, its heartbeats
// while the host is stopping change nothing (and come at the longer
// interval), and a wrong token writes nothing.
func TestEndToEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cp := newControlPlane(t)
		logs := &logBuf{}
		if _, v := cp.get(t, testHost); v.Label != "running / host offline" || !v.Flags.Has(hoststate.FlagBootstrapPending) {
			t.Fatalf("before the agent: %q %v", v.Label, v.Flags)
		}

		cfg := agentConfig(cp.client, logs)
		cfg.Seed = 0 // a random seed, as in production: the bounds hold for any
		agent := newAgent(t, cfg)
		stop := running(t, agent)
		synctest.Wait()
		if _, v := cp.get(t, testHost); v.Label != "running / active" || v.Liveness != hoststate.LivenessActive {
			t.Fatalf("after the first heartbeat: %q", v.Label)
		}
		if err := agent.BootstrapDone(t.Context()); err != nil {
			t.Fatalf("BootstrapDone: %v", err)
		}
		if rec, v := cp.get(t, testHost); !rec.BootstrapDone || v.Flags.Has(hoststate.FlagBootstrapPending) {
			t.Errorf("bootstrap pending after BootstrapDone: %v", v.Flags)
		}

		// An hour of heartbeats: active at every second of it.
		start := time.Now()
		for range 3600 {
			time.Sleep(time.Second)
			synctest.Wait()
			if _, v := cp.get(t, testHost); v.Label != "running / active" {
				t.Fatalf("%s into the heartbeats: %q", time.Since(start), v.Label)
			}
		}
		if n := len(cp.heartbeats(start)); n < 109 || n > 134 { // 3600 s at 30 s ±10 %
			t.Errorf("%d heartbeats in an hour, want about 120", n)
		}

		// The daemon dies: active until StaleAfter has passed since the
		// last heartbeat, then offline.
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}
		rec, _ := cp.get(t, testHost)
		time.Sleep(time.Until(rec.LastSeen.Add(cp.policy.StaleAfter)))
		if _, v := cp.get(t, testHost); v.Label != "running / active" {
			t.Errorf("at StaleAfter: %q", v.Label)
		}
		time.Sleep(time.Second)
		if _, v := cp.get(t, testHost); v.Label != "running / host offline" || !v.Flags.Has(hoststate.FlagStale) {
			t.Errorf("after StaleAfter of silence: %q %v", v.Label, v.Flags)
		}

		// The daemon comes back, then the user stops the host.
		stop = running(t, agent)
		synctest.Wait()
		rec, v := cp.get(t, testHost)
		if v.Label != "running / active" {
			t.Fatalf("the daemon back: %q", v.Label)
		}
		next := rec
		err := next.Apply(hoststate.ActionStop, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		stopped, err := cp.store.Update(t.Context(), store.Write{Record: next, Reason: "user stop"})
		if err != nil {
			t.Fatal(err)
		}
		// The heartbeat of the interval the agent was told while running
		// comes, is ignored, and the agent backs off to the idle interval.
		start = time.Now()
		time.Sleep(30 * time.Minute)
		synctest.Wait()
		if rec, v := cp.get(t, testHost); rec.Version != stopped.Version || !rec.LastSeen.Equal(stopped.LastSeen) || v.Label != "stopping" {
			t.Errorf("heartbeats while stopping wrote the record: version %d→%d, %q", stopped.Version, rec.Version, v.Label)
		}
		beats := cp.heartbeats(start)
		if len(beats) < 14 || len(beats) > 17 { // the first after ≤33 s, then every 120 s ±10 %
			t.Errorf("%d heartbeats in 30 min while stopping: %v", len(beats), beats)
		}
		for i := 2; i < len(beats); i++ {
			if d := beats[i].Sub(beats[i-1]); d < 108*time.Second {
				t.Errorf("heartbeats %s apart while stopping", d)
			}
		}
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v", err)
		}

		// Wrong tokens: a token no host has, and another host's.
		for _, tok := range []string{"wrong-token-0123456789", testToken} {
			before, _ := cp.get(t, otherHost)
			cfg := agentConfig(cp.client, logs)
			cfg.HostID, cfg.Token = otherHost, tok
			err := newAgent(t, cfg).Run(t.Context())
			if !errors.Is(err, hostagent.ErrUnauthorized) {
				t.Errorf("Run with a wrong token: %v", err)
			}
			if after, _ := cp.get(t, otherHost); after.Version != before.Version || !after.LastSeen.IsZero() {
				t.Errorf("a wrong token wrote the record")
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
				if strings.Contains(s, tok) {
					t.Errorf("the error quotes the token: %s", s)
				}
			}
		}
		if l := logs.String(); strings.Contains(l, testToken) || strings.Contains(l, "wrong-token") {
			t.Errorf("the logs quote a token:\n%s", l)
		}
	})
}
