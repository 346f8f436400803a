package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/examples/internal/cli/clitest"
)

// start runs the command with args on a random port and returns its base
// URL and output; the command is stopped, and must exit cleanly, when the
// test ends.
func start(t *testing.T, args ...string) (string, *clitest.Buffer) {
	t.Helper()
	o, code, ok := parseFlags(append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
	if !ok {
		t.Fatalf("flags %q: exit %d", args, code)
	}
	ctx, cancel := context.WithCancel(t.Context())
	out := &clitest.Buffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, out, io.Discard, func(base string) { ready <- base }) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run ended before serving: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not shut down within 20 s of its context ending")
		}
		if !strings.Contains(out.String(), "shutting down") {
			t.Errorf("no shutdown line in the output:\n%s", out)
		}
	})
	return base, out
}

// get fetches base+path and returns the body.
func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b), res.Header
}

type hostsAnswer struct {
	Hosts []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Label  string `json:"label"`
	} `json:"hosts"`
}

// waitKnown polls /api/hosts until no host is unknown, and returns it.
func waitKnown(t *testing.T, base string) hostsAnswer {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body, _ := get(t, base+"api/hosts")
		var hs hostsAnswer
		if err := json.Unmarshal([]byte(body), &hs); err != nil {
			t.Fatalf("/api/hosts is not JSON: %v: %s", err, body)
		}
		unknown := 0
		for _, h := range hs.Hosts {
			if h.Status == "" {
				t.Fatalf("a host without a status: %s", body)
			}
			if h.Status == "unknown" {
				unknown++
			}
		}
		if len(hs.Hosts) > 0 && unknown == 0 {
			return hs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d hosts still unknown after 30 s: %s", unknown, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopAndWait stops host id through the API and waits for the action's
// outcome.
func stopAndWait(t *testing.T, base, id string) {
	t.Helper()
	res, err := http.Post(base+"api/hosts/"+id+"/actions", "application/json", strings.NewReader(`{"action":"stop"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("stop %s: %s", id, res.Status)
	}
	loc := res.Header.Get("Location")
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body, _ := get(t, strings.TrimSuffix(base, "/")+loc)
		var st struct {
			State, Status, Error string
			OK                   bool
		}
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		if st.State == "done" {
			if !st.OK || st.Status != "off" {
				t.Errorf("stop %s ended %s: %s", id, st.Status, st.Error)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stop %s still %s after 30 s", id, st.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkServes checks the page, the hosts and the metrics.
func checkServes(t *testing.T, base string) {
	t.Helper()
	code, page, _ := get(t, base)
	if code != http.StatusOK || !strings.Contains(page, "<title>driftless</title>") {
		t.Errorf("GET /: %d, want a page titled driftless", code)
	}
	hs := waitKnown(t, base)
	if len(hs.Hosts) != 15 {
		t.Errorf("%d hosts, want 3 of each of 5 kinds", len(hs.Hosts))
	}
	code, metrics, _ := get(t, base+"metrics")
	for _, series := range []string{"driftless_reconcile_ticks_total", "driftless_reconcile_status_changes_total", "driftless_provider_calls_total"} {
		if code != http.StatusOK || !strings.Contains(metrics, series) {
			t.Errorf("/metrics (%d) lacks %s", code, series)
		}
	}
}

func TestControlPlane(t *testing.T) {
	base, out := start(t, "-speed", "200")
	if !strings.Contains(out.String(), "dashboard  "+base) {
		t.Errorf("output does not print the address:\n%s", out)
	}
	checkServes(t, base)
	stopAndWait(t, base, "gcp-3")
	code, metrics, _ := get(t, base+"metrics")
	if code != http.StatusOK || !strings.Contains(metrics, `driftless_action_outcomes_total{action="stop",outcome="confirmed",provider="gcp"} 1`) {
		t.Errorf("/metrics lacks the confirmed stop")
	}
}

// With -emulate the same runs through the HTTP emulators and the real
// adapters.
func TestControlPlaneEmulated(t *testing.T) {
	base, _ := start(t, "-emulate", "-speed", "200")
	checkServes(t, base)
	stopAndWait(t, base, "gcp-3")
	stopAndWait(t, base, "hyperstack-3")
}

// -shadow writes nothing and prints what it would have written.
func TestShadow(t *testing.T) {
	base, out := start(t, "-shadow", "-speed", "200", "-drift", "0")
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "shadow: tick 1: gcp-1 (gcp) unknown → running (reported)") {
		if time.Now().After(deadline) {
			t.Fatalf("no shadow line for gcp-1 within 30 s:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, body, _ := get(t, base+"api/hosts")
	var hs hostsAnswer
	if err := json.Unmarshal([]byte(body), &hs); err != nil {
		t.Fatal(err)
	}
	for _, h := range hs.Hosts {
		if h.Status != "unknown" {
			t.Errorf("shadow mode wrote %s: %s", h.ID, h.Status)
		}
	}
}

func TestWallClockRunsAtSpeed(t *testing.T) {
	clk := newWallClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go clk.run(ctx)
	// A simulated minute passes in about 60 ms of wall time; waiting up to
	// 10 s only bounds a broken clock.
	timer := clk.NewTimer(time.Minute)
	select {
	case <-timer.C():
	case <-time.After(10 * time.Second):
		t.Fatalf("a one-minute timer at 1000× speed did not fire; clock at %v", clk.Now())
	}
}

// TestHelp: -h, -help and --help print the usage to stdout and exit 0; a
// bad flag or argument prints the problem and the usage to stderr and
// exits 2.
func TestHelp(t *testing.T) {
	clitest.Run(t, "usage: controlplane [flags]\n", "-emulate", []clitest.Case{
		{Args: []string{"-h"}, Help: true},
		{Args: []string{"-help"}, Help: true},
		{Args: []string{"--help"}, Help: true},
		{Args: []string{"-speed", "5", "-h"}, Help: true},
		{Args: []string{"-bogus"}, Help: false},
		{Args: []string{"-speed", "fast"}, Help: false},
		{Args: []string{"-speed", "0"}, Help: false},
		{Args: []string{"-hosts", "0"}, Help: false},
		{Args: []string{"extra"}, Help: false},
	}, func(args []string, stdout, stderr io.Writer) int {
		_, code, goOn := parseFlags(args, stdout, stderr)
		if goOn {
			return -1 // it would have run
		}
		return code
	})
}
