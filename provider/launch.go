package provider

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// LaunchSpec is what creating a host's VM needs beyond the host
// reference: where, on what hardware, from which image, with which keys
// and shared file systems. A fleet spans regions and flavors, so an
// adapter takes a [LaunchFunc] that gives each host its own spec rather
// than one spec for all. Each adapter documents which fields it reads and
// validates them before any request; fields it does not read must be
// empty, so a spec meant for another provider is refused, not half used.
// It holds no secrets (key names, not keys), so it prints as it is.
type LaunchSpec struct {
	// Region is where the VM runs: Hyperstack's environment name, Lambda's
	// region name. GCP and Nebius take it from the host (zone, project).
	Region string `json:"region,omitempty"`
	// Flavor is the hardware: GCP machine type, Hyperstack flavor, Lambda
	// instance type, Nebius platform.
	Flavor string `json:"flavor,omitempty"`
	// Preset is Nebius's resource preset of the platform (e.g.
	// "1gpu-16vcpu-200gb").
	Preset string `json:"preset,omitempty"`
	// Image is the boot image: a GCP source image (a URL path such as
	// "projects/debian-cloud/global/images/family/debian-12"), a
	// Hyperstack image name, a Nebius image family. Lambda boots its own
	// image.
	Image string `json:"image,omitempty"`
	// SSHKeys are the names of SSH keys registered at the provider
	// (Hyperstack takes exactly one, Lambda one or more).
	SSHKeys []string `json:"ssh_keys,omitempty"`
	// FileSystems are shared file systems to attach: Lambda file system
	// names.
	FileSystems []string `json:"file_systems,omitempty"`
	// Network is the network to join: a GCP subnetwork URL path, a Nebius
	// subnet id; "" is the provider's default where it has one.
	Network string `json:"network,omitempty"`
	// PublicIP gives the VM a public address (GCP external NAT, Hyperstack
	// floating IP, Nebius public address; Lambda always has one).
	PublicIP bool `json:"public_ip,omitempty"`
	// BootDiskGiB is the boot disk's size where the adapter creates one
	// (GCP, Nebius); 0 means the adapter's default.
	BootDiskGiB int64 `json:"boot_disk_gib,omitempty"`
}

// LaunchFunc gives a host's launch spec. Adapters call it only when they
// are about to create a VM (start after a deleting stop, reprovision,
// Lambda launch); an error, or an adapter without one, makes those
// actions unsupported for the host (Supports says so, and asks it
// without a request). It must be safe for concurrent use and must not
// block on I/O for long: Supports calls it.
type LaunchFunc func(host Host) (LaunchSpec, error)

// FixedLaunch returns a LaunchFunc giving every host spec: a fleet of one
// region and one flavor.
func FixedLaunch(spec LaunchSpec) LaunchFunc {
	spec.SSHKeys, spec.FileSystems = slices.Clone(spec.SSHKeys), slices.Clone(spec.FileSystems)
	return func(Host) (LaunchSpec, error) {
		out := spec
		out.SSHKeys, out.FileSystems = slices.Clone(spec.SSHKeys), slices.Clone(spec.FileSystems)
		return out, nil
	}
}

// ErrNoLaunchSpec: the host has no launch spec (its adapter has no
// LaunchFunc, or the LaunchFunc refused the host), so its VM cannot be
// created. It matches [ErrUnsupported]: nothing is sent.
var ErrNoLaunchSpec error = &classError{msg: "provider: no launch spec for the host", parent: ErrUnsupported}

// Launch returns host's spec from launch, checked by the adapter's check
// (nil checks nothing), or an error matching [ErrNoLaunchSpec] (and so
// [ErrUnsupported]) when launch is nil or refuses the host, or the error
// of check (a [*LaunchFieldError]) when the spec is not one the adapter
// can create a VM from. name is the provider's name for messages.
func Launch(name string, launch LaunchFunc, host Host, check func(LaunchSpec) error) (LaunchSpec, error) {
	if launch == nil {
		return LaunchSpec{}, fmt.Errorf("%s: %w: the adapter has no LaunchFunc", name, ErrNoLaunchSpec)
	}
	spec, err := launch(host)
	if err != nil {
		return LaunchSpec{}, fmt.Errorf("%s: %w for %s: %w", name, ErrNoLaunchSpec, strconv.Quote(host.Instance), err)
	}
	if check != nil {
		if err := check(spec); err != nil {
			return LaunchSpec{}, err
		}
	}
	return spec, nil
}

// LaunchFieldError reports a launch spec field an adapter cannot use; it
// matches [ErrNoLaunchSpec]. The value is quoted so that it cannot forge a
// log line.
type LaunchFieldError struct {
	// Provider is the adapter's name.
	Provider string
	// Field names the LaunchSpec field.
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error implements error.
func (e *LaunchFieldError) Error() string {
	return fmt.Sprintf("%s: launch spec %s: %s", e.Provider, e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrNoLaunchSpec) and errors.Is(err,
// ErrUnsupported) true.
func (e *LaunchFieldError) Is(target error) bool {
	return target == ErrNoLaunchSpec || errors.Is(ErrNoLaunchSpec, target)
}
