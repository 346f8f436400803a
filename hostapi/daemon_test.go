package hostapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// heartbeatBody is a well-formed heartbeat of host id.
func heartbeatBody(id string) string {
	return `{"host_id":"` + id + `","version":"1.4.2","bootstrap":"done","address":"203.0.113.7:443"}`
}

func TestHeartbeatAccepted(t *testing.T) {
	e := newEnv(t, envConfig{})
	e.clock.Advance(time.Minute)
	a := e.do("POST", "/api/hosts/"+gcpRunning+"/heartbeat", heartbeatBody(gcpRunning), bearer(gcpRunning)...)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var got hostapi.HeartbeatReply
	a.decode(t, &got)
	want := hostapi.HeartbeatReply{Status: hoststate.StatusRunning, Accepted: true, IntervalSeconds: 30, BootstrapDone: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if seen := e.get(gcpRunning).LastSeen; !seen.Equal(t0.Add(time.Minute)) {
		t.Errorf("LastSeen %v, want the heartbeat's time", seen)
	}
	// Unknown fields are ignored: a newer daemon still gets through.
	a = e.do("POST", "/api/hosts/"+gcpRunning+"/heartbeat", `{"host_id":"`+gcpRunning+`","uptime":12}`, bearer(gcpRunning)...)
	if a.status != http.StatusOK {
		t.Errorf("heartbeat with an extra field: %d %s", a.status, a.body)
	}
}

// A host that is not running has its heartbeats ignored, and is told its
// status and a longer interval, so its daemon backs off.
func TestHeartbeatIgnoredUnlessRunning(t *testing.T) {
	e := newEnv(t, envConfig{})
	before := e.get(gcpOff)
	a := e.do("POST", "/api/hosts/"+gcpOff+"/heartbeat", heartbeatBody(gcpOff), bearer(gcpOff)...)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var got hostapi.HeartbeatReply
	a.decode(t, &got)
	want := hostapi.HeartbeatReply{Status: hoststate.StatusOff, Accepted: false, IntervalSeconds: 120, BootstrapDone: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if after := e.get(gcpOff); after.Version != before.Version {
		t.Errorf("an ignored heartbeat wrote the record")
	}
}

func TestHeartbeatRefused(t *testing.T) {
	e := newEnv(t, envConfig{})
	path := "/api/hosts/" + gcpRunning + "/heartbeat"
	body := heartbeatBody(gcpRunning)
	tests := []struct {
		name, path, body string
		header           []string
		status           int
	}{
		{"no token", path, body, nil, http.StatusUnauthorized},
		{"wrong token", path, body, []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"another host's token", path, body, bearer(gcpOff), http.StatusUnauthorized},
		{"basic auth", path, body, []string{"Authorization", "Basic " + testTokens[gcpRunning]}, http.StatusUnauthorized},
		{"empty bearer", path, body, []string{"Authorization", "Bearer "}, http.StatusUnauthorized},
		{"huge bearer", path, body, []string{"Authorization", "Bearer " + strings.Repeat("t", 600)}, http.StatusUnauthorized},
		{"wrong token, bad body", path, `{`, []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"host id mismatch", path, heartbeatBody(gcpOff), bearer(gcpRunning), http.StatusBadRequest},
		{"no host id", path, `{"version":"1"}`, bearer(gcpRunning), http.StatusBadRequest},
		{"malformed", path, `{"host_id":`, bearer(gcpRunning), http.StatusBadRequest},
		{"empty", path, ``, bearer(gcpRunning), http.StatusBadRequest},
		{"bad bootstrap", path, `{"host_id":"` + gcpRunning + `","bootstrap":"maybe"}`, bearer(gcpRunning), http.StatusBadRequest},
		{"control char version", path, `{"host_id":"` + gcpRunning + `","version":"1\n2"}`, bearer(gcpRunning), http.StatusBadRequest},
		{"long version", path, `{"host_id":"` + gcpRunning + `","version":"` + strings.Repeat("9", 65) + `"}`, bearer(gcpRunning), http.StatusBadRequest},
		{"bad address", path, `{"host_id":"` + gcpRunning + `","address":"nowhere"}`, bearer(gcpRunning), http.StatusBadRequest},
		{"form", path, body, append(bearer(gcpRunning), "Content-Type", "text/plain"), http.StatusUnsupportedMediaType},
		{"unknown host with a token", "/api/hosts/nobody/heartbeat", heartbeatBody("nobody"), bearer(gcpRunning), http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.get(gcpRunning)
			e.clock.Advance(time.Second)
			a := e.do("POST", tc.path, tc.body, tc.header...)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			a.problem(t)
			if tc.status == http.StatusUnauthorized && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a WWW-Authenticate challenge")
			}
			if strings.Contains(string(a.body), testTokens[gcpRunning]) {
				t.Errorf("the answer quotes the token: %s", a.body)
			}
			if after := e.get(gcpRunning); after.Version != before.Version || !after.LastSeen.Equal(before.LastSeen) {
				t.Errorf("a refused heartbeat wrote the record")
			}
		})
	}
}

// A token of a host the store does not hold gets through authentication
// and finds no host.
func TestHeartbeatUnknownHost(t *testing.T) {
	e := newEnv(t, envConfig{})
	auth, err := hostapi.NewStaticTokens(map[string]string{"ghost": "ghost-token-123"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := hostapi.New(hostapi.Config{Store: e.store, Registry: e.reg, Clock: e.clock, Authenticator: auth})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	a := e.do("POST", "/api/hosts/ghost/heartbeat", heartbeatBody("ghost"), "Authorization", "Bearer ghost-token-123")
	if a.status != http.StatusNotFound {
		t.Errorf("status %d: %s", a.status, a.body)
	}
}

func TestBootstrapDone(t *testing.T) {
	e := newEnv(t, envConfig{})
	// Reprovisioning clears BootstrapDone: the new VM must boot again.
	rec := e.get(gcpOff)
	next := rec
	err := next.Apply(hoststate.ActionStart, t0)
	if err != nil {
		t.Fatal(err)
	}
	next.BootstrapDone = false
	if _, err := e.store.Update(t.Context(), store.Write{Record: next}); err != nil {
		t.Fatal(err)
	}
	path := "/api/hosts/" + gcpOff + "/bootstrap-done"
	if a := e.do("POST", path, "", "Authorization", "Bearer nope"); a.status != http.StatusUnauthorized || e.get(gcpOff).BootstrapDone {
		t.Fatalf("wrong token: %d %s", a.status, a.body)
	}
	for i, body := range []string{"", `{"host_id":"` + gcpOff + `"}`} {
		a := e.do("POST", path, body, bearer(gcpOff)...)
		if a.status != http.StatusOK {
			t.Fatalf("%d: status %d: %s", i, a.status, a.body)
		}
		var got hostapi.HeartbeatReply
		a.decode(t, &got)
		if !got.Accepted || !got.BootstrapDone || got.Status != hoststate.StatusStarting {
			t.Errorf("%d: reply %+v", i, got)
		}
	}
	if !e.get(gcpOff).BootstrapDone {
		t.Error("BootstrapDone not recorded")
	}
}

func TestBootstrapDoneIgnoredWhileStopping(t *testing.T) {
	e := newEnv(t, envConfig{})
	rec := e.get(hsRunning)
	next := rec
	err := next.Apply(hoststate.ActionStop, t0)
	if err != nil {
		t.Fatal(err)
	}
	next.BootstrapDone = false
	if _, err := e.store.Update(t.Context(), store.Write{Record: next}); err != nil {
		t.Fatal(err)
	}
	before := e.get(hsRunning)
	a := e.do("POST", "/api/hosts/"+hsRunning+"/bootstrap-done", "{}", bearer(hsRunning)...)
	if a.status != http.StatusBadRequest {
		// {} has no host_id: refused before anything.
		t.Errorf("{}: status %d", a.status)
	}
	a = e.do("POST", "/api/hosts/"+hsRunning+"/bootstrap-done", "", bearer(hsRunning)...)
	var got hostapi.HeartbeatReply
	a.decode(t, &got)
	if got.Accepted || got.BootstrapDone || got.Status != hoststate.StatusStopping || got.IntervalSeconds != 120 {
		t.Errorf("reply %+v, want ignored while stopping", got)
	}
	if e.get(hsRunning).Version != before.Version {
		t.Error("an ignored bootstrap-done wrote the record")
	}
}
