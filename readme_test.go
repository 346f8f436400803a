package driftless_test

import (
	"os"
	"strings"
	"testing"

	"github.com/driftless/driftless/hoststate"
)

// TestREADMEDiagramMatchesCode fails when the diagram embedded in README.md
// is not exactly what `go run ./examples/statediagram` prints.
func TestREADMEDiagramMatchesCode(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	const open = "```mermaid\n"
	i := strings.Index(readme, open)
	if i < 0 {
		t.Fatal("README.md has no mermaid block")
	}
	rest := readme[i+len(open):]
	j := strings.Index(rest, "```")
	if j < 0 {
		t.Fatal("README.md mermaid block is not closed")
	}
	if got, want := rest[:j], hoststate.Mermaid(); got != want {
		t.Errorf("README.md diagram differs from hoststate.Mermaid(); paste the output of `go run ./examples/statediagram`.\nREADME:\n%s\ncode:\n%s", got, want)
	}
}

// TestREADMECommands keeps the two commands at the top of README.md the
// ones .ci/run relies on.
func TestREADMECommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	head := string(b)
	if len(head) > 1500 {
		head = head[:1500]
	}
	for _, cmd := range []string{"go test ./...", "go run ./examples/"} {
		if !strings.Contains(head, cmd) {
			t.Errorf("README.md must show %q at the top", cmd)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "go test -race ./...") {
		t.Errorf(".ci/run must run the README test command with -race")
	}
}
