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
	NebiusDiskCreate     = "DiskService/Create"
	NebiusInstanceCreate = "InstanceService/Create"
	NebiusInstanceByName = "InstanceService/GetByName"
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
	// Abort lets a mutating call succeed but its operation end ABORTED, as
	// when a later operation on the instance (a console stop during our
	// start) overtakes it: the action itself happens.
	Abort bool
}

// Nebius is a fake of the nebius adapter's InstanceService and
// DiskService (what the gosdk shim provides) backed by a cloud: instance
// ids are the cloud's VM ids (a host added with a computeinstance- id
// keeps it for its first instance) and names the hosts' Instance, disk ids
// the hosts' Volume, a project is their Project. Boot disks that Create
// makes are the fake's own. Errors are gRPC status errors wrapped in
// context, as gosdk's are. It is safe for concurrent use.
type Nebius struct {
	cloud *fakes.Cloud
	// calls counts every call received, including operation polls.
	calls atomic.Int64

	mu     sync.Mutex
	faults []*GRPCFault
	// boot are the boot disks Create made, by id; bootOf the boot disk of
	// each instance it created, by instance id; managed the data disks
	// marked managed by an instance (MarkManaged).
	boot     map[string]nebius.Disk
	bootOf   map[string]string
	managed  map[string]string
	nextDisk int
}

// NewNebius returns the fake on cloud.
func NewNebius(cloud *fakes.Cloud) *Nebius {
	return &Nebius{cloud: cloud, boot: map[string]nebius.Disk{}, bootOf: map[string]string{}, managed: map[string]string{}}
}

// MarkManaged makes the data disk volume managed by instance (its
// status.managed_by): deleting that instance would delete the disk, so a
// reprovision must refuse.
func (n *Nebius) MarkManaged(volume, instance string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.managed[volume] = instance
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

// errCorrupt asks the caller of call to answer with a corrupt value;
// errAbort to act and end the operation ABORTED.
var (
	errCorrupt = errors.New("emulator: corrupt answer")
	errAbort   = errors.New("emulator: aborted operation")
)

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
		if f.Abort {
			return errAbort
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

// perform does a on instance, the call already counted; abort ends its
// operation ABORTED.
func (n *Nebius) perform(ctx context.Context, method, instance string, a fakes.RawAction, abort bool) (nebius.Operation, error) {
	id, err := n.cloud.Act(ctx, fakes.Nebius, instance, a)
	if err != nil {
		return nil, actError(method, err)
	}
	vm, _ := n.cloud.RawVM(fakes.Nebius, instance)
	op := &nebiusOp{n: n, id: id, resource: vm.ID, aborted: abort}
	op.refresh()
	return op, nil
}

// nebiusOp is an operation of the fake, read from the cloud on Poll.
type nebiusOp struct {
	n        *Nebius
	id       string
	resource string
	aborted  bool

	mu sync.Mutex
	st *status.Status
}

// ID implements nebius.Operation.
func (o *nebiusOp) ID() string { return o.id }

// ResourceID implements nebius.Operation.
func (o *nebiusOp) ResourceID() string { return o.resource }

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
	switch {
	case o.aborted:
		st = status.New(codes.Aborted, "operation aborted by a subsequent operation")
	case opErr != nil:
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
func (n *Nebius) instanceOf(vm fakes.RawVM) nebius.Instance {
	n.mu.Lock()
	boot := n.bootOf[vm.ID]
	n.mu.Unlock()
	return nebius.Instance{ID: vm.ID, Name: vm.Instance, ParentID: vm.Project, State: vm.Status, PublicIP: vm.Address, Labels: vm.Labels, BootDisk: boot}
}

// byID returns the VM whose instance id is id.
func (n *Nebius) byID(id string) (fakes.RawVM, bool) { return n.cloud.RawVMByID(fakes.Nebius, id) }

// actOn counts one call of method and performs a on the instance with id.
func (n *Nebius) actOn(ctx context.Context, method, id string, a fakes.RawAction) (nebius.Operation, error) {
	err := n.call(ctx, method)
	switch {
	case errors.Is(err, errCorrupt):
		return nil, nil
	case err != nil && !errors.Is(err, errAbort):
		return nil, err
	}
	vm, ok := n.byID(id)
	if !ok {
		return nil, wrapGRPC(method, status.New(codes.NotFound, "instance "+id+" not found"))
	}
	return n.perform(ctx, method, vm.Instance, a, errors.Is(err, errAbort))
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
	return s.n.instanceOf(vm), nil
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
		out.Items = append(out.Items, s.n.instanceOf(vm))
	}
	if corrupt {
		out.Items = append(out.Items, nebius.Instance{Name: "corrupt"})
	}
	return out, nil
}

// GetByName implements nebius.InstanceService.
func (s nebiusInstances) GetByName(ctx context.Context, parentID, name string) (nebius.Instance, error) {
	if err := s.n.call(ctx, NebiusInstanceByName); errors.Is(err, errCorrupt) {
		return nebius.Instance{Name: name}, nil
	} else if err != nil {
		return nebius.Instance{}, err
	}
	vm, ok := s.n.cloud.RawVM(fakes.Nebius, name)
	if !ok || vm.Project != parentID {
		return nebius.Instance{}, wrapGRPC(NebiusInstanceByName, status.New(codes.NotFound, "instance named "+name+" not found in "+parentID))
	}
	return s.n.instanceOf(vm), nil
}

// Create implements nebius.InstanceService: an instance around the host's
// data disk (the one named by its Volume) and a boot disk Create made;
// refused (ALREADY_EXISTS) while an instance of the name exists.
func (s nebiusInstances) Create(ctx context.Context, req nebius.CreateInstanceRequest) (nebius.Operation, error) {
	err := s.n.call(ctx, NebiusInstanceCreate)
	switch {
	case errors.Is(err, errCorrupt):
		return nil, nil
	case err != nil && !errors.Is(err, errAbort):
		return nil, err
	}
	bad := func(msg string) error { return wrapGRPC(NebiusInstanceCreate, status.New(codes.InvalidArgument, msg)) }
	switch {
	case req.ParentID == "" || req.Name == "" || req.Platform == "" || req.Preset == "" || req.SubnetID == "":
		return nil, bad("metadata.parent_id, metadata.name, spec.resources and spec.network_interfaces are required")
	case req.BootDiskID == "" || req.DataDiskID == "":
		return nil, bad("spec.boot_disk and the data disk are required")
	}
	if _, exists := s.n.cloud.RawVM(fakes.Nebius, req.Name); exists {
		return nil, wrapGRPC(NebiusInstanceCreate, status.New(codes.AlreadyExists, "instance named "+req.Name+" already exists"))
	}
	if d, ok := s.n.bootDisk(req.BootDiskID); !ok || d.ParentID != req.ParentID {
		return nil, wrapGRPC(NebiusInstanceCreate, status.New(codes.NotFound, "disk "+req.BootDiskID+" not found"))
	}
	v, ok := s.n.cloud.RawVolume(fakes.Nebius, req.DataDiskID)
	if !ok || v.Instance != req.Name || v.Project != req.ParentID {
		return nil, bad("emulator: the data disk must be the host's")
	}
	id, cerr := s.n.cloud.CreateVM(ctx, fakes.Nebius, req.Name, req.Labels)
	if cerr != nil {
		return nil, actError(NebiusInstanceCreate, cerr)
	}
	vm, _ := s.n.cloud.RawVM(fakes.Nebius, req.Name)
	s.n.mu.Lock()
	s.n.bootOf[vm.ID] = req.BootDiskID
	s.n.mu.Unlock()
	op := &nebiusOp{n: s.n, id: id, resource: vm.ID, aborted: errors.Is(err, errAbort)}
	op.refresh()
	return op, nil
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
	s.n.mu.Lock()
	managed := s.n.managed[v.Volume]
	s.n.mu.Unlock()
	return nebius.Disk{ID: v.Volume, Name: v.Volume, ParentID: v.Project, State: v.Status, AttachedTo: v.AttachedVMID, ManagedBy: managed}
}

// bootDisk returns the boot disk with id, if Create made it.
func (n *Nebius) bootDisk(id string) (nebius.Disk, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	d, ok := n.boot[id]
	return d, ok
}

// bootDisks returns the boot disks Create made in project parent, each
// attached to the instance created with it while that instance lives.
func (n *Nebius) bootDisks(parent string) []nebius.Disk {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []nebius.Disk
	for _, d := range n.boot {
		if d.ParentID != parent {
			continue
		}
		for vmID, b := range n.bootOf {
			if _, live := n.cloud.RawVMByID(fakes.Nebius, vmID); live && b == d.ID {
				d.AttachedTo = vmID
			}
		}
		out = append(out, d)
	}
	return out
}

// Create implements nebius.DiskService: a boot disk, READY at once.
func (s nebiusDisks) Create(ctx context.Context, req nebius.CreateDiskRequest) (nebius.Operation, error) {
	if err := s.n.call(ctx, NebiusDiskCreate); errors.Is(err, errCorrupt) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if req.ParentID == "" || req.Name == "" || req.ImageFamily == "" || req.SizeGiB <= 0 {
		return nil, wrapGRPC(NebiusDiskCreate, status.New(codes.InvalidArgument, "metadata.parent_id, metadata.name, spec.size and spec.source_image_family are required"))
	}
	s.n.mu.Lock()
	defer s.n.mu.Unlock()
	for _, d := range s.n.boot {
		if d.ParentID == req.ParentID && d.Name == req.Name {
			return nil, wrapGRPC(NebiusDiskCreate, status.New(codes.AlreadyExists, "disk named "+req.Name+" already exists"))
		}
	}
	s.n.nextDisk++
	id := fmt.Sprintf("computedisk-boot%06d", s.n.nextDisk)
	s.n.boot[id] = nebius.Disk{ID: id, Name: req.Name, ParentID: req.ParentID, State: "READY"}
	op := &nebiusOp{n: s.n, id: "operation-" + id, resource: id, st: status.New(codes.OK, "")}
	return op, nil
}

// Get implements nebius.DiskService.
func (s nebiusDisks) Get(ctx context.Context, id string) (nebius.Disk, error) {
	if err := s.n.call(ctx, NebiusDiskGet); errors.Is(err, errCorrupt) {
		return nebius.Disk{Name: id}, nil
	} else if err != nil {
		return nebius.Disk{}, err
	}
	if d, ok := s.n.bootDisk(id); ok {
		return d, nil
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
	// Every disk of the project, data and boot disks alike, by id.
	var disks []nebius.Disk
	for _, v := range s.n.cloud.RawVolumes(fakes.Nebius, "") {
		if v.Project == req.ParentID {
			disks = append(disks, s.diskOf(v))
		}
	}
	disks = append(disks, s.n.bootDisks(req.ParentID)...)
	slices.SortFunc(disks, func(a, b nebius.Disk) int { return strings.Compare(a.ID, b.ID) })
	disks = slices.DeleteFunc(disks, func(nebius.Disk) bool { return s.n.cloud.DropListEntry(fakes.Nebius) })
	page, next := pageAfter(disks, func(d nebius.Disk) string { return d.ID }, req.PageToken, req.PageSize)
	out := nebius.DiskPage{Items: page, NextPageToken: next}
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
	if _, ok := s.n.bootDisk(id); ok {
		s.n.mu.Lock()
		defer s.n.mu.Unlock()
		for vmID, b := range s.n.bootOf {
			if _, live := s.n.cloud.RawVMByID(fakes.Nebius, vmID); live && b == id {
				return nil, wrapGRPC(NebiusDiskDelete, status.New(codes.FailedPrecondition, "disk "+id+" is attached to instance "+vmID))
			}
		}
		delete(s.n.boot, id)
		return &nebiusOp{n: s.n, id: "operation-delete-" + id, resource: id, st: status.New(codes.OK, "")}, nil
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
