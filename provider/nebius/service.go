package nebius

import (
	"context"

	"google.golang.org/grpc/status"
)

// Instance is what the adapter reads of a compute/v1 Instance.
type Instance struct {
	// ID is metadata.id.
	ID string
	// Name is metadata.name.
	Name string
	// ParentID is metadata.parent_id, the project.
	ParentID string
	// State is status.state's enum name, e.g. "RUNNING".
	State string
	// PublicIP is the first network interface's public address without
	// its prefix length ("" if none).
	PublicIP string
	// Labels are metadata.labels: the ownership labels of an instance the
	// adapter created (provider.OwnershipLabels).
	Labels map[string]string
	// BootDisk is spec.boot_disk's existing disk id ("" when the answer
	// has none), which a reprovision replaces.
	BootDisk string
}

// Disk is what the adapter reads of a compute/v1 Disk.
type Disk struct {
	// ID is metadata.id.
	ID string
	// Name is metadata.name.
	Name string
	// ParentID is metadata.parent_id, the project.
	ParentID string
	// State is status.state's enum name, e.g. "READY".
	State string
	// AttachedTo is status.read_write_attachment, the instance holding it.
	AttachedTo string
	// ManagedBy is status.managed_by: the instance whose deletion deletes
	// this disk, "" for a disk that outlives every instance (what a data
	// disk must be).
	ManagedBy string
}

// ListRequest is a List call: ListInstancesRequest / ListDisksRequest.
type ListRequest struct {
	// ParentID is the project.
	ParentID string
	// PageSize is the most items a page may hold.
	PageSize int64
	// PageToken continues a listing; "" starts it.
	PageToken string
}

// InstancePage is a ListInstancesResponse.
type InstancePage struct {
	// Items are the page's instances.
	Items []Instance
	// NextPageToken continues the listing; "" on the last page.
	NextPageToken string
}

// DiskPage is a ListDisksResponse.
type DiskPage struct {
	// Items are the page's disks.
	Items []Disk
	// NextPageToken continues the listing; "" on the last page.
	NextPageToken string
}

// Operation is a Nebius operation, as gosdk's operations.Operation. The
// adapter polls it on its own clock instead of calling gosdk's Wait, which
// sleeps on the wall clock.
type Operation interface {
	// ID returns the operation id.
	ID() string
	// Done reports whether the operation finished.
	Done() bool
	// Status is the finished operation's status (nil while running); OK
	// means success.
	Status() *status.Status
	// Poll fetches the operation's current state from the server.
	Poll(ctx context.Context) error
	// ResourceID is the id of the resource the operation acts on: the new
	// resource's id for a Create.
	ResourceID() string
}

// CreateInstanceRequest is a CreateInstanceRequest: an instance named Name
// in project ParentID with the boot disk and data disk attached (both
// existing disks, so neither is managed by the instance: deleting it
// keeps them).
type CreateInstanceRequest struct {
	// ParentID is the project; Name the instance's name, unique in it.
	ParentID, Name string
	// Labels are metadata.labels.
	Labels map[string]string
	// Platform and Preset are spec.resources.
	Platform, Preset string
	// SubnetID is the network interface's subnet.
	SubnetID string
	// PublicIP asks for a public address on the interface.
	PublicIP bool
	// BootDiskID is spec.boot_disk, DataDiskID the one secondary disk,
	// attached read-write.
	BootDiskID, DataDiskID string
}

// CreateDiskRequest is a CreateDiskRequest of a boot disk: a NETWORK_SSD
// of SizeGiB made from the newest image of ImageFamily.
type CreateDiskRequest struct {
	// ParentID is the project; Name the disk's name, unique in it.
	ParentID, Name string
	// Labels are metadata.labels.
	Labels map[string]string
	// SizeGiB is spec.size_gibibytes.
	SizeGiB int64
	// ImageFamily is spec.source_image_family.image_family.
	ImageFamily string
}

// InstanceService is the shape of gosdk's compute/v1 InstanceService that
// the adapter uses. Errors are gRPC status errors, possibly wrapped.
type InstanceService interface {
	// Get reads one instance by id.
	Get(ctx context.Context, id string) (Instance, error)
	// GetByName reads the instance named name in project parentID.
	GetByName(ctx context.Context, parentID, name string) (Instance, error)
	// Create creates an instance.
	Create(ctx context.Context, req CreateInstanceRequest) (Operation, error)
	// List reads one page of a project's instances.
	List(ctx context.Context, req ListRequest) (InstancePage, error)
	// Start starts a stopped instance.
	Start(ctx context.Context, id string) (Operation, error)
	// Stop stops an instance; it keeps its disks.
	Stop(ctx context.Context, id string) (Operation, error)
	// Delete deletes an instance.
	Delete(ctx context.Context, id string) (Operation, error)
}

// DiskService is the shape of gosdk's compute/v1 DiskService that the
// adapter uses.
type DiskService interface {
	// Get reads one disk by id.
	Get(ctx context.Context, id string) (Disk, error)
	// List reads one page of a project's disks.
	List(ctx context.Context, req ListRequest) (DiskPage, error)
	// Create creates a (boot) disk.
	Create(ctx context.Context, req CreateDiskRequest) (Operation, error)
	// Delete deletes a disk.
	Delete(ctx context.Context, id string) (Operation, error)
}
