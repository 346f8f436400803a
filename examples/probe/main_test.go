package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/driftless/driftless/examples/internal/cli"
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
	const synopsis = "usage: probe [flags]\n"
	tests := []struct {
		args []string
		help bool // the usage goes to stdout with status 0, else to stderr with 2
	}{
		{[]string{"-h"}, true},
		{[]string{"-help"}, true},
		{[]string{"--help"}, true},
		{[]string{"-emulate", "-h"}, true},
		{[]string{"-no-such-flag"}, false},
		{[]string{"-timeout", "soon"}, false},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cli.ExitStatus("probe", run(context.Background(), tc.args, &out, noEnv), &errOut)
			wantCode, usage, other := 0, out.String(), errOut.String()
			if !tc.help {
				wantCode, usage, other = 2, errOut.String(), out.String()
			}
			if code != wantCode || !strings.Contains(usage, synopsis) || !strings.Contains(usage, "-emulate") || other != "" {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and the usage on one stream only", tc.args, code, out.String(), errOut.String(), wantCode)
			}
			if tc.help && !strings.HasPrefix(out.String(), synopsis) {
				t.Errorf("%q: help does not begin with %q", tc.args, synopsis)
			}
		})
	}
}
