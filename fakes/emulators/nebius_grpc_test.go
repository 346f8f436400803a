package emulators_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

const nebiusToken = "emulator-iam-token"

// nebiusWire is a raw gRPC client of the emulator, to see exactly what it
// sends.
type nebiusWire struct {
	emu       *emulators.NebiusGRPC
	cloud     *fakes.Cloud
	instances nebiuspb.InstanceServiceClient
	disks     nebiuspb.DiskServiceClient
	ops       nebiuspb.OperationServiceClient
	host      provider.Host
}

func newNebiusWire(t *testing.T) *nebiusWire {
	t.Helper()
	cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
	emu, err := emulators.NewNebiusGRPC(cloud, nebiusToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	host := provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}
	if err := emu.AddHost(host, true); err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(emu.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &nebiusWire{
		emu: emu, cloud: cloud, host: host,
		instances: nebiuspb.NewInstanceServiceClient(conn),
		disks:     nebiuspb.NewDiskServiceClient(conn),
		ops:       nebiuspb.NewOperationServiceClient(conn),
	}
}

// authed is a context carrying the emulator's token.
func authed() context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+nebiusToken)
}

// serviceErrorOf returns the ServiceError detail of err's status.
func serviceErrorOf(t *testing.T, err error) *nebiuspb.ServiceError {
	t.Helper()
	for _, d := range status.Convert(err).Proto().GetDetails() {
		var se nebiuspb.ServiceError
		if d.UnmarshalTo(&se) == nil {
			return &se
		}
	}
	return nil
}

func TestNebiusGRPCAnswers(t *testing.T) {
	w := newNebiusWire(t)
	in, err := w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: w.host.Instance})
	if err != nil {
		t.Fatal(err)
	}
	want := &nebiuspb.Instance{
		Metadata: &nebiuspb.ResourceMetadata{Id: w.host.Instance, ParentId: w.host.Project, Name: w.host.Instance,
			Labels: map[string]string{provider.ManagedLabel: "true"}},
		Status: &nebiuspb.InstanceStatus{State: nebiuspb.InstanceStatus_RUNNING, NetworkInterfaces: []*nebiuspb.NetworkInterfaceStatus{
			{PublicIpAddress: &nebiuspb.PublicIPAddressStatus{Address: "10.0.0.1/32"}},
		}},
	}
	if diff := cmp.Diff(want, in, protocmp.Transform()); diff != "" {
		t.Errorf("Get instance (-want +got):\n%s", diff)
	}
	d, err := w.disks.Get(authed(), &nebiuspb.GetDiskRequest{Id: w.host.Volume})
	if err != nil {
		t.Fatal(err)
	}
	wantDisk := &nebiuspb.Disk{
		Metadata: &nebiuspb.ResourceMetadata{Id: w.host.Volume, ParentId: w.host.Project, Name: w.host.Volume},
		Status:   &nebiuspb.DiskStatus{State: nebiuspb.DiskStatus_READY, ReadWriteAttachment: w.host.Instance},
	}
	if diff := cmp.Diff(wantDisk, d, protocmp.Transform()); diff != "" {
		t.Errorf("Get disk (-want +got):\n%s", diff)
	}

	op, err := w.instances.Stop(authed(), &nebiuspb.StopInstanceRequest{Id: w.host.Instance})
	if err != nil {
		t.Fatal(err)
	}
	if op.GetId() == "" || op.GetResourceId() != w.host.Instance || op.GetStatus() == nil {
		t.Errorf("Stop operation (zero durations, so done at once): %v", op)
	}
	again, err := w.ops.Get(authed(), &nebiuspb.GetOperationRequest{Id: op.GetId()})
	if err != nil || again.GetId() != op.GetId() || again.GetStatus().GetCode() != int32(codes.OK) {
		t.Errorf("OperationService.Get = %v, %v", again, err)
	}
}

func TestNebiusGRPCErrorsCarryServiceError(t *testing.T) {
	w := newNebiusWire(t)
	_, err := w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: "computeinstance-none"})
	if se := serviceErrorOf(t, err); status.Code(err) != codes.NotFound || se.GetResourceNotFound().GetResourceId() != "computeinstance-none" {
		t.Errorf("not found: %v, detail %v", err, se)
	}
	_, err = w.ops.Get(authed(), &nebiuspb.GetOperationRequest{Id: "operation-none"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("an unknown operation: %v", err)
	}
	_, err = w.instances.List(authed(), &nebiuspb.ListInstancesRequest{})
	if se := serviceErrorOf(t, err); status.Code(err) != codes.InvalidArgument || se.GetBadRequest().GetViolations()[0].GetField() != "parent_id" {
		t.Errorf("a listing without parent_id: %v, detail %v", err, se)
	}
	if _, err := w.disks.Delete(authed(), &nebiuspb.DeleteDiskRequest{Id: w.host.Volume}); status.Code(err) != codes.FailedPrecondition ||
		serviceErrorOf(t, err).GetBadResourceState().GetResourceId() != w.host.Volume {
		t.Errorf("deleting an attached disk: %v", err)
	}

	for _, tt := range []struct {
		kind   emulators.NebiusWireFaultKind
		code   codes.Code
		detail string
	}{
		{emulators.NebiusTooManyRequests, codes.ResourceExhausted, "too_many_requests"},
		{emulators.NebiusQuotaFailure, codes.ResourceExhausted, "quota_failure"},
		{emulators.NebiusNotEnoughResources, codes.ResourceExhausted, "not_enough_resources"},
		{emulators.NebiusPermissionDenied, codes.PermissionDenied, "permission_denied"},
		{emulators.NebiusUnavailable, codes.Unavailable, ""},
	} {
		w.emu.InjectWireFault(emulators.NebiusWireFault{Kind: tt.kind, Method: emulators.NebiusInstanceStart, Count: 1})
		_, err := w.instances.Start(authed(), &nebiuspb.StartInstanceRequest{Id: w.host.Instance})
		detail := ""
		if se := serviceErrorOf(t, err); se != nil {
			m := se.ProtoReflect()
			if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("details")); fd != nil {
				detail = string(fd.Name())
			}
		}
		if status.Code(err) != tt.code || detail != tt.detail {
			t.Errorf("fault %d: %v (detail %q), want %s (%q)", tt.kind, err, detail, tt.code, tt.detail)
		}
	}
	if n := w.cloud.Calls(fakes.Nebius)[emulators.NebiusInstanceStart]; n != 0 {
		t.Errorf("wire faults reached the cloud: %d starts", n)
	}
}

func TestNebiusGRPCAuth(t *testing.T) {
	w := newNebiusWire(t)
	for name, ctx := range map[string]context.Context{
		"none":  context.Background(),
		"wrong": metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer nope"),
		"bare":  metadata.AppendToOutgoingContext(context.Background(), "authorization", nebiusToken),
		"twice": metadata.AppendToOutgoingContext(authed(), "authorization", "Bearer "+nebiusToken),
	} {
		if _, err := w.disks.Get(ctx, &nebiuspb.GetDiskRequest{Id: w.host.Volume}); status.Code(err) != codes.Unauthenticated {
			t.Errorf("%s: %v, want Unauthenticated", name, err)
		}
	}
	if n := w.cloud.Calls(fakes.Nebius).Total(); n != 0 {
		t.Errorf("unauthenticated calls counted: %d", n)
	}
	if _, err := emulators.NewNebiusGRPC(fakes.NewCloud(nil, 1), ""); err == nil {
		t.Error("an emulator without a token")
	}
}

func TestNebiusGRPCSlowWaitsForTheDeadline(t *testing.T) {
	w := newNebiusWire(t)
	w.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusSlow, Count: 1})
	ctx, cancel := context.WithTimeout(authed(), 50*time.Millisecond)
	defer cancel()
	if _, err := w.instances.Get(ctx, &nebiuspb.GetInstanceRequest{Id: w.host.Instance}); status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("a slow call: %v, want DeadlineExceeded", err)
	}
	w.emu.Close()
	if _, err := w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: w.host.Instance}); status.Code(err) != codes.Unavailable {
		t.Errorf("a call after Close: %v, want Unavailable", err)
	}
}

func TestNebiusGRPCCorruptAnswers(t *testing.T) {
	w := newNebiusWire(t)
	w.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusNoStatus, Method: emulators.NebiusDiskList, Count: 1})
	page, err := w.disks.List(authed(), &nebiuspb.ListDisksRequest{ParentId: w.host.Project})
	if err != nil || len(page.GetItems()) != 1 || page.GetItems()[0].GetStatus() != nil {
		t.Errorf("a listing without status: %v, %v", page, err)
	}
	w.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusUnknownState, Method: emulators.NebiusInstanceGet, Count: 1})
	in, err := w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: w.host.Instance})
	if err != nil || in.GetStatus().GetState() != 1000 {
		t.Errorf("an unknown state: %v, %v", in, err)
	}
	w.emu.InjectWireFault(emulators.NebiusWireFault{Kind: emulators.NebiusGarbled, Method: emulators.NebiusInstanceGet, Count: 1})
	if _, err := w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: w.host.Instance}); status.Code(err) != codes.Internal {
		t.Errorf("a garbled answer: %v, want the client's Internal decode failure", err)
	}
	in, err = w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: w.host.Instance})
	if err != nil || in.GetStatus().GetState() != nebiuspb.InstanceStatus_RUNNING {
		t.Errorf("the fault outlived its count: %v, %v", in, err)
	}
}
