package cli_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/driftless/driftless/examples/internal/cli"
)

func TestParseAndExitStatus(t *testing.T) {
	cmd := cli.Command{Synopsis: "[flags]", About: []string{"Tries the flags."}}
	for _, c := range []struct {
		args       []string
		code       int
		out, errIn string
	}{
		{nil, 0, "", ""},
		{[]string{"-h"}, 0, "usage: try [flags]\n\nTries the flags.\n\nflags:\n  -n int", ""},
		{[]string{"--help"}, 0, "Tries the flags.", ""},
		{[]string{"-bogus"}, 2, "", "try: flag provided but not defined: -bogus\nusage: try [flags]"},
	} {
		fs := flag.NewFlagSet("try", flag.ContinueOnError)
		fs.Int("n", 1, "a number")
		var out, errOut bytes.Buffer
		err := cmd.Parse(fs, c.args, &out)
		if code := cli.ExitStatus("try", err, &errOut); code != c.code {
			t.Errorf("%q: exit %d, want %d", c.args, code, c.code)
		}
		if !strings.Contains(out.String(), c.out) || !strings.Contains(errOut.String(), c.errIn) {
			t.Errorf("%q: stdout %q, stderr %q", c.args, out.String(), errOut.String())
		}
		if c.code == 0 && c.out == "" && out.Len() > 0 {
			t.Errorf("%q: printed %q", c.args, out.String())
		}
	}
	if code := cli.ExitStatus("try", errors.New("boom"), new(bytes.Buffer)); code != 1 {
		t.Errorf("a failure exits %d, want 1", code)
	}
}

// A command's flag handling: -h prints the usage to stdout (exit 0), a
// bad flag the problem and the usage to stderr (exit 2).
func ExampleCommand() {
	cmd := cli.Command{Synopsis: "[flags]", About: []string{"Greets."}}
	fs := flag.NewFlagSet("greet", flag.ContinueOnError)
	fs.String("name", "world", "who to greet")
	var stdout bytes.Buffer
	err := cmd.Parse(fs, []string{"-h"}, &stdout)
	fmt.Print(stdout.String())
	fmt.Println("exit", cli.ExitStatus("greet", err, &stdout))
	// Output:
	// usage: greet [flags]
	//
	// Greets.
	//
	// flags:
	//   -name string
	//     	who to greet (default "world")
	// exit 0
}
