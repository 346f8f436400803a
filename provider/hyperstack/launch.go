package hyperstack

import (
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// maxSpecField bounds a launch spec value: Hyperstack's names are short.
const maxSpecField = 255

// checkSpec validates the fields a create request carries, and refuses
// the fields Hyperstack has no use for.
func checkSpec(spec provider.LaunchSpec) error {
	bad := func(field, reason string) error {
		return &provider.LaunchFieldError{Provider: Name, Field: field, Reason: reason}
	}
	for _, f := range []struct{ name, value string }{{"Region", spec.Region}, {"Flavor", spec.Flavor}, {"Image", spec.Image}} {
		if f.value == "" || len(f.value) > maxSpecField || !printable(f.value) {
			return bad(f.name, "want a printable Hyperstack name, got "+rest.Quote(f.value))
		}
	}
	if len(spec.SSHKeys) != 1 || spec.SSHKeys[0] == "" || len(spec.SSHKeys[0]) > maxSpecField || !printable(spec.SSHKeys[0]) {
		return bad("SSHKeys", "Hyperstack takes exactly one key pair name")
	}
	switch {
	case spec.Preset != "":
		return bad("Preset", "Hyperstack has no presets (the flavor says it all)")
	case len(spec.FileSystems) > 0:
		return bad("FileSystems", "not supported by this adapter")
	case spec.Network != "":
		return bad("Network", "Hyperstack's environment fixes the network")
	case spec.BootDiskGiB != 0:
		return bad("BootDiskGiB", "Hyperstack's flavor fixes the boot disk")
	}
	return nil
}
