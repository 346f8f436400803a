package nebius

import (
	"regexp"

	"github.com/driftless/driftless/provider"
)

// DefaultBootDiskGiB is the boot disk size of a created instance when the
// launch spec gives none.
const DefaultBootDiskGiB = 50

// specName is the syntax of Nebius platform, preset and image family
// names ("gpu-h100-sxm", "1gpu-16vcpu-200gb", "ubuntu22.04-cuda12").
var specName = regexp.MustCompile(`^[a-z0-9][-a-z0-9_.]{0,62}$`)

// checkSpec validates the fields a create carries, and refuses those the
// adapter has no use for.
func checkSpec(spec provider.LaunchSpec) error {
	bad := func(field, reason string) error {
		return &provider.LaunchFieldError{Provider: Name, Field: field, Reason: reason}
	}
	switch {
	case !specName.MatchString(spec.Flavor):
		return bad("Flavor", "want a platform name, got "+quote(spec.Flavor))
	case !specName.MatchString(spec.Preset):
		return bad("Preset", "want a preset name, got "+quote(spec.Preset))
	case !specName.MatchString(spec.Image):
		return bad("Image", "want an image family, got "+quote(spec.Image))
	case checkID("Network", spec.Network) != nil:
		return bad("Network", "want a subnet id, got "+quote(spec.Network))
	case spec.BootDiskGiB < 0 || spec.BootDiskGiB > 65536:
		return bad("BootDiskGiB", "out of range")
	case spec.Region != "":
		return bad("Region", "a Nebius host's project fixes its region")
	case len(spec.SSHKeys) > 0:
		return bad("SSHKeys", "Nebius takes keys in cloud-init user data, which this adapter does not send")
	case len(spec.FileSystems) > 0:
		return bad("FileSystems", "not supported by this adapter")
	}
	return nil
}
