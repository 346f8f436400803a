package clitest_test

import (
	"flag"
	"fmt"
	"io"
	"testing"

	"github.com/driftless/driftless/examples/internal/cli/clitest"
)

// A command's TestHelp runs its help and bad-flag cases through Run; here
// it checks a small command that follows the rule, inside
// testing.RunTests (quietly: under -v its subtests would print into the
// example's output), so that the example can report the verdict.
func ExampleRun() {
	if v := flag.Lookup("test.v"); v != nil {
		was := v.Value.String()
		_ = v.Value.Set("false")
		defer func() { _ = v.Value.Set(was) }()
	}
	command := func(args []string, stdout, stderr io.Writer) int {
		if len(args) > 0 && args[0] == "-h" {
			fmt.Fprintln(stdout, "usage: demo [flags]\n  -n int")
			return 0
		}
		fmt.Fprintln(stderr, "flag provided but not defined: -x\nusage: demo [flags]\n  -n int")
		return 2
	}
	all := func(pattern, name string) (bool, error) { return true, nil }
	passed := testing.RunTests(all, []testing.InternalTest{{
		Name: "TestHelp",
		F: func(t *testing.T) {
			clitest.Run(t, "usage: demo [flags]\n", "-n", []clitest.Case{{Args: []string{"-h"}, Help: true}, {Args: []string{"-x"}}}, command)
		},
	}})
	fmt.Println("conforms:", passed)
	// Output:
	// conforms: true
}
