// Package clitest checks an example command's flag handling the one way
// package cli promises it for every command: a help request prints the
// usage to stdout only and exits 0; a bad flag or argument prints the
// problem and the usage to stderr only and exits 2.
package clitest

import (
	"io"
	"strings"
	"sync"
	"testing"
)

// Case is one command line, and whether it asks for help.
type Case struct {
	// Args are the command's arguments.
	Args []string
	// Help is true when Args ask for the usage (status 0, stdout), false
	// when they are bad (status 2, stderr).
	Help bool
}

// Run checks each case against run, which runs the command on args with
// the two streams and returns its exit status. The usage must begin with
// synopsis on stdout (help) and name flag.
func Run(t *testing.T, synopsis, flag string, cases []Case, run func(args []string, stdout, stderr io.Writer) int) {
	t.Helper()
	for _, tc := range cases {
		t.Run(strings.Join(tc.Args, " "), func(t *testing.T) {
			var out, errOut Buffer
			code := run(tc.Args, &out, &errOut)
			wantCode, usage, other := 0, out.String(), errOut.String()
			if !tc.Help {
				wantCode, usage, other = 2, errOut.String(), out.String()
			}
			if code != wantCode || !strings.Contains(usage, synopsis) || !strings.Contains(usage, flag) || other != "" {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and the usage on one stream only", tc.Args, code, out.String(), errOut.String(), wantCode)
			}
			if tc.Help && !strings.HasPrefix(out.String(), synopsis) {
				t.Errorf("%q: help does not begin with %q", tc.Args, synopsis)
			}
		})
	}
}

// Buffer collects a command's output; it is safe for the writes of the
// command's own goroutines (a daemon's logging, a server's).
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write implements io.Writer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
