package gcp

import (
	"regexp"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/driftless/driftless/provider"
)

// Launch spec syntax: what an instances.insert body carries. Each is a
// name or a relative resource path, never a full URL: nothing else may
// reach a request.
var (
	machineType = regexp.MustCompile(`^[a-z0-9][-a-z0-9]{0,62}$`)
	imagePath   = regexp.MustCompile(`^projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/global/images/(family/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
	subnetPath  = regexp.MustCompile(`^(projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/)?regions/[a-z]([-a-z0-9]{0,61}[a-z0-9])?/subnetworks/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// DefaultBootDiskGiB is the boot disk size of a created instance when the
// launch spec gives none.
const DefaultBootDiskGiB = 50

// checkSpec validates the fields an insert carries and refuses those
// Compute Engine has no use for here.
func checkSpec(spec provider.LaunchSpec) error {
	bad := func(field, reason string) error {
		return &provider.LaunchFieldError{Provider: Name, Field: field, Reason: reason}
	}
	switch {
	case !machineType.MatchString(spec.Flavor):
		return bad("Flavor", "want a machine type name (e.g. a2-highgpu-1g), got "+quote(spec.Flavor))
	case !imagePath.MatchString(spec.Image):
		return bad("Image", "want projects/P/global/images/[family/]NAME, got "+quote(spec.Image))
	case spec.Network != "" && !subnetPath.MatchString(spec.Network):
		return bad("Network", "want [projects/P/]regions/R/subnetworks/S, got "+quote(spec.Network))
	case spec.BootDiskGiB < 0 || spec.BootDiskGiB > 65536:
		return bad("BootDiskGiB", "out of range")
	case spec.Region != "":
		return bad("Region", "a GCP host's zone is Host.Zone")
	case spec.Preset != "":
		return bad("Preset", "Compute Engine has no presets (the machine type says it all)")
	case len(spec.SSHKeys) > 0:
		return bad("SSHKeys", "Compute Engine takes key material in metadata, not key names")
	case len(spec.FileSystems) > 0:
		return bad("FileSystems", "not supported by this adapter")
	}
	return nil
}

// instanceResource is the body of the instances.insert that recreates
// host's instance: a new boot disk from the image (deleted with the
// instance), the kept data disk (never deleted with it), the subnetwork
// and an external address if asked, and the ownership labels.
func instanceResource(host provider.Host, spec provider.LaunchSpec, labels map[string]string) *computepb.Instance {
	size := spec.BootDiskGiB
	if size == 0 {
		size = DefaultBootDiskGiB
	}
	ni := &computepb.NetworkInterface{}
	if spec.Network != "" {
		ni.Subnetwork = proto.String(spec.Network)
	}
	if spec.PublicIP {
		ni.AccessConfigs = []*computepb.AccessConfig{{Name: proto.String("External NAT"), Type: proto.String("ONE_TO_ONE_NAT")}}
	}
	return &computepb.Instance{
		Name:        proto.String(host.Instance),
		MachineType: proto.String("zones/" + host.Zone + "/machineTypes/" + spec.Flavor),
		Labels:      labels,
		Disks: []*computepb.AttachedDisk{
			{
				Boot: proto.Bool(true), AutoDelete: proto.Bool(true),
				InitializeParams: &computepb.AttachedDiskInitializeParams{SourceImage: proto.String(spec.Image), DiskSizeGb: proto.Int64(size)},
			},
			{
				Source:     proto.String(diskPath(host)),
				DeviceName: proto.String(host.Volume), AutoDelete: proto.Bool(false),
			},
		},
		NetworkInterfaces: []*computepb.NetworkInterface{ni},
	}
}

// diskPath is the relative path of host's data disk.
func diskPath(host provider.Host) string {
	return "projects/" + host.Project + "/zones/" + host.Zone + "/disks/" + host.Volume
}

// dataDisk returns the instance's attachment of host's data disk, or nil.
func dataDisk(inst *computepb.Instance, host provider.Host) *computepb.AttachedDisk {
	for _, d := range inst.GetDisks() {
		if strings.HasSuffix(d.GetSource(), "/zones/"+host.Zone+"/disks/"+host.Volume) {
			return d
		}
	}
	return nil
}

// hasLocalSSD reports whether the instance has Local SSDs (scratch disks).
func hasLocalSSD(inst *computepb.Instance) bool {
	for _, d := range inst.GetDisks() {
		if strings.EqualFold(d.GetType(), "SCRATCH") {
			return true
		}
	}
	return false
}

// usedBy reports whether disk is attached to host's instance (its users
// name the instance's path).
func usedBy(disk *computepb.Disk, host provider.Host) bool {
	for _, u := range disk.GetUsers() {
		if strings.HasSuffix(u, "/projects/"+host.Project+"/zones/"+host.Zone+"/instances/"+host.Instance) ||
			u == "projects/"+host.Project+"/zones/"+host.Zone+"/instances/"+host.Instance {
			return true
		}
	}
	return false
}
