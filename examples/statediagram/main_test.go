package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/driftless/driftless/hoststate"
)

// TestRun: without arguments the command prints the diagram; -h, -help
// and --help print the usage to stdout and exit 0; a bad flag or an
// argument prints the problem and the usage to stderr and exits 2.
func TestRun(t *testing.T) {
	const synopsis = "usage: statediagram [flags]\n"
	tests := []struct {
		args       []string
		wantCode   int
		wantStdout string // a prefix of stdout
		wantStderr string // a substring of stderr; stderr must be empty if ""
	}{
		{nil, 0, hoststate.Mermaid(), ""},
		{[]string{"-h"}, 0, synopsis, ""},
		{[]string{"-help"}, 0, synopsis, ""},
		{[]string{"--help"}, 0, synopsis, ""},
		{[]string{"-bogus"}, 2, "", "flag provided but not defined: -bogus\n" + synopsis},
		{[]string{"extra"}, 2, "", "unexpected arguments [\"extra\"]\n" + synopsis},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tc.args, &out, &errOut)
			if code != tc.wantCode || !strings.HasPrefix(out.String(), tc.wantStdout) || tc.wantStdout == "" && out.Len() > 0 {
				t.Errorf("run(%q) = %d, stdout %q; want %d, stdout beginning %q", tc.args, code, out.String(), tc.wantCode, tc.wantStdout)
			}
			if !strings.Contains(errOut.String(), tc.wantStderr) || tc.wantStderr == "" && errOut.Len() > 0 {
				t.Errorf("run(%q): stderr %q; want it to hold %q", tc.args, errOut.String(), tc.wantStderr)
			}
		})
	}
}
