package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/driftless/driftless/examples/internal/cli"
	"github.com/driftless/driftless/examples/internal/cli/clitest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
)

// noEnv is an empty environment.
func noEnv(string) string { return "" }

func TestEmulateEveryProvider(t *testing.T) {
	want := map[string]string{
		"gcp":        "vm:          running (RUNNING)\nvolume:      present (READY)\n",
		"hyperstack": "vm:          running (ACTIVE)\nvolume:      present (in-use)\n",
		"lambda":     "vm:          running (active)\nvolume:      none (none)\n",
		"nebius":     "vm:          running (RUNNING)\nvolume:      present (READY)\n",
	}
	for kind, lines := range want {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"-emulate", "-provider", kind}, &out, noEnv); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !strings.Contains(out.String(), lines) || !strings.Contains(out.String(), "provider:    "+kind) {
			t.Errorf("%s: output\n%s\nlacks\n%s", kind, out.String(), lines)
		}
	}
}

func TestEndpoint(t *testing.T) {
	srv := emulators.NewHyperstack(fakes.NewCloud(nil, 1), "k-from-env")
	defer srv.Close()
	if err := srv.AddHost(provider.Host{Instance: "h1", Volume: "77"}, false); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "HYPERSTACK_API_KEY" {
			return "k-from-env"
		}
		return ""
	}
	var out bytes.Buffer
	args := []string{"-provider", "hyperstack", "-endpoint", srv.BaseURL(), "-instance", "h1", "-volume", "77"}
	if err := run(context.Background(), args, &out, env); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "vm:          absent (none)\nvolume:      present (available)") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-provider", "hyperstack", "-instance", "h1", "-volume", "1"},
		{"-provider", "lambda", "-instance", "abc"},
		{"-provider", "nebius"},
		{"-provider", "aws", "-emulate"},
		{"-provider", "gcp", "-emulate", "-instance", "Bad_Name"},
		{"-emulate", "extra"},
		{"-no-such-flag"},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}, noEnv); err == nil {
			t.Errorf("run %q succeeded", args)
		}
	}
}

func Example() {
	if err := run(context.Background(), []string{"-emulate", "-provider", "gcp"}, os.Stdout, noEnv); err != nil {
		fmt.Println(err)
	}
	// Output:
	// provider:    gcp
	// instance:    demo-host
	// vm:          running (RUNNING)
	// volume:      present (READY)
	// address:     10.0.0.1
	// vm id:       4100000000000000001
	// unreachable: false
}

// TestHelp: -h, -help and --help print the usage to stdout and exit 0; a
// bad flag prints the problem and the usage to stderr and exits 2.
func TestHelp(t *testing.T) {
	clitest.Run(t, "usage: probe [flags]\n", "-emulate", []clitest.Case{
		{Args: []string{"-h"}, Help: true},
		{Args: []string{"-help"}, Help: true},
		{Args: []string{"--help"}, Help: true},
		{Args: []string{"-emulate", "-h"}, Help: true},
		{Args: []string{"-no-such-flag"}, Help: false},
		{Args: []string{"-timeout", "soon"}, Help: false},
	}, func(args []string, stdout, stderr io.Writer) int {
		return cli.ExitStatus("probe", run(context.Background(), args, stdout, noEnv), stderr)
	})
}
