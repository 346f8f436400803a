package lambda

import (
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// maxSpecField bounds a launch spec value.
const maxSpecField = 128

// checkSpec validates the fields a launch carries, and refuses those
// Lambda has no use for.
func checkSpec(spec provider.LaunchSpec) error {
	bad := func(field, reason string) error {
		return &provider.LaunchFieldError{Provider: Name, Field: field, Reason: reason}
	}
	name := func(s string) bool { return s != "" && len(s) <= maxSpecField && reference.MatchString(s) }
	switch {
	case !name(spec.Region):
		return bad("Region", "want a Lambda region name, got "+rest.Quote(spec.Region))
	case !name(spec.Flavor):
		return bad("Flavor", "want a Lambda instance type name, got "+rest.Quote(spec.Flavor))
	case len(spec.SSHKeys) == 0:
		return bad("SSHKeys", "Lambda launches need at least one SSH key name")
	case spec.Image != "":
		return bad("Image", "Lambda boots its own image")
	case spec.Preset != "" || spec.Network != "" || spec.BootDiskGiB != 0:
		return bad("Preset/Network/BootDiskGiB", "Lambda's instance type fixes them")
	}
	for _, k := range spec.SSHKeys {
		if !name(k) {
			return bad("SSHKeys", "not a key name: "+rest.Quote(k))
		}
	}
	for _, fs := range spec.FileSystems {
		if !name(fs) {
			return bad("FileSystems", "not a file system name: "+rest.Quote(fs))
		}
	}
	return nil
}
