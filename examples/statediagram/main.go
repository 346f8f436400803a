// Command statediagram prints driftless's host state machine — the one
// transition table in package hoststate — as a mermaid stateDiagram-v2.
//
//	go run ./examples/statediagram
//
// The README embeds the same diagram; a test fails when the two disagree.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/driftless/driftless/examples/internal/cli"

	"github.com/driftless/driftless/hoststate"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run prints the diagram to stdout and returns the exit status. It takes
// no flags but -h, -help and --help, which print the usage to stdout
// (status 0); a bad flag or an argument prints the problem and the usage to
// stderr (status 2).
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("statediagram", flag.ContinueOnError)
	cmd := cli.Command{Synopsis: "[flags]", About: []string{
		"Statediagram prints the host state machine of package hoststate as a mermaid stateDiagram-v2.",
		"It takes no flags besides -h.",
	}}
	err := cmd.Parse(fs, args, stdout)
	if err == nil && fs.NArg() > 0 {
		err = cmd.UsageError(fs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if err != nil {
		return cli.ExitStatus("statediagram", err, stderr)
	}
	fmt.Fprint(stdout, hoststate.Mermaid())
	return 0
}
