// Command statediagram prints driftless's host state machine — the one
// transition table in package hoststate — as a mermaid stateDiagram-v2.
//
//	go run ./examples/statediagram
//
// The README embeds the same diagram; a test fails when the two disagree.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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
	fs.SetOutput(stderr)
	// The flag package would print the usage to stderr for help and errors
	// alike; it is printed below, to the stream the outcome calls for.
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout, fs)
		return 0
	case err != nil:
		// The flag package has already printed the problem.
		usage(stderr, fs)
		return 2
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "unexpected arguments %q\n", fs.Args())
		usage(stderr, fs)
		return 2
	}
	fmt.Fprint(stdout, hoststate.Mermaid())
	return 0
}

// usage prints the synopsis, what the command does and the flag defaults
// (there are none) to w.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s [flags]\n\n", fs.Name())
	fmt.Fprintln(w, "Statediagram prints the host state machine of package hoststate as a mermaid stateDiagram-v2.")
	fmt.Fprintln(w, "\nflags: none besides -h")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
