// Command statediagram prints driftless's host state machine — the one
// transition table in package hoststate — as a mermaid stateDiagram-v2.
//
//	go run ./examples/statediagram
//
// The README embeds the same diagram; a test fails when the two disagree.
package main

import (
	"fmt"

	"github.com/driftless/driftless/hoststate"
)

func main() {
	fmt.Print(hoststate.Mermaid())
}
