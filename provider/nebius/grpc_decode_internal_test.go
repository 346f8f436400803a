package nebius

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

func md(id, parent string) *nebiuspb.ResourceMetadata {
	return &nebiuspb.ResourceMetadata{Id: id, ParentId: parent, Name: id + "-name"}
}

func nic(addr string) *nebiuspb.NetworkInterfaceStatus {
	return &nebiuspb.NetworkInterfaceStatus{PublicIpAddress: &nebiuspb.PublicIPAddressStatus{Address: addr}}
}

func TestInstanceFrom(t *testing.T) {
	for _, tt := range []struct {
		name        string
		in          *nebiuspb.Instance
		want        string
		parent      string
		out         Instance
		badResponse bool
	}{
		{"running with an address", &nebiuspb.Instance{Metadata: md("i-1", "p"), Status: &nebiuspb.InstanceStatus{
			State: nebiuspb.InstanceStatus_RUNNING, NetworkInterfaces: []*nebiuspb.NetworkInterfaceStatus{nic(""), nic("203.0.113.7/32"), nic("198.51.100.1/32")}}},
			"i-1", "", Instance{ID: "i-1", Name: "i-1-name", ParentID: "p", State: "RUNNING", PublicIP: "203.0.113.7"}, false},
		{"bare address", &nebiuspb.Instance{Metadata: md("i-1", "p"), Status: &nebiuspb.InstanceStatus{
			State: nebiuspb.InstanceStatus_STOPPED, NetworkInterfaces: []*nebiuspb.NetworkInterfaceStatus{nic("2001:db8::1")}}},
			"i-1", "", Instance{ID: "i-1", Name: "i-1-name", ParentID: "p", State: "STOPPED", PublicIP: "2001:db8::1"}, false},
		{"zero state", &nebiuspb.Instance{Metadata: md("i-1", "p"), Status: &nebiuspb.InstanceStatus{}},
			"i-1", "", Instance{ID: "i-1", Name: "i-1-name", ParentID: "p", State: "UNSPECIFIED"}, false},
		{"unknown state", &nebiuspb.Instance{Metadata: md("i-1", "p"), Status: &nebiuspb.InstanceStatus{State: 42}},
			"i-1", "", Instance{ID: "i-1", Name: "i-1-name", ParentID: "p", State: "UNKNOWN(42)"}, false},
		{"listed in its project", &nebiuspb.Instance{Metadata: md("i-2", "p"), Status: &nebiuspb.InstanceStatus{State: nebiuspb.InstanceStatus_ERROR}},
			"", "p", Instance{ID: "i-2", Name: "i-2-name", ParentID: "p", State: "ERROR"}, false},
		{"listed without parent_id", &nebiuspb.Instance{Metadata: md("i-2", ""), Status: &nebiuspb.InstanceStatus{}},
			"", "p", Instance{ID: "i-2", Name: "i-2-name", State: "UNSPECIFIED"}, false},
		{"no metadata", &nebiuspb.Instance{Status: &nebiuspb.InstanceStatus{}}, "i-1", "", Instance{}, true},
		{"no id", &nebiuspb.Instance{Metadata: md("", "p"), Status: &nebiuspb.InstanceStatus{}}, "", "", Instance{}, true},
		{"no status", &nebiuspb.Instance{Metadata: md("i-1", "p")}, "i-1", "", Instance{}, true},
		{"another instance", &nebiuspb.Instance{Metadata: md("i-9", "p"), Status: &nebiuspb.InstanceStatus{}}, "i-1", "", Instance{}, true},
		{"another project", &nebiuspb.Instance{Metadata: md("i-1", "q"), Status: &nebiuspb.InstanceStatus{}}, "", "p", Instance{}, true},
		{"bad address", &nebiuspb.Instance{Metadata: md("i-1", "p"), Status: &nebiuspb.InstanceStatus{
			NetworkInterfaces: []*nebiuspb.NetworkInterfaceStatus{nic("not-an-ip")}}}, "i-1", "", Instance{}, true},
		{"nil", nil, "i-1", "", Instance{}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := instanceFrom("InstanceService/Get", tt.want, tt.parent, tt.in)
			if tt.badResponse {
				if !errors.Is(err, provider.ErrBadResponse) {
					t.Fatalf("instanceFrom = %+v, %v; want ErrBadResponse", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.out, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiskFrom(t *testing.T) {
	for _, tt := range []struct {
		name        string
		d           *nebiuspb.Disk
		out         Disk
		badResponse bool
	}{
		{"attached", &nebiuspb.Disk{Metadata: md("d-1", "p"), Status: &nebiuspb.DiskStatus{State: nebiuspb.DiskStatus_READY, ReadWriteAttachment: "i-1"}},
			Disk{ID: "d-1", Name: "d-1-name", ParentID: "p", State: "READY", AttachedTo: "i-1"}, false},
		{"unknown state", &nebiuspb.Disk{Metadata: md("d-1", "p"), Status: &nebiuspb.DiskStatus{State: 7}},
			Disk{ID: "d-1", Name: "d-1-name", ParentID: "p", State: "UNKNOWN(7)"}, false},
		{"no status", &nebiuspb.Disk{Metadata: md("d-1", "p")}, Disk{}, true},
		{"another disk", &nebiuspb.Disk{Metadata: md("d-2", "p"), Status: &nebiuspb.DiskStatus{}}, Disk{}, true},
		{"no id", &nebiuspb.Disk{Status: &nebiuspb.DiskStatus{}}, Disk{}, true},
	} {
		got, err := diskFrom("DiskService/Get", "d-1", "", tt.d)
		if tt.badResponse != errors.Is(err, provider.ErrBadResponse) || (!tt.badResponse && err != nil) {
			t.Fatalf("%s: diskFrom = %+v, %v", tt.name, got, err)
		}
		if diff := cmp.Diff(tt.out, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestOperationFrom(t *testing.T) {
	for _, tt := range []struct {
		name string
		op   *nebiuspb.Operation
		ok   bool
	}{
		{"running", &nebiuspb.Operation{Id: "op-1", ResourceId: "i-1"}, true},
		{"no resource", &nebiuspb.Operation{Id: "op-1"}, true},
		{"no id", &nebiuspb.Operation{ResourceId: "i-1"}, false},
		{"nil", nil, false},
		{"another resource", &nebiuspb.Operation{Id: "op-1", ResourceId: "i-2"}, false},
	} {
		_, err := operationFrom("InstanceService/Stop", "i-1", tt.op)
		if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, provider.ErrBadResponse)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// withDetail is a status with one ServiceError detail.
func withDetail(t *testing.T, c codes.Code, se *nebiuspb.ServiceError) *status.Status {
	t.Helper()
	st, err := status.New(c, "msg").WithDetails(se)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStatusFailure(t *testing.T) {
	garbled := &spb.Status{Code: int32(codes.ResourceExhausted), Message: "x", Details: []*anypb.Any{{
		TypeUrl: "type.googleapis.com/nebius.common.v1.ServiceError", Value: []byte{0xff, 0xff, 0xff},
	}}}
	quota := &nebiuspb.ServiceError{Details: &nebiuspb.ServiceError_QuotaFailure{QuotaFailure: &nebiuspb.QuotaFailure{
		Violations: []*nebiuspb.QuotaFailure_Violation{{Quota: "q", Message: "m", Limit: "1", Requested: "2"}}}}}
	capacity := &nebiuspb.ServiceError{Details: &nebiuspb.ServiceError_NotEnoughResources{NotEnoughResources: &nebiuspb.NotEnoughResources{}}}
	rate := &nebiuspb.ServiceError{Details: &nebiuspb.ServiceError_TooManyRequests{TooManyRequests: &nebiuspb.TooManyRequests{}}, RetryType: nebiuspb.ServiceError_CALL}
	type view struct {
		Refusal          error
		Code             codes.Code
		Detail, Retry    string
		Auth, Unexpected bool
		Violations       []string
	}
	for _, tt := range []struct {
		name string
		st   *status.Status
		want view
	}{
		{"quota", withDetail(t, codes.ResourceExhausted, quota), view{Refusal: ErrQuota, Violations: []string{"q: m (limit 1, requested 2)"}}},
		{"capacity", withDetail(t, codes.ResourceExhausted, capacity), view{Refusal: ErrNotEnoughResources}},
		{"rate limit", withDetail(t, codes.ResourceExhausted, rate), view{Code: codes.ResourceExhausted, Detail: "too_many_requests", Retry: "CALL"}},
		{"rate limit without detail", status.New(codes.ResourceExhausted, "slow down"), view{Code: codes.ResourceExhausted}},
		{"garbled detail", status.FromProto(garbled), view{Code: codes.ResourceExhausted}},
		{"quota detail on another code", withDetail(t, codes.FailedPrecondition, quota), view{Code: codes.FailedPrecondition, Detail: "quota_failure", Retry: "UNSPECIFIED"}},
		{"unauthenticated", status.New(codes.Unauthenticated, "no"), view{Code: codes.Unauthenticated, Auth: true}},
		{"permission denied", status.New(codes.PermissionDenied, "no"), view{Code: codes.PermissionDenied, Auth: true}},
		{"invalid argument", status.New(codes.InvalidArgument, "no"), view{Code: codes.InvalidArgument, Unexpected: true}},
		{"data loss", status.New(codes.DataLoss, "no"), view{Code: codes.DataLoss, Unexpected: true}},
		{"not found", status.New(codes.NotFound, "no"), view{Code: codes.NotFound}},
	} {
		err := statusFailure("M", tt.st)
		var got view
		var re *RefusalError
		var se *StatusError
		switch {
		case errors.As(err, &re):
			got = view{Refusal: re.Reason, Violations: re.Violations}
			if _, ok := status.FromError(err); ok {
				t.Errorf("%s: a refusal exposes its status as a gRPC error", tt.name)
			}
		case errors.As(err, &se):
			got = view{Code: se.Code, Detail: se.Detail, Retry: se.RetryType, Auth: errors.Is(err, ErrAuth), Unexpected: errors.Is(err, ErrUnexpectedStatus)}
			if status.Code(err) != tt.st.Code() {
				t.Errorf("%s: status.Code = %s", tt.name, status.Code(err))
			}
		default:
			t.Fatalf("%s: %T %v", tt.name, err, err)
		}
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCut(t *testing.T) {
	long := string(make([]byte, 300))
	if got := cut(long); len(got) > 4*maxMessage+3 || got[len(got)-3:] != "..." {
		t.Errorf("cut of 300 bytes: %d bytes", len(got))
	}
	if got := cut("a\nb\x1b[31m"); got != `a\nb\x1b[31m` {
		t.Errorf("cut kept control characters: %q", got)
	}
}

func FuzzInstanceFrom(f *testing.F) {
	for _, m := range []proto.Message{
		&nebiuspb.Instance{Metadata: md("i-1", "p"), Status: &nebiuspb.InstanceStatus{State: 4, NetworkInterfaces: []*nebiuspb.NetworkInterfaceStatus{nic("203.0.113.7/32")}}},
		&nebiuspb.Instance{Metadata: md("i-1", "p")},
		&nebiuspb.Instance{Status: &nebiuspb.InstanceStatus{State: 99}},
	} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "i-1")
	}
	f.Fuzz(func(t *testing.T, b []byte, want string) {
		var in nebiuspb.Instance
		if proto.Unmarshal(b, &in) != nil {
			return
		}
		out, err := instanceFrom("InstanceService/Get", want, "", &in)
		if err != nil {
			if !errors.Is(err, provider.ErrBadResponse) {
				t.Fatalf("an untyped decode error: %v", err)
			}
			return
		}
		if out.ID == "" || out.State == "" || (want != "" && out.ID != want) {
			t.Fatalf("accepted %+v", out)
		}
	})
}

func FuzzDiskFrom(f *testing.F) {
	b, err := proto.Marshal(&nebiuspb.Disk{Metadata: md("d-1", "p"), Status: &nebiuspb.DiskStatus{State: 2, ReadWriteAttachment: "i-1"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, "p")
	f.Fuzz(func(t *testing.T, b []byte, parent string) {
		var d nebiuspb.Disk
		if proto.Unmarshal(b, &d) != nil {
			return
		}
		out, err := diskFrom("DiskService/List", "", parent, &d)
		if err != nil {
			if !errors.Is(err, provider.ErrBadResponse) {
				t.Fatalf("an untyped decode error: %v", err)
			}
			return
		}
		if out.ID == "" || out.State == "" {
			t.Fatalf("accepted %+v", out)
		}
	})
}

func FuzzStatusFailure(f *testing.F) {
	for _, se := range []*nebiuspb.ServiceError{
		{Details: &nebiuspb.ServiceError_QuotaFailure{QuotaFailure: &nebiuspb.QuotaFailure{Violations: []*nebiuspb.QuotaFailure_Violation{{Quota: "q"}}}}},
		{Details: &nebiuspb.ServiceError_TooManyRequests{TooManyRequests: &nebiuspb.TooManyRequests{}}, RetryType: 1},
	} {
		a, err := anypb.New(se)
		if err != nil {
			f.Fatal(err)
		}
		b, err := proto.Marshal(&spb.Status{Code: int32(codes.ResourceExhausted), Message: "m", Details: []*anypb.Any{a}})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p spb.Status
		if proto.Unmarshal(b, &p) != nil || p.GetCode() == 0 {
			return
		}
		err := statusFailure("M", status.FromProto(&p))
		var re *RefusalError
		var se *StatusError
		switch {
		case errors.As(err, &re):
			if p.GetCode() != int32(codes.ResourceExhausted) || (re.Reason != ErrQuota && re.Reason != ErrNotEnoughResources) {
				t.Fatalf("a refusal of code %d: %v", p.GetCode(), err)
			}
		case errors.As(err, &se):
			if int32(se.Code) != p.GetCode() {
				t.Fatalf("code %d became %s", p.GetCode(), se.Code)
			}
		default:
			t.Fatalf("untyped: %v", err)
		}
		_ = err.Error()
	})
}
