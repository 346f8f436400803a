package nebiuspb_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// The wire bytes in these tests are built by hand from the upstream field
// numbers (nebius/api@51010021ae6bb0f46356745e1dbde2bd38f1d9cf), never from
// the generated code, so a wrong number in a .proto fails here even though
// the emulator, which shares the generated code, would agree with it.

// Upstream field numbers, read off the upstream .proto files.
const (
	// nebius/common/v1/metadata.proto ResourceMetadata
	mdID, mdParentID, mdName, mdResourceVersion, mdLabels = 1, 2, 3, 4, 7
	// nebius/compute/v1/instance.proto Instance, InstanceStatus
	instMetadata, instSpec, instStatus    = 1, 2, 3
	istState, istNICs, istReconciling     = 1, 2, 5
	istMaintenanceEventID, istReservation = 7, 12
	// nebius/compute/v1/network_interface.proto NetworkInterfaceStatus,
	// PublicIPAddressStatus
	nicIndex, nicName, nicIP, nicPublicIP  = 1, 2, 3, 4
	pubAddress, pubAllocationID, pubStatic = 1, 2, 3
	// nebius/compute/v1/disk.proto Disk, DiskStatus
	diskMetadata, diskSpec, diskStatus           = 1, 2, 3
	dstState, dstDescription, dstRWAttachment    = 1, 2, 3
	dstROAttachments, dstSizeBytes, dstManagedBy = 4, 6, 12
	// nebius/compute/v1/{instance,disk}_service.proto requests, responses
	listParentID, listPageSize, listPageToken = 1, 2, 3
	listItems, listNextPageToken              = 1, 2
	reqID                                     = 1
	// nebius/common/v1/operation.proto Operation
	opID, opDescription, opCreatedBy, opResourceID, opStatus = 1, 2, 4, 7, 10
	// google/rpc/status.proto Status, google/protobuf/any.proto Any
	stCode, stMessage, stDetails = 1, 2, 3
	anyTypeURL, anyValue         = 1, 2
	// nebius/common/v1/error.proto ServiceError
	seService, seCode, seRetryType = 1, 2, 30
	seTooManyRequests              = 140
	seQuotaFailure                 = 141
	seNotEnoughResources           = 142
)

// field is one encoded field.
type field []byte

// str, num and sub encode a string, a varint and a message field.
func str(n protowire.Number, s string) field {
	return protowire.AppendString(protowire.AppendTag(nil, n, protowire.BytesType), s)
}

func num(n protowire.Number, v uint64) field {
	return protowire.AppendVarint(protowire.AppendTag(nil, n, protowire.VarintType), v)
}

func sub(n protowire.Number, fields ...field) field {
	return protowire.AppendBytes(protowire.AppendTag(nil, n, protowire.BytesType), msg(fields...))
}

// msg concatenates fields into a message.
func msg(fields ...field) []byte {
	var b []byte
	for _, f := range fields {
		b = append(b, f...)
	}
	return b
}

func decode(t *testing.T, b []byte, m proto.Message) {
	t.Helper()
	if err := proto.Unmarshal(b, m); err != nil {
		t.Fatalf("Unmarshal %T: %v", m, err)
	}
}

func TestDecodeInstance(t *testing.T) {
	b := msg(
		sub(instMetadata,
			str(mdID, "computeinstance-e00a1"), str(mdParentID, "project-e00abc"), str(mdName, "host-1"),
			num(mdResourceVersion, 7), sub(mdLabels, str(1, "team"), str(2, "ml"))),
		sub(instSpec, str(1, "serviceaccount-x"), num(13, 1)), // not in the subset: skipped
		sub(instStatus,
			num(istState, 4),
			sub(istNICs, num(nicIndex, 0), str(nicName, "eth0"), sub(nicIP, str(1, "10.0.0.5/32"))),
			sub(istNICs, str(nicName, "eth1"), sub(nicPublicIP, str(pubAddress, "203.0.113.7/32"), str(pubAllocationID, "alloc-1"), num(pubStatic, 1))),
			num(istReconciling, 1), str(istMaintenanceEventID, "m-1"), str(istReservation, "r-1")),
	)
	var in nebiuspb.Instance
	decode(t, b, &in)
	type view struct {
		ID, ParentID, Name string
		State              nebiuspb.InstanceStatus_InstanceState
		PublicIPs          []string
	}
	got := view{ID: in.GetMetadata().GetId(), ParentID: in.GetMetadata().GetParentId(), Name: in.GetMetadata().GetName(), State: in.GetStatus().GetState()}
	for _, ni := range in.GetStatus().GetNetworkInterfaces() {
		got.PublicIPs = append(got.PublicIPs, ni.GetPublicIpAddress().GetAddress())
	}
	want := view{ID: "computeinstance-e00a1", ParentID: "project-e00abc", Name: "host-1", State: nebiuspb.InstanceStatus_RUNNING, PublicIPs: []string{"", "203.0.113.7/32"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded instance (-want +got):\n%s", diff)
	}
}

func TestDecodeDisk(t *testing.T) {
	b := msg(
		sub(diskMetadata, str(mdID, "computedisk-e00a1"), str(mdParentID, "project-e00abc"), str(mdName, "data")),
		sub(diskSpec, num(4, 100), num(6, 1)),
		sub(diskStatus,
			num(dstState, 2), str(dstDescription, "ok"), str(dstRWAttachment, "computeinstance-e00a1"),
			str(dstROAttachments, "computeinstance-e00b2"), num(dstSizeBytes, 1<<30), str(dstManagedBy, "computeinstance-e00a1")),
	)
	var d nebiuspb.Disk
	decode(t, b, &d)
	type view struct {
		ID, ParentID, Name, RW, ManagedBy string
		State                             nebiuspb.DiskStatus_State
	}
	got := view{d.GetMetadata().GetId(), d.GetMetadata().GetParentId(), d.GetMetadata().GetName(),
		d.GetStatus().GetReadWriteAttachment(), d.GetStatus().GetManagedBy(), d.GetStatus().GetState()}
	want := view{"computedisk-e00a1", "project-e00abc", "data", "computeinstance-e00a1", "computeinstance-e00a1", nebiuspb.DiskStatus_READY}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded disk (-want +got):\n%s", diff)
	}
}

func TestDecodeListResponses(t *testing.T) {
	var li nebiuspb.ListInstancesResponse
	decode(t, msg(sub(listItems, sub(instMetadata, str(mdID, "a"))), sub(listItems, sub(instMetadata, str(mdID, "b"))), str(listNextPageToken, "next")), &li)
	if len(li.GetItems()) != 2 || li.GetItems()[1].GetMetadata().GetId() != "b" || li.GetNextPageToken() != "next" {
		t.Errorf("ListInstancesResponse = %v", &li)
	}
	var ld nebiuspb.ListDisksResponse
	decode(t, msg(sub(listItems, sub(diskMetadata, str(mdID, "d"))), str(listNextPageToken, "t2")), &ld)
	if len(ld.GetItems()) != 1 || ld.GetItems()[0].GetMetadata().GetId() != "d" || ld.GetNextPageToken() != "t2" {
		t.Errorf("ListDisksResponse = %v", &ld)
	}
}

// serviceError is an encoded ServiceError with the given details field.
func serviceError(code string, retry uint64, details field) []byte {
	return msg(str(seService, "compute"), str(seCode, code), details, num(seRetryType, retry))
}

func TestDecodeOperationWithServiceError(t *testing.T) {
	se := serviceError("QuotaFailure", 3, sub(seQuotaFailure, sub(1, str(1, "compute.instance.gpu.h100"), str(2, "limit reached"), str(3, "8"), str(4, "16"))))
	b := msg(
		str(opID, "computeoperation-e00x"), str(opDescription, "stop"), str(opCreatedBy, "useraccount-1"),
		str(opResourceID, "computeinstance-e00a1"),
		sub(opStatus, num(stCode, 8), str(stMessage, "quota exceeded"),
			sub(stDetails, str(anyTypeURL, "type.googleapis.com/nebius.common.v1.ServiceError"), str(anyValue, string(se)))),
	)
	var op nebiuspb.Operation
	decode(t, b, &op)
	if op.GetId() != "computeoperation-e00x" || op.GetResourceId() != "computeinstance-e00a1" {
		t.Errorf("operation ids: %q %q", op.GetId(), op.GetResourceId())
	}
	st := op.GetStatus()
	if st.GetCode() != 8 || st.GetMessage() != "quota exceeded" || len(st.GetDetails()) != 1 {
		t.Fatalf("operation status = %v", st)
	}
	var got nebiuspb.ServiceError
	if err := st.GetDetails()[0].UnmarshalTo(&got); err != nil {
		t.Fatalf("the detail is not a ServiceError: %v", err)
	}
	v := got.GetQuotaFailure().GetViolations()
	if got.GetService() != "compute" || got.GetCode() != "QuotaFailure" || got.GetRetryType() != nebiuspb.ServiceError_NOTHING ||
		len(v) != 1 || v[0].GetQuota() != "compute.instance.gpu.h100" || v[0].GetLimit() != "8" || v[0].GetRequested() != "16" || v[0].GetMessage() != "limit reached" {
		t.Errorf("ServiceError = %v", &got)
	}
}

func TestServiceErrorDetailsCases(t *testing.T) {
	for _, tt := range []struct {
		number protowire.Number
		inner  []byte
		check  func(*nebiuspb.ServiceError) bool
	}{
		{100, msg(sub(1, str(1, "id"), str(2, "required"))), func(s *nebiuspb.ServiceError) bool {
			v := s.GetBadRequest().GetViolations()
			return len(v) == 1 && v[0].GetField() == "id" && v[0].GetMessage() == "required"
		}},
		{110, msg(str(1, "computedisk-1"), str(2, "attached")), func(s *nebiuspb.ServiceError) bool {
			return s.GetBadResourceState().GetResourceId() == "computedisk-1" && s.GetBadResourceState().GetMessage() == "attached"
		}},
		{111, msg(str(1, "computeinstance-1")), func(s *nebiuspb.ServiceError) bool {
			return s.GetResourceNotFound().GetResourceId() == "computeinstance-1"
		}},
		{112, msg(str(1, "x")), func(s *nebiuspb.ServiceError) bool { return s.GetResourceAlreadyExists().GetResourceId() == "x" }},
		{113, msg(str(1, "9"), str(2, "8")), func(s *nebiuspb.ServiceError) bool {
			return s.GetOutOfRange().GetRequested() == "9" && s.GetOutOfRange().GetLimit() == "8"
		}},
		{120, msg(str(1, "project-1")), func(s *nebiuspb.ServiceError) bool { return s.GetPermissionDenied().GetResourceId() == "project-1" }},
		{130, msg(str(1, "r"), str(2, "m")), func(s *nebiuspb.ServiceError) bool {
			return s.GetResourceConflict().GetResourceId() == "r" && s.GetResourceConflict().GetMessage() == "m"
		}},
		{131, msg(str(1, "op-1"), str(2, "op-2"), str(3, "r")), func(s *nebiuspb.ServiceError) bool {
			a := s.GetOperationAborted()
			return a.GetOperationId() == "op-1" && a.GetAbortedByOperationId() == "op-2" && a.GetResourceId() == "r"
		}},
		{132, msg(str(1, "op-3"), str(2, "r")), func(s *nebiuspb.ServiceError) bool {
			return s.GetOperationConflict().GetConflictingOperationId() == "op-3" && s.GetOperationConflict().GetResourceId() == "r"
		}},
		{seTooManyRequests, msg(str(1, "compute.reads")), func(s *nebiuspb.ServiceError) bool { return s.GetTooManyRequests().GetViolation() == "compute.reads" }},
		{seNotEnoughResources, msg(sub(1, str(1, "gpu-h100"), str(2, "none left"), str(3, "8"))), func(s *nebiuspb.ServiceError) bool {
			v := s.GetNotEnoughResources().GetViolations()
			return len(v) == 1 && v[0].GetResourceType() == "gpu-h100" && v[0].GetMessage() == "none left" && v[0].GetRequested() == "8"
		}},
		{999, msg(str(1, "req-1"), str(2, "trace-1")), func(s *nebiuspb.ServiceError) bool {
			return s.GetInternalError().GetRequestId() == "req-1" && s.GetInternalError().GetTraceId() == "trace-1"
		}},
	} {
		var se nebiuspb.ServiceError
		decode(t, serviceError("X", 1, str(tt.number, string(tt.inner))), &se)
		if !tt.check(&se) || se.GetRetryType() != nebiuspb.ServiceError_CALL || se.GetService() != "compute" || se.GetCode() != "X" {
			t.Errorf("details field %d decoded as %v", tt.number, &se)
		}
	}
}

// TestEncodeRequests checks what the client sends, byte for byte.
func TestEncodeRequests(t *testing.T) {
	for _, tt := range []struct {
		m    proto.Message
		want []byte
	}{
		{&nebiuspb.GetInstanceRequest{Id: "computeinstance-1"}, msg(str(reqID, "computeinstance-1"))},
		{&nebiuspb.StartInstanceRequest{Id: "i"}, msg(str(reqID, "i"))},
		{&nebiuspb.StopInstanceRequest{Id: "i"}, msg(str(reqID, "i"))},
		{&nebiuspb.DeleteInstanceRequest{Id: "i"}, msg(str(reqID, "i"))},
		{&nebiuspb.GetDiskRequest{Id: "d"}, msg(str(reqID, "d"))},
		{&nebiuspb.DeleteDiskRequest{Id: "d"}, msg(str(reqID, "d"))},
		{&nebiuspb.GetOperationRequest{Id: "op"}, msg(str(reqID, "op"))},
		{&nebiuspb.ListInstancesRequest{ParentId: "project-1", PageSize: 50, PageToken: "t"},
			msg(str(listParentID, "project-1"), num(listPageSize, 50), str(listPageToken, "t"))},
		{&nebiuspb.ListDisksRequest{ParentId: "project-1", PageSize: 1000, PageToken: "u"},
			msg(str(listParentID, "project-1"), num(listPageSize, 1000), str(listPageToken, "u"))},
	} {
		got, err := proto.MarshalOptions{Deterministic: true}.Marshal(tt.m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%T bytes (-want +got):\n%s", tt.m, diff)
		}
	}
}

// TestEnums pins every enum value to its upstream number.
func TestEnums(t *testing.T) {
	for _, tt := range []struct {
		enum protoreflect.EnumDescriptor
		want map[string]int32
	}{
		{nebiuspb.InstanceStatus_UNSPECIFIED.Descriptor(), map[string]int32{
			"UNSPECIFIED": 0, "CREATING": 1, "UPDATING": 2, "STARTING": 3, "RUNNING": 4, "STOPPING": 5, "STOPPED": 6, "DELETING": 7, "ERROR": 8}},
		{nebiuspb.DiskStatus_UNSPECIFIED.Descriptor(), map[string]int32{
			"UNSPECIFIED": 0, "CREATING": 1, "READY": 2, "UPDATING": 3, "DELETING": 4, "ERROR": 5, "BROKEN": 6}},
		{nebiuspb.ServiceError_UNSPECIFIED.Descriptor(), map[string]int32{"UNSPECIFIED": 0, "CALL": 1, "UNIT_OF_WORK": 2, "NOTHING": 3}},
	} {
		got := map[string]int32{}
		for i := range tt.enum.Values().Len() {
			v := tt.enum.Values().Get(i)
			got[string(v.Name())] = int32(v.Number())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.enum.FullName(), diff)
		}
	}
}

// TestNames pins the names that travel on the wire: message full names
// (ServiceError's is its Any type URL) and the gRPC method paths.
func TestNames(t *testing.T) {
	name := func(m proto.Message) string { return string(m.ProtoReflect().Descriptor().FullName()) }
	got := map[string]string{
		"ServiceError":     name(&nebiuspb.ServiceError{}),
		"Instance":         name(&nebiuspb.Instance{}),
		"Disk":             name(&nebiuspb.Disk{}),
		"Operation":        name(&nebiuspb.Operation{}),
		"Operation.status": string((&nebiuspb.Operation{}).ProtoReflect().Descriptor().Fields().ByName("status").Message().FullName()),
		"Instance.Get":     nebiuspb.InstanceService_Get_FullMethodName,
		"Instance.List":    nebiuspb.InstanceService_List_FullMethodName,
		"Instance.Start":   nebiuspb.InstanceService_Start_FullMethodName,
		"Instance.Stop":    nebiuspb.InstanceService_Stop_FullMethodName,
		"Instance.Delete":  nebiuspb.InstanceService_Delete_FullMethodName,
		"Disk.Get":         nebiuspb.DiskService_Get_FullMethodName,
		"Disk.List":        nebiuspb.DiskService_List_FullMethodName,
		"Disk.Delete":      nebiuspb.DiskService_Delete_FullMethodName,
		"Operation.Get":    nebiuspb.OperationService_Get_FullMethodName,
	}
	want := map[string]string{
		"ServiceError":     "nebius.common.v1.ServiceError",
		"Instance":         "nebius.compute.v1.Instance",
		"Disk":             "nebius.compute.v1.Disk",
		"Operation":        "nebius.common.v1.Operation",
		"Operation.status": "google.rpc.Status",
		"Instance.Get":     "/nebius.compute.v1.InstanceService/Get",
		"Instance.List":    "/nebius.compute.v1.InstanceService/List",
		"Instance.Start":   "/nebius.compute.v1.InstanceService/Start",
		"Instance.Stop":    "/nebius.compute.v1.InstanceService/Stop",
		"Instance.Delete":  "/nebius.compute.v1.InstanceService/Delete",
		"Disk.Get":         "/nebius.compute.v1.DiskService/Get",
		"Disk.List":        "/nebius.compute.v1.DiskService/List",
		"Disk.Delete":      "/nebius.compute.v1.DiskService/Delete",
		"Operation.Get":    "/nebius.common.v1.OperationService/Get",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}
