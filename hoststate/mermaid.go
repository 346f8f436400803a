package hoststate

import "strings"

// Mermaid renders the transition table ([Transitions]) as a mermaid
// stateDiagram-v2, one "src --> dst: event" line per edge in table order.
// The README embeds its output and a test keeps the two equal.
func Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("  [*] --> unknown\n")
	for _, t := range Transitions() {
		for _, src := range t.From {
			b.WriteString("  " + src.String() + " --> " + t.To.String() + ": " + t.EventName() + "\n")
		}
	}
	b.WriteString("  note right of off\n    data volume exists, VM absent or stopped\n  end note\n")
	b.WriteString("  note right of deprovisioned\n    VM and data volume both gone\n  end note\n")
	b.WriteString("  note right of unknown\n    never observed, or connector offline;\n    confirmed drift moves any status to the observed one\n  end note\n")
	return b.String()
}
