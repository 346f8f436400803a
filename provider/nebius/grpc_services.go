package nebius

import (
	"context"

	"google.golang.org/grpc"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// Method names, as errors and log records say them (the gRPC method
// without its package).
const (
	methodInstanceGetByName = "InstanceService/GetByName"
	methodInstanceCreate    = "InstanceService/Create"
	methodDiskCreate        = "DiskService/Create"
	methodInstanceGet       = "InstanceService/Get"
	methodInstanceList      = "InstanceService/List"
	methodInstanceStart     = "InstanceService/Start"
	methodInstanceStop      = "InstanceService/Stop"
	methodInstanceDelete    = "InstanceService/Delete"
	methodDiskGet           = "DiskService/Get"
	methodDiskList          = "DiskService/List"
	methodDiskDelete        = "DiskService/Delete"
)

// grpcInstances is InstanceService over nebius.compute.v1.InstanceService.
type grpcInstances struct{ c *Client }

var _ InstanceService = grpcInstances{}

// Get implements InstanceService.
func (s grpcInstances) Get(ctx context.Context, id string) (Instance, error) {
	in, err := invoke(ctx, s.c, methodInstanceGet, s.c.instances.Get, &nebiuspb.GetInstanceRequest{Id: id})
	if err != nil {
		return Instance{}, err
	}
	return instanceFrom(methodInstanceGet, id, "", in)
}

// GetByName implements InstanceService.
func (s grpcInstances) GetByName(ctx context.Context, parentID, name string) (Instance, error) {
	in, err := invoke(ctx, s.c, methodInstanceGetByName, s.c.instances.GetByName, &nebiuspb.GetByNameRequest{ParentId: parentID, Name: name})
	if err != nil {
		return Instance{}, err
	}
	out, err := instanceFrom(methodInstanceGetByName, "", parentID, in)
	if err == nil && out.Name != name {
		err = badResponse(methodInstanceGetByName, "answer about instance named %q, asked for %q", cut(out.Name), cut(name))
	}
	return out, err
}

// Create implements InstanceService: the boot and data disks attach as
// existing disks, read-write, so the instance manages neither.
func (s grpcInstances) Create(ctx context.Context, req CreateInstanceRequest) (Operation, error) {
	ni := &nebiuspb.NetworkInterfaceSpec{SubnetId: req.SubnetID, Name: "eth0", IpAddress: &nebiuspb.IPAddress{}}
	if req.PublicIP {
		ni.PublicIpAddress = &nebiuspb.PublicIPAddress{}
	}
	attach := func(id string) *nebiuspb.AttachedDiskSpec {
		return &nebiuspb.AttachedDiskSpec{
			AttachMode: nebiuspb.AttachedDiskSpec_READ_WRITE,
			Type:       &nebiuspb.AttachedDiskSpec_ExistingDisk{ExistingDisk: &nebiuspb.ExistingDisk{Id: id}},
		}
	}
	return startOperation(ctx, s.c, methodInstanceCreate, "", s.c.instances.Create, &nebiuspb.CreateInstanceRequest{
		Metadata: &nebiuspb.ResourceMetadata{ParentId: req.ParentID, Name: req.Name, Labels: req.Labels},
		Spec: &nebiuspb.InstanceSpec{
			Resources:         &nebiuspb.ResourcesSpec{Platform: req.Platform, Size: &nebiuspb.ResourcesSpec_Preset{Preset: req.Preset}},
			NetworkInterfaces: []*nebiuspb.NetworkInterfaceSpec{ni},
			BootDisk:          attach(req.BootDiskID),
			SecondaryDisks:    []*nebiuspb.AttachedDiskSpec{attach(req.DataDiskID)},
		},
	})
}

// List implements InstanceService.
func (s grpcInstances) List(ctx context.Context, req ListRequest) (InstancePage, error) {
	resp, err := invoke(ctx, s.c, methodInstanceList, s.c.instances.List,
		&nebiuspb.ListInstancesRequest{ParentId: req.ParentID, PageSize: req.PageSize, PageToken: req.PageToken})
	if err != nil {
		return InstancePage{}, err
	}
	page := InstancePage{NextPageToken: resp.GetNextPageToken()}
	if page.NextPageToken != "" && page.NextPageToken == req.PageToken {
		// The same token again would list the same page forever.
		return InstancePage{}, badResponse(methodInstanceList, "next_page_token repeats the request's")
	}
	for _, item := range resp.GetItems() {
		in, err := instanceFrom(methodInstanceList, "", req.ParentID, item)
		if err != nil {
			return InstancePage{}, err
		}
		page.Items = append(page.Items, in)
	}
	return page, nil
}

// Start implements InstanceService.
func (s grpcInstances) Start(ctx context.Context, id string) (Operation, error) {
	return startOperation(ctx, s.c, methodInstanceStart, id, s.c.instances.Start, &nebiuspb.StartInstanceRequest{Id: id})
}

// Stop implements InstanceService.
func (s grpcInstances) Stop(ctx context.Context, id string) (Operation, error) {
	return startOperation(ctx, s.c, methodInstanceStop, id, s.c.instances.Stop, &nebiuspb.StopInstanceRequest{Id: id})
}

// Delete implements InstanceService. Nebius deletes the instance's managed
// disks with it; a data disk must not be one (DiskStatus.managed_by).
func (s grpcInstances) Delete(ctx context.Context, id string) (Operation, error) {
	return startOperation(ctx, s.c, methodInstanceDelete, id, s.c.instances.Delete, &nebiuspb.DeleteInstanceRequest{Id: id})
}

// grpcDisks is DiskService over nebius.compute.v1.DiskService.
type grpcDisks struct{ c *Client }

var _ DiskService = grpcDisks{}

// Get implements DiskService.
func (s grpcDisks) Get(ctx context.Context, id string) (Disk, error) {
	d, err := invoke(ctx, s.c, methodDiskGet, s.c.disks.Get, &nebiuspb.GetDiskRequest{Id: id})
	if err != nil {
		return Disk{}, err
	}
	return diskFrom(methodDiskGet, id, "", d)
}

// List implements DiskService.
func (s grpcDisks) List(ctx context.Context, req ListRequest) (DiskPage, error) {
	resp, err := invoke(ctx, s.c, methodDiskList, s.c.disks.List,
		&nebiuspb.ListDisksRequest{ParentId: req.ParentID, PageSize: req.PageSize, PageToken: req.PageToken})
	if err != nil {
		return DiskPage{}, err
	}
	page := DiskPage{NextPageToken: resp.GetNextPageToken()}
	if page.NextPageToken != "" && page.NextPageToken == req.PageToken {
		return DiskPage{}, badResponse(methodDiskList, "next_page_token repeats the request's")
	}
	for _, item := range resp.GetItems() {
		d, err := diskFrom(methodDiskList, "", req.ParentID, item)
		if err != nil {
			return DiskPage{}, err
		}
		page.Items = append(page.Items, d)
	}
	return page, nil
}

// Create implements DiskService: a NETWORK_SSD boot disk from an image
// family.
func (s grpcDisks) Create(ctx context.Context, req CreateDiskRequest) (Operation, error) {
	return startOperation(ctx, s.c, methodDiskCreate, "", s.c.disks.Create, &nebiuspb.CreateDiskRequest{
		Metadata: &nebiuspb.ResourceMetadata{ParentId: req.ParentID, Name: req.Name, Labels: req.Labels},
		Spec: &nebiuspb.DiskSpec{
			Size:   &nebiuspb.DiskSpec_SizeGibibytes{SizeGibibytes: req.SizeGiB},
			Type:   nebiuspb.DiskSpec_NETWORK_SSD,
			Source: &nebiuspb.DiskSpec_SourceImageFamily{SourceImageFamily: &nebiuspb.SourceImageFamily{ImageFamily: req.ImageFamily}},
		},
	})
}

// Delete implements DiskService.
func (s grpcDisks) Delete(ctx context.Context, id string) (Operation, error) {
	return startOperation(ctx, s.c, methodDiskDelete, id, s.c.disks.Delete, &nebiuspb.DeleteDiskRequest{Id: id})
}

// operation makes a mutating call on resource and wraps the operation it
// returns.
func startOperation[Req any](ctx context.Context, c *Client, method, resource string, rpc func(context.Context, Req, ...grpc.CallOption) (*nebiuspb.Operation, error), req Req) (Operation, error) {
	op, err := invoke(ctx, c, method, rpc, req)
	if err != nil {
		return nil, err
	}
	if op, err = operationFrom(method, resource, op); err != nil {
		return nil, err
	}
	return &grpcOperation{c: c, resource: resource, op: op}, nil
}
