// Command hostagent is the host daemon's side of the control plane's host
// contract in one command (package hostagent): it heartbeats to the
// control plane with the host's token until SIGINT or SIGTERM, and on
// first boot takes the tools it needs from the bundle the image ships,
// then reports the first boot done.
//
//	go run ./examples/hostagent -control-plane https://cp.example.com -host h-17 -token-file /etc/driftless/token \
//	    -bundle /opt/bundle/current/bin -require sshpiperd
//
// The token file holds the host's bearer token (surrounding white space
// is ignored); it should be readable by the daemon alone. -bundle lists
// the bundle directories, -require the tools first boot needs: each must
// be a runnable file in one of them (a "current" symlink to a versioned
// bundle is fine). When all are there the first boot is reported done;
// otherwise it is reported failed with what was tried, so that the
// daemon's installer, the fallback, can run. -bootstrap-done says a
// previous run finished the first boot. -ca-file trusts a private CA for
// the control plane's certificate; -allow-http permits an http:// control
// plane (a local one, or a test).
//
// Exit status: 0 after a signal (or -h), 1 when the token is refused or
// the setup is wrong (a missing token file, an http:// URL without
// -allow-http), 2 for a bad flag.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/driftless/driftless/examples/internal/cli"

	"github.com/driftless/driftless/hostagent"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.ExitStatus("hostagent", run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	controlPlane, host, tokenFile, address, version, caFile string
	bundle, require                                         string
	bootstrapDone, allowHTTP, verbose                       bool
}

// run parses args and runs the daemon until ctx ends, logging to stderr.
// A help request prints the usage to stdout and returns flag.ErrHelp; a
// bad flag returns a *cli.UsageError.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("hostagent", flag.ContinueOnError)
	fs.StringVar(&o.controlPlane, "control-plane", "", "the control plane's base URL, https (required)")
	fs.StringVar(&o.host, "host", "", "this host's id in the control plane (required)")
	fs.StringVar(&o.tokenFile, "token-file", "", "file holding this host's bearer token (required)")
	fs.StringVar(&o.address, "address", "", "host:port the daemon serves on, reported with every heartbeat")
	fs.StringVar(&o.version, "version", buildVersion(), "the daemon's version, reported with every heartbeat")
	fs.StringVar(&o.bundle, "bundle", "", "comma-separated bundle directories, searched in order (e.g. /opt/bundle/current/bin)")
	fs.StringVar(&o.require, "require", "", "comma-separated tools first boot needs from the bundle (e.g. sshpiperd); none: first boot is done at once")
	fs.BoolVar(&o.bootstrapDone, "bootstrap-done", false, "first boot finished on an earlier run: report it done at once")
	fs.StringVar(&o.caFile, "ca-file", "", "PEM file of CA certificates to trust for the control plane, instead of the system's")
	fs.BoolVar(&o.allowHTTP, "allow-http", false, "permit an http:// control plane (local or test only: the token travels in the clear)")
	fs.BoolVar(&o.verbose, "v", false, "log every heartbeat")
	if err := command().Parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return command().UsageError(fs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	for _, req := range []struct{ name, value string }{{"control-plane", o.controlPlane}, {"host", o.host}, {"token-file", o.tokenFile}} {
		if req.value == "" {
			return command().UsageError(fs, fmt.Errorf("-%s is required", req.name))
		}
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	token, err := readToken(o.tokenFile, log)
	if err != nil {
		return err
	}
	client, err := httpClient(o.caFile)
	if err != nil {
		return err
	}
	cfg := hostagent.Config{
		ControlPlane: o.controlPlane, HostID: o.host, Token: token, Version: o.version, Address: o.address,
		HTTPClient: client, Logger: log, AllowInsecureHTTP: o.allowHTTP,
	}
	if o.bootstrapDone {
		cfg.Bootstrap = hostagent.BootstrapDone
	}
	agent, err := hostagent.New(cfg)
	if err != nil {
		return err
	}
	log.Info("hostagent: starting", slog.Any("agent", agent))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- agent.Run(ctx) }()
	if !o.bootstrapDone {
		firstBoot(ctx, agent, split(o.bundle), split(o.require), log)
	}
	if err := <-errc; err != nil && ctx.Err() == nil {
		return err
	}
	log.Info("hostagent: stopped")
	return nil
}

// firstBoot finds every required tool in the bundle and reports the first
// boot done, or failed with what was tried: installing is the fallback
// for the daemon's installer, never the first choice.
func firstBoot(ctx context.Context, agent *hostagent.Heartbeater, dirs, tools []string, log *slog.Logger) {
	ok := true
	for _, tool := range tools {
		path, err := hostagent.PreferBundled(dirs, tool)
		if err != nil {
			log.Error("hostagent: first boot: no bundled copy; install it", slog.String("tool", tool), slog.Any("err", err))
			ok = false
			continue
		}
		log.Info("hostagent: first boot: using the bundled copy", slog.String("tool", tool), slog.String("path", path))
	}
	if !ok {
		agent.BootstrapFailed()
		return
	}
	// A failure here is retried by Run once the host runs.
	if err := agent.BootstrapDone(ctx); err != nil && ctx.Err() == nil {
		log.Warn("hostagent: reporting the first boot done", slog.Any("err", err))
	}
}

// readToken reads the token file. Its errors name the file, never its
// content.
func readToken(path string, log *slog.Logger) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("token file %s is not a regular file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("token file %s is empty", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		log.Warn("hostagent: the token file is readable by others; chmod 600 it", slog.String("file", path),
			slog.String("mode", fmt.Sprintf("%04o", fi.Mode().Perm())))
	}
	return token, nil
}

// httpClient trusts caFile's certificates when it is set, the system's
// otherwise.
func httpClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return &http.Client{}, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}

// split splits a comma-separated list, dropping empty items.
func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// buildVersion is the main module's version as the build recorded it.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// command is the command's usage text.
func command() cli.Command {
	return cli.Command{Synopsis: "-control-plane URL -host ID -token-file F [flags]", About: []string{
		"Hostagent heartbeats to the control plane as this host until SIGINT or SIGTERM, and on first",
		"boot takes the -require'd tools from the -bundle directories, then reports the first boot done.",
		"Exit status: 0 after a signal, 1 when the token is refused or the setup is wrong, 2 for a bad flag.",
	}}
}
