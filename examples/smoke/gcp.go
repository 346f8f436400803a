package main

import (
	"context"
	"fmt"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/smoke"
)

// gcpDiskGiB is the size of the data disk a GCP run creates.
const gcpDiskGiB = 10

// gcpTarget is a GCP host named PREFIX-gcp whose data disk PREFIX-gcp-data
// the run creates (the adapter never creates disks); the plan's first
// start then creates the instance around it (a reprovision). It uses
// Application Default Credentials.
func gcpTarget(ctx context.Context, prefix string, getenv func(string) string) (smoke.Target, func()) {
	project, zone := getenv("GCP_PROJECT"), getenv("GCP_ZONE")
	if project == "" || zone == "" {
		return smoke.Target{Name: gcp.Name, Skip: "missing settings: set GCP_PROJECT and GCP_ZONE (credentials: Application Default Credentials)"}, func() {}
	}
	labels := map[string]string{"smoke": prefix}
	spec := provider.LaunchSpec{Flavor: orDefault(getenv("GCP_MACHINE_TYPE"), "e2-small"),
		Image: orDefault(getenv("GCP_IMAGE"), "projects/debian-cloud/global/images/family/debian-12"), PublicIP: true}
	p, err := gcp.New(ctx, gcp.Config{LaunchSpec: provider.FixedLaunch(spec), Labels: labels})
	if err != nil {
		return smoke.Target{Name: gcp.Name, Skip: fmt.Sprintf("missing credentials: %v", err)}, func() {}
	}
	disks, err := compute.NewDisksRESTClient(ctx)
	if err != nil {
		_ = p.Close()
		return smoke.Target{Name: gcp.Name, Skip: fmt.Sprintf("missing credentials: %v", err)}, func() {}
	}
	host := provider.Host{Project: project, Zone: zone, Instance: prefix + "-gcp", Volume: prefix + "-gcp-data", Labels: labels}
	create := func(ctx context.Context) error {
		diskLabels := provider.OwnershipLabels(host)
		op, err := disks.Insert(ctx, &computepb.InsertDiskRequest{Project: project, Zone: zone, DiskResource: &computepb.Disk{
			Name: proto.String(host.Volume), SizeGb: proto.Int64(gcpDiskGiB), Labels: diskLabels,
		}})
		if err != nil {
			return fmt.Errorf("gcp: insert disk %s: %w", host.Volume, err)
		}
		if err := op.Wait(ctx); err != nil {
			return fmt.Errorf("gcp: insert disk %s: %w", host.Volume, err)
		}
		return nil
	}
	closeAll := func() {
		_ = disks.Close()
		_ = p.Close()
	}
	return smoke.Target{Provider: p, Host: host, Create: create, Inspector: probeInspector{p}}, closeAll
}
