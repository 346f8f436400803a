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

// TestREADMECommands keeps the first two commands of README.md's first
// code block the ones a newcomer runs first and .ci/run relies on: the
// control plane example, then the tests.
func TestREADMECommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	const open = "```sh\n"
	i := strings.Index(readme, open)
	if i < 0 {
		t.Fatal("README.md has no sh code block")
	}
	block := readme[i+len(open):]
	if j := strings.Index(block, "```"); j >= 0 {
		block = block[:j]
	}
	var cmds []string
	for _, line := range strings.Split(block, "\n") {
		if cmd, _, _ := strings.Cut(line, "#"); strings.TrimSpace(cmd) != "" {
			cmds = append(cmds, strings.TrimSpace(cmd))
		}
	}
	want := []string{"go run ./examples/controlplane", "go test ./..."}
	if len(cmds) < len(want) || cmds[0] != want[0] || cmds[1] != want[1] {
		t.Errorf("README.md's first code block starts %q, want %q", cmds, want)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "go test -race ./...") {
		t.Errorf(".ci/run must run the README test command with -race")
	}
}
