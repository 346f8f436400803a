package nebius

import (
	"context"

	"google.golang.org/grpc"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// Method names, as errors and log records say them (the gRPC method
// without its package).
const (
	methodInstanceGet    = "InstanceService/Get"
	methodInstanceList   = "InstanceService/List"
	methodInstanceStart  = "InstanceService/Start"
	methodInstanceStop   = "InstanceService/Stop"
	methodInstanceDelete = "InstanceService/Delete"
	methodDiskGet        = "DiskService/Get"
	methodDiskList       = "DiskService/List"
	methodDiskDelete     = "DiskService/Delete"
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
