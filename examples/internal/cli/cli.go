// Package cli is the flag handling the example commands share: -h, -help
// and --help print the usage to stdout and exit 0; a bad flag prints the
// problem and the usage to stderr and exits 2; any other failure prints
// the error and exits 1.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Command describes one example command for its usage text.
type Command struct {
	// Synopsis follows "usage: <name> ", e.g. "[flags]".
	Synopsis string
	// About says what the command does, one line per element.
	About []string
}

// UsageError is a bad flag or argument, with the usage to print after it.
type UsageError struct {
	// Err is the problem.
	Err error
	// Usage is the command's usage text.
	Usage string
}

// Error implements error.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the problem.
func (e *UsageError) Unwrap() error { return e.Err }

// Parse parses args into fs. A help request prints the usage to stdout
// and returns flag.ErrHelp; a bad flag returns a *UsageError.
func (c Command) Parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	// Both outcomes are printed here or by ExitStatus, each to its stream.
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		c.Usage(stdout, fs)
		return err
	}
	return c.UsageError(fs, err)
}

// UsageError returns err as a *UsageError carrying fs's usage.
func (c Command) UsageError(fs *flag.FlagSet, err error) error {
	var b strings.Builder
	c.Usage(&b, fs)
	return &UsageError{Err: err, Usage: b.String()}
}

// Usage prints the synopsis, what the command does and the flag defaults
// to w.
func (c Command) Usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s %s\n\n", fs.Name(), c.Synopsis)
	for _, line := range c.About {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, "\nflags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// ExitStatus reports err of the command name on stderr and returns the
// exit status: 0 for success or a help request (the usage went to
// stdout), 2 for a *UsageError (reported with the usage), 1 otherwise.
func ExitStatus(name string, err error, stderr io.Writer) int {
	var bad *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &bad):
		fmt.Fprintf(stderr, "%s: %v\n%s", name, bad.Err, bad.Usage)
		return 2
	}
	fmt.Fprintln(stderr, name+":", err)
	return 1
}
