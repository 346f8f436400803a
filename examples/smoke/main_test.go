package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftless/driftless/smoke"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		ok   bool
	}{
		{[]string{"-h"}, 0, false},
		{[]string{"--help"}, 0, false},
		{[]string{"-bogus"}, 2, false},
		{[]string{"-faults"}, 2, false},
		{[]string{}, 2, false},
		{[]string{"-prefix", "A"}, 2, false},
		{[]string{"-emulate", "-providers", "gcp,aws"}, 2, false},
		{[]string{"-emulate", "extra"}, 2, false},
		{[]string{"-emulate", "-faults"}, 0, true},
		{[]string{"-prefix", "smoke-ci"}, 0, true},
	} {
		var out, errOut bytes.Buffer
		_, code, ok := parseFlags(tc.args, &out, &errOut)
		if code != tc.code || ok != tc.ok {
			t.Errorf("%v: code %d ok %v, want %d %v (stderr %q)", tc.args, code, ok, tc.code, tc.ok, errOut.String())
		}
		if tc.code == 0 && !tc.ok && !strings.Contains(out.String(), "usage:") {
			t.Errorf("%v: no usage on stdout", tc.args)
		}
		if tc.code == 2 && !strings.Contains(errOut.String(), "usage:") {
			t.Errorf("%v: no usage on stderr", tc.args)
		}
	}
}

// TestEmulatedRun runs two providers and checks the table, the JSON and
// the exit status.
func TestEmulatedRun(t *testing.T) {
	o, _, ok := parseFlags([]string{"-emulate", "-providers", "hyperstack,lambda", "-json", filepath.Join(t.TempDir(), "r.json")}, &bytes.Buffer{}, &bytes.Buffer{})
	if !ok {
		t.Fatal("flags refused")
	}
	var out, errOut bytes.Buffer
	if code := run(t.Context(), o, &out, &errOut); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; last != "smoke: 12 passed, 0 failed" {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(out.String(), "lambda cannot stop") {
		t.Errorf("lambda's stop not skipped with its reason:\n%s", out.String())
	}
	b, err := os.ReadFile(o.jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep smoke.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 12 || rep.Failed != 0 || len(rep.Runs) != 2 {
		t.Errorf("JSON report: %d passed, %d failed, %d runs", rep.Passed, rep.Failed, len(rep.Runs))
	}
}

// TestRealRunWithoutCredentials skips every provider with a reason and
// creates nothing.
func TestRealRunWithoutCredentials(t *testing.T) {
	targets, closeAll := realTargets(context.Background(), "smoke-ci", allProviders, func(string) string { return "" })
	defer closeAll()
	for _, tg := range targets {
		if tg.Skip == "" || tg.Provider != nil {
			t.Errorf("%s: not skipped (%q)", tg.Name, tg.Skip)
		}
	}
	var out bytes.Buffer
	rep, err := smoke.Run(context.Background(), smoke.Config{Targets: targets, Time: smoke.SystemTime()})
	if err != nil || !rep.OK() || rep.Skipped != len(allProviders) {
		t.Fatalf("report %+v, %v", rep, err)
	}
	_ = rep.WriteTable(&out)
	if !strings.Contains(out.String(), "missing credentials: set LAMBDA_API_KEY") {
		t.Errorf("no credentials message:\n%s", out.String())
	}
}
