package emulators

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
)

// Nebius method names, as counted on the cloud and matched by faults.
const (
	NebiusInstanceGet    = "InstanceService/Get"
	NebiusInstanceList   = "InstanceService/List"
	NebiusInstanceStart  = "InstanceService/Start"
	NebiusInstanceStop   = "InstanceService/Stop"
	NebiusInstanceDelete = "InstanceService/Delete"
	NebiusDiskGet        = "DiskService/Get"
	NebiusDiskList       = "DiskService/List"
	NebiusDiskDelete     = "DiskService/Delete"
	NebiusOperationGet   = "OperationService/Get"
)

// Nebius page sizes: the default of a request without one, and the cap.
const (
	nebiusDefaultPageSize = 100
	nebiusMaxPageSize     = 1000
)

// GRPCFault is one injected failure of the Nebius fake.
type GRPCFault struct {
	// Method selects the calls it applies to (e.g. NebiusInstanceGet);
	// "" means every call.
	Method string
	// Code is the gRPC code the call fails with.
	Code codes.Code
	// Message is the status message; "" means "injected fault".
	Message string
	// RetryAfter adds a RetryInfo detail (with ResourceExhausted).
	RetryAfter time.Duration
	// Hang makes the call block until its context ends instead.
	Hang bool
	// Corrupt makes the call succeed with an answer the service would
	// never give instead: an instance or disk, or an item of a page,
	// without its id and state.
	Corrupt bool
	// Skip is how many matching calls pass untouched before the fault
	// applies (e.g. 1 breaks the second page of a listing).
	Skip int
	// Count is how many matching calls it applies to; 0 means every one
	// until ClearFaults.
	Count int
}

// Nebius is a fake of the nebius adapter's InstanceService and
// DiskService (what the gosdk shim provides) backed by a cloud: ids are
// the hosts' Instance and Volume, a project is their Project. Errors are
// gRPC status errors wrapped in context, as gosdk's are. It is safe for
// concurrent use.
type Nebius struct {
	cloud *fakes.Cloud
	// calls counts every call received, including operation polls.
	calls atomic.Int64

	mu     sync.Mutex
	faults []*GRPCFault
}

// NewNebius returns the fake on cloud.
func NewNebius(cloud *fakes.Cloud) *Nebius {
	return &Nebius{cloud: cloud}
}

// Requests returns how many calls the fake has received, however they
// were answered: a test of input validation checks that it did not move.
func (n *Nebius) Requests() int { return int(n.calls.Load()) }

// Instances returns the fake InstanceService.
func (n *Nebius) Instances() nebius.InstanceService { return nebiusInstances{n} }

// Disks returns the fake DiskService.
func (n *Nebius) Disks() nebius.DiskService { return nebiusDisks{n} }

// AddHost adds a nebius host to the cloud (see fakes.Cloud.AddHost);
// hosts added to the cloud directly are served alike.
func (n *Nebius) AddHost(h provider.Host, running bool) error {
	return n.cloud.AddHost(fakes.Nebius, h, running)
}

// InjectFault adds a failure; faults apply in the order they were added.
func (n *Nebius) InjectFault(f GRPCFault) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.faults = append(n.faults, &f)
}

// ClearFaults removes every injected failure.
func (n *Nebius) ClearFaults() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.faults = nil
}

// errCorrupt asks the caller of call to answer with a corrupt value.
var errCorrupt = errors.New("emulator: corrupt answer")

// call counts one call of method on the cloud and returns the failure it
// draws, from the injected faults first, then the cloud's; errCorrupt
// means the call must succeed with a corrupt answer.
func (n *Nebius) call(ctx context.Context, method string) error {
	n.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return wrapGRPC(method, status.FromContextError(err))
	}
	if f := n.takeFault(method); f != nil {
		if f.Corrupt {
			return errCorrupt
		}
		if f.Hang {
			<-ctx.Done()
			return wrapGRPC(method, status.FromContextError(ctx.Err()))
		}
		msg := f.Message
		if msg == "" {
			msg = "injected fault"
		}
		return wrapGRPC(method, withRetry(status.New(f.Code, msg), f.RetryAfter))
	}
	err := n.cloud.InjectFault(fakes.Nebius, method)
	var rl *provider.RateLimitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rl):
		return wrapGRPC(method, withRetry(status.New(codes.ResourceExhausted, "rate limit exceeded"), rl.RetryAfter))
	case errors.Is(err, context.DeadlineExceeded):
		return wrapGRPC(method, status.New(codes.DeadlineExceeded, "deadline exceeded"))
	}
	return wrapGRPC(method, status.New(codes.Unavailable, "service unavailable"))
}

// takeFault returns the first fault matching method, counting it down.
func (n *Nebius) takeFault(method string) *GRPCFault {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, f := range n.faults {
		if f.Method != "" && f.Method != method {
			continue
		}
		if f.Skip > 0 {
			f.Skip--
			continue
		}
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				n.faults = append(n.faults[:i:i], n.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

// withRetry adds a RetryInfo detail to st when d is positive.
func withRetry(st *status.Status, d time.Duration) *status.Status {
	if d <= 0 {
		return st
	}
	if withDetail, err := st.WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(d)}); err == nil {
		return withDetail
	}
	return st
}

// wrapGRPC wraps a status error in context, as gosdk's errors are.
func wrapGRPC(method string, st *status.Status) error {
	return fmt.Errorf("emulator: nebius %s: %w", method, st.Err())
}

// actError turns a refusal of the cloud into the gRPC error Nebius gives.
func actError(method string, err error) error {
	code := codes.InvalidArgument
	switch {
	case errors.Is(err, provider.ErrNotFound):
		code = codes.NotFound
	case errors.Is(err, provider.ErrConflict):
		code = codes.FailedPrecondition
	case errors.Is(err, provider.ErrUnsupported):
		code = codes.Unimplemented
	}
	return wrapGRPC(method, status.New(code, err.Error()))
}

// perform does a on instance, the call already counted.
func (n *Nebius) perform(ctx context.Context, method, instance string, a fakes.RawAction) (nebius.Operation, error) {
	id, err := n.cloud.Act(ctx, fakes.Nebius, instance, a)
	if err != nil {
		return nil, actError(method, err)
	}
	op := &nebiusOp{n: n, id: id}
	op.refresh()
	return op, nil
}

// nebiusOp is an operation of the fake, read from the cloud on Poll.
type nebiusOp struct {
	n  *Nebius
	id string

	mu sync.Mutex
	st *status.Status
}

// ID implements nebius.Operation.
func (o *nebiusOp) ID() string { return o.id }

// Done implements nebius.Operation.
func (o *nebiusOp) Done() bool { return o.Status() != nil }

// Status implements nebius.Operation.
func (o *nebiusOp) Status() *status.Status {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.st
}

// Poll implements nebius.Operation: one OperationService/Get.
func (o *nebiusOp) Poll(ctx context.Context) error {
	if o.Done() {
		return nil
	}
	if err := o.n.call(ctx, NebiusOperationGet); err != nil && !errors.Is(err, errCorrupt) {
		return fmt.Errorf("can't get operation: %w", err)
	}
	o.refresh()
	return nil
}

// refresh reads the operation's state from the cloud.
func (o *nebiusOp) refresh() {
	done, opErr, _ := o.n.cloud.Operation(fakes.Nebius, o.id)
	if !done {
		return
	}
	st := status.New(codes.OK, "")
	if opErr != nil {
		st = status.New(codes.Internal, opErr.Error())
	}
	o.mu.Lock()
	o.st = st
	o.mu.Unlock()
}

// pageAfter returns up to size items whose keys follow token, and the
// next token.
func pageAfter[T any](items []T, key func(T) string, token string, size int64) ([]T, string) {
	if size <= 0 {
		size = nebiusDefaultPageSize
	}
	size = min(size, nebiusMaxPageSize)
	start, _ := slices.BinarySearchFunc(items, token, func(it T, t string) int { return strings.Compare(key(it), t) })
	end := min(start+int(size), len(items))
	if end < len(items) {
		return items[start:end], key(items[end])
	}
	return items[start:end], ""
}

// nebiusInstances is the fake InstanceService.
type nebiusInstances struct{ n *Nebius }

// instanceOf renders a raw VM: its id is the cloud's VM id, its name the
// host's Instance.
func instanceOf(vm fakes.RawVM) nebius.Instance {
	return nebius.Instance{ID: vm.ID, Name: vm.Instance, ParentID: vm.Project, State: vm.Status, PublicIP: vm.Address, Labels: vm.Labels}
}

// byID returns the VM whose instance id is id.
func (n *Nebius) byID(id string) (fakes.RawVM, bool) { return n.cloud.RawVMByID(fakes.Nebius, id) }

// actOn counts one call of method and performs a on the instance with id.
func (n *Nebius) actOn(ctx context.Context, method, id string, a fakes.RawAction) (nebius.Operation, error) {
	if err := n.call(ctx, method); errors.Is(err, errCorrupt) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	vm, ok := n.byID(id)
	if !ok {
		return nil, wrapGRPC(method, status.New(codes.NotFound, "instance "+id+" not found"))
	}
	return n.perform(ctx, method, vm.Instance, a)
}

// Get implements nebius.InstanceService.
func (s nebiusInstances) Get(ctx context.Context, id string) (nebius.Instance, error) {
	if err := s.n.call(ctx, NebiusInstanceGet); errors.Is(err, errCorrupt) {
		return nebius.Instance{Name: id}, nil
	} else if err != nil {
		return nebius.Instance{}, err
	}
	vm, ok := s.n.byID(id)
	if !ok {
		return nebius.Instance{}, wrapGRPC(NebiusInstanceGet, status.New(codes.NotFound, "instance "+id+" not found"))
	}
	return instanceOf(vm), nil
}

// List implements nebius.InstanceService.
func (s nebiusInstances) List(ctx context.Context, req nebius.ListRequest) (nebius.InstancePage, error) {
	corrupt := false
	if err := s.n.call(ctx, NebiusInstanceList); errors.Is(err, errCorrupt) {
		corrupt = true
	} else if err != nil {
		return nebius.InstancePage{}, err
	}
	var vms []fakes.RawVM
	for _, vm := range s.n.cloud.RawVMs(fakes.Nebius, "") {
		if vm.Project == req.ParentID && !s.n.cloud.DropListEntry(fakes.Nebius) {
			vms = append(vms, vm)
		}
	}
	slices.SortFunc(vms, func(a, b fakes.RawVM) int { return strings.Compare(a.ID, b.ID) })
	page, next := pageAfter(vms, func(vm fakes.RawVM) string { return vm.ID }, req.PageToken, req.PageSize)
	out := nebius.InstancePage{NextPageToken: next}
	for _, vm := range page {
		out.Items = append(out.Items, instanceOf(vm))
	}
	if corrupt {
		out.Items = append(out.Items, nebius.Instance{Name: "corrupt"})
	}
	return out, nil
}

// Start implements nebius.InstanceService.
func (s nebiusInstances) Start(ctx context.Context, id string) (nebius.Operation, error) {
	return s.n.actOn(ctx, NebiusInstanceStart, id, fakes.RawStart)
}

// Stop implements nebius.InstanceService.
func (s nebiusInstances) Stop(ctx context.Context, id string) (nebius.Operation, error) {
	return s.n.actOn(ctx, NebiusInstanceStop, id, fakes.RawStop)
}

// Delete implements nebius.InstanceService: the instance goes, its data
// disk (not managed by the instance) stays.
func (s nebiusInstances) Delete(ctx context.Context, id string) (nebius.Operation, error) {
	return s.n.actOn(ctx, NebiusInstanceDelete, id, fakes.RawDeleteVM)
}

// nebiusDisks is the fake DiskService.
type nebiusDisks struct{ n *Nebius }

func (s nebiusDisks) diskOf(v fakes.RawVolume) nebius.Disk {
	return nebius.Disk{ID: v.Volume, Name: v.Volume, ParentID: v.Project, State: v.Status, AttachedTo: v.AttachedVMID}
}

// Get implements nebius.DiskService.
func (s nebiusDisks) Get(ctx context.Context, id string) (nebius.Disk, error) {
	if err := s.n.call(ctx, NebiusDiskGet); errors.Is(err, errCorrupt) {
		return nebius.Disk{Name: id}, nil
	} else if err != nil {
		return nebius.Disk{}, err
	}
	v, ok := s.n.cloud.RawVolume(fakes.Nebius, id)
	if !ok {
		return nebius.Disk{}, wrapGRPC(NebiusDiskGet, status.New(codes.NotFound, "disk "+id+" not found"))
	}
	return s.diskOf(v), nil
}

// List implements nebius.DiskService.
func (s nebiusDisks) List(ctx context.Context, req nebius.ListRequest) (nebius.DiskPage, error) {
	corrupt := false
	if err := s.n.call(ctx, NebiusDiskList); errors.Is(err, errCorrupt) {
		corrupt = true
	} else if err != nil {
		return nebius.DiskPage{}, err
	}
	var vols []fakes.RawVolume
	for _, v := range s.n.cloud.RawVolumes(fakes.Nebius, "") {
		if v.Project == req.ParentID && !s.n.cloud.DropListEntry(fakes.Nebius) {
			vols = append(vols, v)
		}
	}
	page, next := pageAfter(vols, func(v fakes.RawVolume) string { return v.Volume }, req.PageToken, req.PageSize)
	out := nebius.DiskPage{NextPageToken: next}
	for _, v := range page {
		out.Items = append(out.Items, s.diskOf(v))
	}
	if corrupt {
		out.Items = append(out.Items, nebius.Disk{Name: "corrupt"})
	}
	return out, nil
}

// Delete implements nebius.DiskService: refused while the disk is attached.
func (s nebiusDisks) Delete(ctx context.Context, id string) (nebius.Operation, error) {
	if err := s.n.call(ctx, NebiusDiskDelete); errors.Is(err, errCorrupt) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	v, ok := s.n.cloud.RawVolume(fakes.Nebius, id)
	if !ok {
		return nil, wrapGRPC(NebiusDiskDelete, status.New(codes.NotFound, "disk "+id+" not found"))
	}
	opID, err := s.n.cloud.Act(ctx, fakes.Nebius, v.Instance, fakes.RawDeleteVolume)
	switch {
	case errors.Is(err, provider.ErrConflict):
		return nil, wrapGRPC(NebiusDiskDelete, status.New(codes.FailedPrecondition, "disk "+id+" is attached to instance "+v.Instance))
	case err != nil:
		return nil, actError(NebiusDiskDelete, err)
	}
	op := &nebiusOp{n: s.n, id: opID}
	op.refresh()
	return op, nil
}
