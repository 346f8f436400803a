package hostapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the path of the Chromium binary. Without one the test
// skips, unless DRIFTLESS_REQUIRE_TOOLS=1 (CI, where .ci/install-chromium.sh
// installs it) makes that a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DRIFTLESS_REQUIRE_TOOLS") == "1" {
		t.Fatal("chromium is not installed (DRIFTLESS_REQUIRE_TOOLS=1): run .ci/install-chromium.sh")
	}
	t.Skip("chromium is not installed; install Debian's chromium (.ci/install-chromium.sh) to run the dashboard in a real browser")
	return ""
}

// browser starts headless Chromium with a fresh profile and returns a tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	// The first call starts the browser, which lives as long as tab; the
	// timeout bounds the test's actions only.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	ctx, cancelTime := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancelTime)
	return ctx
}

// row is the selector of host id's row.
func row(id string) string { return fmt.Sprintf(`tr.host[data-id=%q]`, id) }

// statusOf reads the status the page shows for host id.
func statusOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	js := fmt.Sprintf(`(document.querySelector(%q) || {dataset: {}}).dataset.status || ""`, row(id))
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("reading %s's status: %v", id, err)
	}
	return s
}

// TestDashboardInBrowser drives the dashboard in headless Chromium over a
// fleet on the fake clock: the page loads, a silent host is stale, Stop
// shows stopping at once and off once the provider confirms (the test
// moves the clock and watches the page), and Reconcile now works.
func TestDashboardInBrowser(t *testing.T) {
	e := newEnv(t, envConfig{})
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	t.Cleanup(e.h.Close) // end the page's event stream before the server closes
	ctx := browser(t)

	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(css(row(gcpRunning)+` button[data-action="stop"]`)),
		chromedp.WaitVisible(css(`#conn[data-state="live"]`)),
	)
	if err != nil {
		t.Fatalf("loading the page: %v", err)
	}
	if title := run(t, ctx, chromedp.Title()); title != "driftless" {
		t.Errorf("title %q", title)
	}
	if b := buttonsOf(t, ctx, gcpRunning); b != "stop,reboot,deprovision" {
		t.Errorf("gcp-running offers buttons %q, want exactly its view's Offered", b)
	}
	if b := buttonsOf(t, ctx, lambdaRunning); b != "reboot,deprovision" {
		t.Errorf("Lambda host offers buttons %q: Lambda cannot stop", b)
	}
	if stale := run(t, ctx, chromedp.Text(css(row(silent)+` .badge[data-flag="stale"]`))); stale != "stale" {
		t.Errorf("silent host's badge %q", stale)
	}

	// Stop: "stopping" at once, with the clock standing still.
	if err := chromedp.Do(ctx,
		chromedp.Click(css(row(gcpRunning)+` button[data-action="stop"]`)),
		chromedp.WaitVisible(css(row(gcpRunning)+`[data-status="stopping"]`)),
	); err != nil {
		t.Fatalf("clicking Stop: %v", err)
	}
	if got := e.get(gcpRunning).Status.String(); got != "stopping" {
		t.Errorf("store says %s after the click", got)
	}
	// "off" once the provider confirms: move the fake clock a little at a
	// time and watch the page until it shows off.
	began := time.Now()
	waitFor(t, ctx, e, gcpRunning, "off")
	t.Logf("off after %s of simulated time, %s of wall time", e.clock.Now().Sub(t0), time.Since(began).Round(time.Millisecond))

	// Reconcile now: a host never observed comes out running.
	if got := statusOf(t, ctx, fresh); got != "unknown" {
		t.Fatalf("fresh host shows %q before reconcile", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css(row(fresh)+` button.reconcile`)),
		chromedp.WaitVisible(css(row(fresh)+`[data-status="running"]`)),
	); err != nil {
		t.Fatalf("Reconcile now: %v", err)
	}
	if msg := run(t, ctx, chromedp.Text(css(`#message`))); !strings.Contains(msg, "unknown → running") {
		t.Errorf("message after Reconcile now: %q", msg)
	}

	// The timeline draws the stop.
	if err := chromedp.Do(ctx,
		chromedp.Click(css(row(gcpRunning)+` button.more`)),
		chromedp.WaitReady(css(`tr.detail[data-id="`+gcpRunning+`"] svg.timeline rect.s-off`)),
	); err != nil {
		t.Fatalf("timeline: %v\n%s", err, dump(ctx, `tr.detail[data-id="`+gcpRunning+`"]`))
	}
	var segs []string
	segs = run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('tr.detail svg.timeline rect.seg')].map(r => r.dataset.value)`))
	for _, want := range []string{"running", "stopping", "off", "RUNNING", "TERMINATED"} {
		if !slices.Contains(segs, want) {
			t.Errorf("timeline segments %q lack %s", segs, want)
		}
	}
}

// dump returns the outer HTML of sel and the page's recent errors, for a
// failure message.
func dump(ctx context.Context, sel string) string {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = c
	v, err := chromedp.Run(c, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {outerHTML: "absent"}).outerHTML + "\nmessage: " + document.getElementById("message").textContent`, sel)))
	if err != nil {
		return "dump: " + err.Error()
	}
	return v
}

// css is a CSS selector for chromedp's queries.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// run runs one browser action that returns a value.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// buttonsOf lists the action buttons host id's row shows.
func buttonsOf(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(b => b.dataset.action).join(",")`, row(id)+" button[data-action]")))
}

// waitFor advances the fake clock in steps until the page shows host id
// with status want. The page is polled, never trusted after a fixed sleep.
func waitFor(t *testing.T, ctx context.Context, e *env, id, want string) {
	t.Helper()
	for i := 0; ; i++ {
		if got := statusOf(t, ctx, id); got == want {
			return
		}
		if i > 3000 {
			t.Fatalf("the page never showed %s %s; store says %s", id, want, e.get(id).Status)
		}
		e.clock.Advance(2 * time.Second)
		// Let the waiter, the store's feed and the page catch up with the
		// clock before looking again.
		time.Sleep(10 * time.Millisecond)
	}
}
