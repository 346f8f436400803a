package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/examples/internal/cli"
	"github.com/driftless/driftless/examples/internal/cli/clitest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

const (
	host  = "h-17"
	token = "tok-h17-0123456789abcdef"
)

// controlPlane is hostapi over TLS on a MemStore holding host, running;
// served reports each daemon request once answered ("heartbeat",
// "bootstrap-done").
type controlPlane struct {
	store  *store.MemStore
	srv    *httptest.Server
	served chan string
	caFile string
}

func newControlPlane(t *testing.T) *controlPlane {
	t.Helper()
	cp := &controlPlane{store: store.NewMemStore(store.MemConfig{}), served: make(chan string, 100)}
	rec := hoststate.Record{ID: host, Provider: fakes.GCP, Status: hoststate.StatusRunning, Since: time.Now().Add(-time.Hour),
		Ref: provider.Host{Project: "proj", Zone: "zone-a", Instance: host}}
	if _, err := cp.store.Update(t.Context(), store.Write{Record: rec}); err != nil {
		t.Fatal(err)
	}
	reg, err := kernel.New(kernel.Config{Providers: []provider.Provider{fakes.NewCloud(nil, 1).Provider(fakes.GCP)}})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := hostapi.NewStaticTokens(map[string]string{host: token})
	if err != nil {
		t.Fatal(err)
	}
	api, err := hostapi.New(hostapi.Config{Store: cp.store, Registry: reg, Authenticator: auth})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.Close)
	cp.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(w, r)
		cp.served <- r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	}))
	// A daemon cancelled mid-handshake is the test's doing, not news.
	cp.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	cp.srv.StartTLS()
	t.Cleanup(cp.srv.Close)
	cp.caFile = filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cp.srv.Certificate().Raw})
	if err := os.WriteFile(cp.caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	return cp
}

// waitFor returns once the control plane has answered each of endpoints.
func (cp *controlPlane) waitFor(t *testing.T, endpoints ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, e := range endpoints {
		want[e] = true
	}
	for len(want) > 0 {
		select {
		case e := <-cp.served:
			delete(want, e)
		case <-t.Context().Done():
			t.Fatalf("no %v answered", want)
		}
	}
}

func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// bundle returns a bundle directory reached through a "current" link,
// holding an executable sshpiperd.
func bundle(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	bin := filepath.Join(root, "v1.2", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "sshpiperd"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("v1.2", filepath.Join(root, "current")); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "current", "bin")
}

// The daemon against hostapi over https: it heartbeats, finds sshpiperd
// in the bundle, reports the first boot done, and stops cleanly when its
// context ends.
func TestRun(t *testing.T) {
	cp := newControlPlane(t)
	tokenFile := writeFile(t, "token", token+"\n", 0o600)
	var stdout, stderr clitest.Buffer
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-control-plane", cp.srv.URL, "-host", host, "-token-file", tokenFile, "-ca-file", cp.caFile,
			"-bundle", "/nonexistent," + bundle(t), "-require", "sshpiperd", "-address", "203.0.113.7:443"}, &stdout, &stderr)
	}()
	cp.waitFor(t, "heartbeat", "bootstrap-done")
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	rec, err := cp.store.Get(t.Context(), host)
	if err != nil {
		t.Fatal(err)
	}
	if rec.LastSeen.IsZero() || !rec.BootstrapDone {
		t.Errorf("record after the daemon: LastSeen %v, BootstrapDone %t", rec.LastSeen, rec.BootstrapDone)
	}
	logs := stderr.String()
	if strings.Contains(logs, token) {
		t.Errorf("the logs quote the token:\n%s", logs)
	}
	// Only what the daemon logs before its requests reach the server, and
	// after it stopped: the lines about answers may race the cancel.
	for _, want := range []string{"using the bundled copy", "v1.2/bin/sshpiperd", "stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// A required tool the bundle lacks: the first boot is reported failed,
// with what was tried, and the heartbeats go on.
func TestRunNotBundled(t *testing.T) {
	cp := newControlPlane(t)
	tokenFile := writeFile(t, "token", token, 0o600)
	var stderr clitest.Buffer
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-control-plane", cp.srv.URL, "-host", host, "-token-file", tokenFile, "-ca-file", cp.caFile,
			"-bundle", bundle(t), "-require", "sshpiperd,btrfs"}, &bytes.Buffer{}, &stderr)
	}()
	cp.waitFor(t, "heartbeat")
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if rec, _ := cp.store.Get(t.Context(), host); rec.BootstrapDone {
		t.Error("a failed first boot was reported done")
	}
	if logs := stderr.String(); !strings.Contains(logs, "no bundled copy; install it") || !strings.Contains(logs, "btrfs") || !strings.Contains(logs, "does not exist") {
		t.Errorf("logs lack what was tried:\n%s", logs)
	}
}

// Setups that cannot work fail with exit status 1 and a clear message
// that never quotes the token.
func TestRunFails(t *testing.T) {
	cp := newControlPlane(t)
	good := writeFile(t, "token", token, 0o600)
	wrong := writeFile(t, "wrong", "tok-wrong-0123456789", 0o600)
	unreadable := writeFile(t, "unreadable", token, 0o000)
	if os.Geteuid() == 0 {
		unreadable = t.TempDir() // root reads any file; a directory is unreadable as a token file alike
	}
	base := func(tokenFile string, extra ...string) []string {
		return append([]string{"-control-plane", cp.srv.URL, "-host", host, "-token-file", tokenFile, "-ca-file", cp.caFile}, extra...)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing token file", base(filepath.Join(t.TempDir(), "nope")), "token file"},
		{"unreadable token file", base(unreadable), "token file"},
		{"empty token file", base(writeFile(t, "empty", " \n", 0o600)), "is empty"},
		{"wrong token", base(wrong), "refused the host's token"},
		{"http", []string{"-control-plane", "http://127.0.0.1:1", "-host", host, "-token-file", good}, "https"},
		{"untrusted certificate", []string{"-control-plane", cp.srv.URL, "-host", host, "-token-file", good, "-ca-file", writeFile(t, "ca", "junk", 0o644)}, "no PEM certificate"},
		{"bad host id", base(good, "-host", ".."), "HostID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr clitest.Buffer
			code := cli.ExitStatus("hostagent", run(t.Context(), tc.args, &stdout, &stderr), &stderr)
			if code != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant 1 and %q", code, stderr.String(), tc.want)
			}
			if strings.Contains(stderr.String(), token) || strings.Contains(stderr.String(), "tok-wrong") {
				t.Errorf("the token leaked:\n%s", stderr.String())
			}
		})
	}
}

// TestHelp: -h, -help and --help print the usage to stdout and exit 0; a
// bad flag or a missing required one prints the problem and the usage to
// stderr and exits 2.
func TestHelp(t *testing.T) {
	clitest.Run(t, "usage: hostagent -control-plane URL -host ID -token-file F [flags]\n", "-token-file", []clitest.Case{
		{Args: []string{"-h"}, Help: true},
		{Args: []string{"-help"}, Help: true},
		{Args: []string{"--help"}, Help: true},
		{Args: []string{"-host", "h", "-h"}, Help: true},
		{Args: []string{"-no-such-flag"}, Help: false},
		{Args: []string{"-allow-http=maybe"}, Help: false},
		{Args: []string{"-host", "h", "-token-file", "f"}, Help: false},
		{Args: []string{"-control-plane", "https://cp", "-host", "h", "-token-file", "f", "extra"}, Help: false},
	}, func(args []string, stdout, stderr io.Writer) int {
		return cli.ExitStatus("hostagent", run(context.Background(), args, stdout, stderr), stderr)
	})
}
