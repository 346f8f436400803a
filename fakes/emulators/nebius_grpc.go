package emulators

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// NebiusGRPC serves the Nebius compute API over real gRPC on a loopback
// TCP port: InstanceService (Get, List, Start, Stop, Delete), DiskService
// (Get, List, Delete) and OperationService.Get, the generated services of
// provider/nebius/nebiuspb. It is a translator in front of the in-process
// [Nebius] fake, so the two emulate one cloud the same way: every call
// counts on the cloud and draws its seeded faults, the fake's injected
// [GRPCFault]s apply, and failures carry Nebius's ServiceError detail.
//
// Every call must carry "authorization: Bearer <token>" with the token
// the emulator was made with; [NebiusGRPC.InjectWireFault] breaks the
// answers themselves. Operations it hands out stay readable for its whole
// life (tests are short). Close it when done. It is safe for concurrent
// use.
type NebiusGRPC struct {
	fake  *Nebius
	token string
	lis   net.Listener
	srv   *grpc.Server
	done  chan struct{}

	mu     sync.Mutex
	ops    map[string]nebiusGRPCOp
	faults []*NebiusWireFault
}

// nebiusGRPCOp is an operation the emulator handed out: the fake's
// operation and the resource it acts on.
type nebiusGRPCOp struct {
	op       nebius.Operation
	resource string
}

// NewNebiusGRPC starts the emulator on cloud, listening on 127.0.0.1 at a
// free port, answering only calls with token. opts go to grpc.NewServer
// (grpc.Creds to serve TLS, say); without any it serves plaintext, which a
// client allows with nebius.GRPCConfig.Insecure.
func NewNebiusGRPC(cloud *fakes.Cloud, token string, opts ...grpc.ServerOption) (*NebiusGRPC, error) {
	if token == "" {
		return nil, errors.New("emulators: the Nebius gRPC emulator needs a token to check")
	}
	codec, err := newAnswerCodec()
	if err != nil {
		return nil, err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("emulators: nebius grpc: %w", err)
	}
	e := &NebiusGRPC{
		fake: NewNebius(cloud), token: token, lis: lis, done: make(chan struct{}),
		ops: map[string]nebiusGRPCOp{},
	}
	e.srv = grpc.NewServer(append(slices.Clip(opts), grpc.ChainUnaryInterceptor(e.intercept), grpc.ForceServerCodecV2(codec))...)
	nebiuspb.RegisterInstanceServiceServer(e.srv, nebiusGRPCInstances{e: e})
	nebiuspb.RegisterDiskServiceServer(e.srv, nebiusGRPCDisks{e: e})
	nebiuspb.RegisterOperationServiceServer(e.srv, nebiusGRPCOperations{e: e})
	go func() {
		defer close(e.done)
		_ = e.srv.Serve(lis) // returns when Close stops the server
	}()
	return e, nil
}

// Addr is the host:port to dial, e.g. "127.0.0.1:40123".
func (e *NebiusGRPC) Addr() string { return e.lis.Addr().String() }

// Close stops the server, ending calls in flight; closing again does
// nothing.
func (e *NebiusGRPC) Close() {
	e.srv.Stop()
	<-e.done
}

// Fake is the in-process fake behind the emulator: its InjectFault adds
// status-code faults that the emulator sends on the wire.
func (e *NebiusGRPC) Fake() *Nebius { return e.fake }

// AddHost adds a host to the cloud, as [Nebius.AddHost].
func (e *NebiusGRPC) AddHost(h provider.Host, running bool) error { return e.fake.AddHost(h, running) }

// intercept checks the bearer token, then applies the first matching
// wire fault around the call.
func (e *NebiusGRPC) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := e.authorize(ctx); err != nil {
		return nil, err
	}
	method := info.FullMethod[strings.LastIndex(info.FullMethod, ".")+1:] // "InstanceService/Get"
	f := e.takeWireFault(method)
	if f == nil {
		return handler(ctx, req)
	}
	if err := f.fail(ctx); err != nil {
		return nil, err
	}
	resp, err := handler(ctx, req)
	if err != nil {
		return nil, err
	}
	if f.Kind == NebiusGarbled {
		return garbledAnswer{}, nil
	}
	f.corrupt(resp)
	return resp, nil
}

// authorize checks the call's bearer token in constant time.
func (e *NebiusGRPC) authorize(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get("authorization")
	if len(vals) == 0 {
		return status.Error(codes.Unauthenticated, "missing authorization header")
	}
	want := "Bearer " + e.token
	if len(vals) != 1 || subtle.ConstantTimeCompare([]byte(vals[0]), []byte(want)) != 1 {
		return status.Error(codes.Unauthenticated, "invalid IAM token")
	}
	return nil
}

// remember records an operation handed out, for OperationService.Get.
func (e *NebiusGRPC) remember(op nebius.Operation, resource string) *nebiuspb.Operation {
	e.mu.Lock()
	e.ops[op.ID()] = nebiusGRPCOp{op: op, resource: resource}
	e.mu.Unlock()
	return operationMessage(op, resource)
}

// operation returns a remembered operation.
func (e *NebiusGRPC) operation(id string) (nebiusGRPCOp, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	op, ok := e.ops[id]
	return op, ok
}

// wireError turns an error of the fake into the status Nebius sends:
// the fake's code and message, with the ServiceError detail Nebius adds
// for that code. resource is the id the call was about.
func wireError(err error, resource string) error {
	var gs interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &gs) {
		return withServiceError(status.New(codes.Internal, err.Error()), &nebiuspb.ServiceError{
			Service: "compute", Code: "InternalError",
			Details: &nebiuspb.ServiceError_InternalError{InternalError: &nebiuspb.InternalError{RequestId: "emulator"}},
		}).Err()
	}
	st := gs.GRPCStatus()
	se := &nebiuspb.ServiceError{Service: "compute"}
	switch st.Code() {
	case codes.NotFound:
		se.Code = "NotFound"
		se.Details = &nebiuspb.ServiceError_ResourceNotFound{ResourceNotFound: &nebiuspb.ResourceNotFound{ResourceId: resource}}
	case codes.FailedPrecondition:
		se.Code = "BadResourceState"
		se.Details = &nebiuspb.ServiceError_BadResourceState{BadResourceState: &nebiuspb.BadResourceState{ResourceId: resource, Message: st.Message()}}
	case codes.ResourceExhausted:
		se.Code = "TooManyRequests"
		se.Details = &nebiuspb.ServiceError_TooManyRequests{TooManyRequests: &nebiuspb.TooManyRequests{Violation: "emulator rate limit"}}
		se.RetryType = nebiuspb.ServiceError_CALL
	case codes.Internal:
		se.Code = "InternalError"
		se.Details = &nebiuspb.ServiceError_InternalError{InternalError: &nebiuspb.InternalError{RequestId: "emulator"}}
	case codes.InvalidArgument:
		se.Code = "BadRequest"
		se.Details = &nebiuspb.ServiceError_BadRequest{BadRequest: &nebiuspb.BadRequest{
			Violations: []*nebiuspb.BadRequest_Violation{{Field: "id", Message: st.Message()}},
		}}
	default:
		// Unavailable, DeadlineExceeded, Unimplemented...: what a proxy in
		// front of the API answers, with no detail.
		return st.Err()
	}
	return withServiceError(st, se).Err()
}

// withServiceError adds se to st's details, keeping those it has.
func withServiceError(st *status.Status, se *nebiuspb.ServiceError) *status.Status {
	if out, err := st.WithDetails(se); err == nil {
		return out
	}
	return st
}

// badRequest is Nebius's answer to a request missing a required field.
func badRequest(field, msg string) error {
	return withServiceError(status.New(codes.InvalidArgument, field+": "+msg), &nebiuspb.ServiceError{
		Service: "compute", Code: "BadRequest",
		Details: &nebiuspb.ServiceError_BadRequest{BadRequest: &nebiuspb.BadRequest{
			Violations: []*nebiuspb.BadRequest_Violation{{Field: field, Message: msg}},
		}},
		RetryType: nebiuspb.ServiceError_NOTHING,
	}).Err()
}

// unknownStateNumber is the enum number the emulator sends for a state
// the upstream enum does not have (tests set such states on the cloud):
// a client must read it as unknown.
const unknownStateNumber = 1000

// instanceMessage renders the fake's instance as Nebius sends it.
func instanceMessage(in nebius.Instance) *nebiuspb.Instance {
	state, ok := nebiuspb.InstanceStatus_InstanceState_value[in.State]
	if !ok && in.State != "" {
		state = unknownStateNumber
	}
	out := &nebiuspb.Instance{
		Metadata: &nebiuspb.ResourceMetadata{Id: in.ID, ParentId: in.ParentID, Name: in.Name, Labels: in.Labels},
		Status:   &nebiuspb.InstanceStatus{State: nebiuspb.InstanceStatus_InstanceState(state)},
	}
	if in.BootDisk != "" {
		out.Spec = &nebiuspb.InstanceSpec{BootDisk: &nebiuspb.AttachedDiskSpec{
			AttachMode: nebiuspb.AttachedDiskSpec_READ_WRITE,
			Type:       &nebiuspb.AttachedDiskSpec_ExistingDisk{ExistingDisk: &nebiuspb.ExistingDisk{Id: in.BootDisk}},
		}}
	}
	if in.PublicIP != "" {
		addr := in.PublicIP
		if a, err := netip.ParseAddr(addr); err == nil {
			addr = netip.PrefixFrom(a, a.BitLen()).String() // Nebius reports "203.0.113.7/32"
		}
		out.Status.NetworkInterfaces = []*nebiuspb.NetworkInterfaceStatus{{
			PublicIpAddress: &nebiuspb.PublicIPAddressStatus{Address: addr},
		}}
	}
	return out
}

// diskMessage renders the fake's disk as Nebius sends it. A host's data
// disk is managed by no instance (managed_by empty) unless the fake was
// told otherwise (Nebius.MarkManaged).
func diskMessage(d nebius.Disk) *nebiuspb.Disk {
	state, ok := nebiuspb.DiskStatus_State_value[d.State]
	if !ok && d.State != "" {
		state = unknownStateNumber
	}
	return &nebiuspb.Disk{
		Metadata: &nebiuspb.ResourceMetadata{Id: d.ID, ParentId: d.ParentID, Name: d.Name},
		Status:   &nebiuspb.DiskStatus{State: nebiuspb.DiskStatus_State(state), ReadWriteAttachment: d.AttachedTo, ManagedBy: d.ManagedBy},
	}
}

// operationMessage renders an operation: its status once done.
func operationMessage(op nebius.Operation, resource string) *nebiuspb.Operation {
	out := &nebiuspb.Operation{Id: op.ID(), ResourceId: resource}
	if st := op.Status(); st != nil {
		out.Status = st.Proto()
	}
	return out
}

// nebiusGRPCInstances serves nebius.compute.v1.InstanceService.
type nebiusGRPCInstances struct {
	nebiuspb.UnimplementedInstanceServiceServer
	e *NebiusGRPC
}

// Get implements nebiuspb.InstanceServiceServer.
func (s nebiusGRPCInstances) Get(ctx context.Context, req *nebiuspb.GetInstanceRequest) (*nebiuspb.Instance, error) {
	if req.GetId() == "" {
		return nil, badRequest("id", "required")
	}
	in, err := s.e.fake.Instances().Get(ctx, req.GetId())
	if err != nil {
		return nil, wireError(err, req.GetId())
	}
	return instanceMessage(in), nil
}

// GetByName implements nebiuspb.InstanceServiceServer.
func (s nebiusGRPCInstances) GetByName(ctx context.Context, req *nebiuspb.GetByNameRequest) (*nebiuspb.Instance, error) {
	if req.GetParentId() == "" || req.GetName() == "" {
		return nil, badRequest("name", "parent_id and name are required")
	}
	in, err := s.e.fake.Instances().GetByName(ctx, req.GetParentId(), req.GetName())
	if err != nil {
		return nil, wireError(err, req.GetName())
	}
	return instanceMessage(in), nil
}

// Create implements nebiuspb.InstanceServiceServer: the boot disk and one
// secondary disk, both existing disks.
func (s nebiusGRPCInstances) Create(ctx context.Context, req *nebiuspb.CreateInstanceRequest) (*nebiuspb.Operation, error) {
	spec := req.GetSpec()
	if len(spec.GetSecondaryDisks()) != 1 || len(spec.GetNetworkInterfaces()) != 1 {
		return nil, badRequest("spec", "emulator: one secondary disk and one network interface")
	}
	ni := spec.GetNetworkInterfaces()[0]
	op, err := s.e.fake.Instances().Create(ctx, nebius.CreateInstanceRequest{
		ParentID: req.GetMetadata().GetParentId(), Name: req.GetMetadata().GetName(), Labels: req.GetMetadata().GetLabels(),
		Platform: spec.GetResources().GetPlatform(), Preset: spec.GetResources().GetPreset(),
		SubnetID: ni.GetSubnetId(), PublicIP: ni.GetPublicIpAddress() != nil,
		BootDiskID: spec.GetBootDisk().GetExistingDisk().GetId(), DataDiskID: spec.GetSecondaryDisks()[0].GetExistingDisk().GetId(),
	})
	if err != nil {
		return nil, wireError(err, req.GetMetadata().GetName())
	}
	if op == nil {
		return nil, badRequest("spec", "emulator: no operation")
	}
	return s.e.remember(op, op.ResourceID()), nil
}

// List implements nebiuspb.InstanceServiceServer.
func (s nebiusGRPCInstances) List(ctx context.Context, req *nebiuspb.ListInstancesRequest) (*nebiuspb.ListInstancesResponse, error) {
	if err := checkList(req.GetParentId(), req.GetPageSize()); err != nil {
		return nil, err
	}
	page, err := s.e.fake.Instances().List(ctx, nebius.ListRequest{ParentID: req.GetParentId(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken()})
	if err != nil {
		return nil, wireError(err, req.GetParentId())
	}
	out := &nebiuspb.ListInstancesResponse{NextPageToken: page.NextPageToken}
	for _, in := range page.Items {
		out.Items = append(out.Items, instanceMessage(in))
	}
	return out, nil
}

// Start implements nebiuspb.InstanceServiceServer.
func (s nebiusGRPCInstances) Start(ctx context.Context, req *nebiuspb.StartInstanceRequest) (*nebiuspb.Operation, error) {
	return s.e.act(ctx, req.GetId(), s.e.fake.Instances().Start)
}

// Stop implements nebiuspb.InstanceServiceServer.
func (s nebiusGRPCInstances) Stop(ctx context.Context, req *nebiuspb.StopInstanceRequest) (*nebiuspb.Operation, error) {
	return s.e.act(ctx, req.GetId(), s.e.fake.Instances().Stop)
}

// Delete implements nebiuspb.InstanceServiceServer.
func (s nebiusGRPCInstances) Delete(ctx context.Context, req *nebiuspb.DeleteInstanceRequest) (*nebiuspb.Operation, error) {
	return s.e.act(ctx, req.GetId(), s.e.fake.Instances().Delete)
}

// act performs one mutating call of the fake on id.
func (e *NebiusGRPC) act(ctx context.Context, id string, call func(context.Context, string) (nebius.Operation, error)) (*nebiuspb.Operation, error) {
	if id == "" {
		return nil, badRequest("id", "required")
	}
	op, err := call(ctx, id)
	if err != nil {
		return nil, wireError(err, id)
	}
	return e.remember(op, id), nil
}

// checkList refuses what Nebius refuses in a listing request.
func checkList(parent string, pageSize int64) error {
	switch {
	case parent == "":
		return badRequest("parent_id", "required")
	case pageSize < 0:
		return badRequest("page_size", "must not be negative")
	}
	return nil
}

// nebiusGRPCDisks serves nebius.compute.v1.DiskService.
type nebiusGRPCDisks struct {
	nebiuspb.UnimplementedDiskServiceServer
	e *NebiusGRPC
}

// Get implements nebiuspb.DiskServiceServer.
func (s nebiusGRPCDisks) Get(ctx context.Context, req *nebiuspb.GetDiskRequest) (*nebiuspb.Disk, error) {
	if req.GetId() == "" {
		return nil, badRequest("id", "required")
	}
	d, err := s.e.fake.Disks().Get(ctx, req.GetId())
	if err != nil {
		return nil, wireError(err, req.GetId())
	}
	return diskMessage(d), nil
}

// List implements nebiuspb.DiskServiceServer.
func (s nebiusGRPCDisks) List(ctx context.Context, req *nebiuspb.ListDisksRequest) (*nebiuspb.ListDisksResponse, error) {
	if err := checkList(req.GetParentId(), req.GetPageSize()); err != nil {
		return nil, err
	}
	page, err := s.e.fake.Disks().List(ctx, nebius.ListRequest{ParentID: req.GetParentId(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken()})
	if err != nil {
		return nil, wireError(err, req.GetParentId())
	}
	out := &nebiuspb.ListDisksResponse{NextPageToken: page.NextPageToken}
	for _, d := range page.Items {
		out.Items = append(out.Items, diskMessage(d))
	}
	return out, nil
}

// Create implements nebiuspb.DiskServiceServer: a boot disk from an image
// family.
func (s nebiusGRPCDisks) Create(ctx context.Context, req *nebiuspb.CreateDiskRequest) (*nebiuspb.Operation, error) {
	op, err := s.e.fake.Disks().Create(ctx, nebius.CreateDiskRequest{
		ParentID: req.GetMetadata().GetParentId(), Name: req.GetMetadata().GetName(), Labels: req.GetMetadata().GetLabels(),
		SizeGiB: req.GetSpec().GetSizeGibibytes(), ImageFamily: req.GetSpec().GetSourceImageFamily().GetImageFamily(),
	})
	if err != nil {
		return nil, wireError(err, req.GetMetadata().GetName())
	}
	if op == nil {
		return nil, badRequest("spec", "emulator: no operation")
	}
	return s.e.remember(op, op.ResourceID()), nil
}

// Delete implements nebiuspb.DiskServiceServer.
func (s nebiusGRPCDisks) Delete(ctx context.Context, req *nebiuspb.DeleteDiskRequest) (*nebiuspb.Operation, error) {
	return s.e.act(ctx, req.GetId(), s.e.fake.Disks().Delete)
}

// nebiusGRPCOperations serves nebius.common.v1.OperationService.
type nebiusGRPCOperations struct {
	nebiuspb.UnimplementedOperationServiceServer
	e *NebiusGRPC
}

// Get implements nebiuspb.OperationServiceServer: one poll of the fake's
// operation (counted on the cloud while it runs).
func (s nebiusGRPCOperations) Get(ctx context.Context, req *nebiuspb.GetOperationRequest) (*nebiuspb.Operation, error) {
	if req.GetId() == "" {
		return nil, badRequest("id", "required")
	}
	op, ok := s.e.operation(req.GetId())
	if !ok {
		return nil, wireError(status.Error(codes.NotFound, "operation "+req.GetId()+" not found"), req.GetId())
	}
	if err := op.op.Poll(ctx); err != nil {
		return nil, wireError(err, req.GetId())
	}
	return operationMessage(op.op, op.resource), nil
}
