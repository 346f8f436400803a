package hostapi_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
)

// untilDone moves the fake clock by a second each time every goroutine
// of the bubble is blocked, until the action resource at path is done.
func untilDone(t *testing.T, e *env, path string) hostapi.ActionState {
	t.Helper()
	for range 3600 {
		synctest.Wait()
		var st hostapi.ActionState
		e.do("GET", path, "").decode(t, &st)
		if st.State == hostapi.StateDone {
			return st
		}
		e.clock.Advance(time.Second)
	}
	t.Fatal("the action did not finish within an hour of simulated time")
	return hostapi.ActionState{}
}

func TestActionStopLifecycle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{})
		a := e.do("POST", "/api/hosts/"+gcpRunning+"/actions", `{"action":"stop"}`)
		if a.status != http.StatusAccepted {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		loc := a.header.Get("Location")
		if !strings.HasPrefix(loc, "/api/actions/") {
			t.Fatalf("Location %q", loc)
		}
		var st hostapi.ActionState
		a.decode(t, &st)
		if st.State != hostapi.StatePending || st.Status != hoststate.StatusStopping || !st.Sent || st.Action != hoststate.ActionStop || st.HostID != gcpRunning {
			t.Errorf("accepted state %+v, want pending, stopping, sent", st)
		}
		// The transitional status is written at once.
		if got := e.get(gcpRunning).Status; got != hoststate.StatusStopping {
			t.Errorf("record is %s right after the 202, want stopping", got)
		}
		done := untilDone(t, e, loc)
		want := hostapi.ActionState{Ref: st.Ref, HostID: gcpRunning, Action: hoststate.ActionStop, Seq: st.Seq,
			State: hostapi.StateDone, Sent: true, Status: hoststate.StatusOff, OK: true, Started: t0}
		if diff := cmp.Diff(want, done); diff != "" {
			t.Errorf("done (-want +got):\n%s", diff)
		}
		if got := e.get(gcpRunning).Status; got != hoststate.StatusOff {
			t.Errorf("record ends %s, want off", got)
		}
	})
}

func TestActionRefusals(t *testing.T) {
	e := newEnv(t, envConfig{})
	big := `{"action":"` + strings.Repeat("x", hostapi.MaxBody) + `"}`
	tests := []struct {
		name, id, body string
		header         []string
		status         int
		code           string
		allowed        []hoststate.Action
	}{
		{"not allowed", gcpRunning, `{"action":"start"}`, nil, http.StatusConflict, "not_allowed",
			[]hoststate.Action{hoststate.ActionStop, hoststate.ActionReboot, hoststate.ActionDeprovision}},
		{"unsupported", lambdaRunning, `{"action":"stop"}`, nil, http.StatusConflict, "unsupported",
			[]hoststate.Action{hoststate.ActionReboot, hoststate.ActionDeprovision}},
		{"unknown host", "nobody", `{"action":"stop"}`, nil, http.StatusNotFound, "not_found", nil},
		{"unknown action", gcpRunning, `{"action":"explode"}`, nil, http.StatusBadRequest, "bad_request", nil},
		{"none", gcpRunning, `{"action":"none"}`, nil, http.StatusBadRequest, "bad_request", nil},
		{"no action", gcpRunning, `{}`, nil, http.StatusBadRequest, "bad_request", nil},
		{"malformed", gcpRunning, `{"action":`, nil, http.StatusBadRequest, "bad_request", nil},
		{"not an object", gcpRunning, `["stop"]`, nil, http.StatusBadRequest, "bad_request", nil},
		{"unknown field", gcpRunning, `{"action":"stop","force":true}`, nil, http.StatusBadRequest, "bad_request", nil},
		{"trailing data", gcpRunning, `{"action":"stop"} {}`, nil, http.StatusBadRequest, "bad_request", nil},
		{"empty", gcpRunning, ``, nil, http.StatusBadRequest, "bad_request", nil},
		{"oversized", gcpRunning, big, nil, http.StatusBadRequest, "bad_request", nil},
		{"form post", gcpRunning, `action=stop`, []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType, "unsupported_media_type", nil},
		{"no content type", gcpRunning, `{"action":"stop"}`, []string{"Content-Type", ""}, http.StatusUnsupportedMediaType, "unsupported_media_type", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.get(gcpRunning)
			a := e.do("POST", "/api/hosts/"+tc.id+"/actions", tc.body, tc.header...)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			p := a.problem(t)
			if p.Code != tc.code {
				t.Errorf("code %q, want %q", p.Code, tc.code)
			}
			if diff := cmp.Diff(tc.allowed, p.Allowed); diff != "" {
				t.Errorf("allowed (-want +got):\n%s", diff)
			}
			if after := e.get(gcpRunning); after.Version != before.Version {
				t.Errorf("a refused action wrote the record: %+v", after)
			}
		})
	}
}

func TestActionsNotConfigured(t *testing.T) {
	e := newEnv(t, envConfig{})
	h, err := hostapi.New(hostapi.Config{Store: e.store, Registry: e.reg, Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	for path, body := range map[string]string{
		"/api/hosts/" + gcpRunning + "/actions":   `{"action":"stop"}`,
		"/api/hosts/" + gcpRunning + "/reconcile": ``,
		"/api/hosts/" + gcpRunning + "/heartbeat": `{"host_id":"` + gcpRunning + `"}`,
	} {
		a := e.do("POST", path, body, bearer(gcpRunning)...)
		if a.status != http.StatusNotImplemented || a.problem(t).Code != "not_configured" {
			t.Errorf("%s: %d %s, want 501 not_configured", path, a.status, a.body)
		}
	}
}

func TestActionAfterClose(t *testing.T) {
	e := newEnv(t, envConfig{})
	e.h.Close()
	a := e.do("POST", "/api/hosts/"+gcpRunning+"/actions", `{"action":"stop"}`)
	if a.status != http.StatusServiceUnavailable {
		t.Errorf("status %d after Close: %s", a.status, a.body)
	}
	if got := e.get(gcpRunning).Status; got != hoststate.StatusRunning {
		t.Errorf("an action after Close wrote %s", got)
	}
}

func TestReconcileNow(t *testing.T) {
	e := newEnv(t, envConfig{})
	a := e.do("POST", "/api/hosts/"+fresh+"/reconcile", "")
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var res struct {
		Decision hostapi.Decision `json:"decision"`
		Host     wireHost         `json:"host"`
	}
	a.decode(t, &res)
	want := hostapi.Decision{From: hoststate.StatusUnknown, To: hoststate.StatusRunning, Changed: true, Reason: "reported", Target: hoststate.StatusRunning, Count: 0}
	if diff := cmp.Diff(want, res.Decision, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Count" }, cmp.Ignore())); diff != "" {
		t.Errorf("decision (-want +got):\n%s", diff)
	}
	if res.Host.Status != hoststate.StatusRunning || e.get(fresh).Status != hoststate.StatusRunning {
		t.Errorf("host %+v after reconcile", res.Host)
	}
	if a := e.do("POST", "/api/hosts/nobody/reconcile", "{}"); a.status != http.StatusNotFound {
		t.Errorf("unknown host: %d %s", a.status, a.body)
	}
	if a := e.do("POST", "/api/hosts/"+fresh+"/reconcile", "", "Content-Type", "text/plain"); a.status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d %s", a.status, a.body)
	}
}
