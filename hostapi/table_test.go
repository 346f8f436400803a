package hostapi_test

import (
	"net/http"
	"testing"
	"testing/synctest"
)

// The table of remembered actions is bounded: a finished action goes
// before a running one, and only a table of running actions drops the
// oldest of them.
func TestActionTableBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{maxActions: 2})
		start := func(id, action string) string {
			t.Helper()
			a := e.do("POST", "/api/hosts/"+id+"/actions", `{"action":"`+action+`"}`)
			if a.status != http.StatusAccepted {
				t.Fatalf("%s %s: %d %s", action, id, a.status, a.body)
			}
			return a.header.Get("Location")
		}
		known := func(loc string) bool {
			t.Helper()
			return e.do("GET", loc, "").status == http.StatusOK
		}
		first := start(gcpRunning, "stop")
		untilDone(t, e, first)
		second := start(hsRunning, "reboot")
		third := start(gcpOff, "deprovision")
		if known(first) || !known(second) || !known(third) {
			t.Fatalf("after 3 actions in a table of 2: first %t, second %t, third %t; want the finished first one dropped",
				known(first), known(second), known(third))
		}
		fourth := start(lambdaRunning, "reboot")
		if known(second) || !known(third) || !known(fourth) {
			t.Errorf("with every action running: second %t, third %t, fourth %t; want the oldest dropped",
				known(second), known(third), known(fourth))
		}
	})
}
