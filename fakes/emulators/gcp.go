package emulators

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// gcpMaxResults is Compute Engine's page size cap and default.
const gcpMaxResults = 500

// gcpFilterTerm is one term of the label filters the emulator understands:
// (labels.KEY = "VALUE").
var gcpFilterTerm = regexp.MustCompile(`^\(labels\.([a-z][-_a-z0-9]{0,62}) = "([-_a-z0-9]{0,63})"\)`)

// gcpOp is what the emulator remembers of an operation it returned; done
// is set for operations the emulator finishes at once (setDiskAutoDelete).
type gcpOp struct {
	project, zone, kind, target string
	done                        bool
}

// gcpEmu holds the Compute Engine emulator's own state: the operations it
// returned, the requestIds it has seen (Compute Engine performs a request
// once per requestId and answers a repeat with the same operation), and
// which instances have their data disk set to be deleted with them.
type gcpEmu struct {
	*Server
	mu         sync.Mutex
	ops        map[string]gcpOp
	requests   map[string]string // requestId → operation name
	autoDelete map[string]bool   // instance id → data disk autoDelete
}

// NewGCP starts an emulator of the Compute Engine REST API (compute/v1) on
// cloud: instances get, insert, start, resume, stop, reset, delete and
// setDiskAutoDelete (a data disk goes with its instance only when set so;
// by default it does not), disks get and delete (refused while an
// instance uses the disk), aggregated instance and disk lists (filter on
// labels, maxResults, pageToken, and fields: a partial response with only
// the selected fields) and zone operations get, which the SDK's
// operation polling uses. Mutating calls honour requestId: a repeat
// answers the first call's operation and does nothing. A stop of an
// instance with Local SSDs (fakes.Cloud.SetLocalSSD) must set
// discardLocalSsd; only a SUSPENDED instance resumes, and it does not
// start. Rate limits answer 403 rateLimitExceeded, as Compute Engine's
// usually do. Point the SDK at it with option.WithEndpoint(s.URL()) and
// option.WithoutAuthentication().
func NewGCP(cloud *fakes.Cloud) *Server {
	e := &gcpEmu{ops: map[string]gcpOp{}, requests: map[string]string{}, autoDelete: map[string]bool{}}
	e.Server = newServer(cloud, fakes.GCP, "", renderGCPError, nil, func(s *Server) {
		e.Server = s
		const base = "/compute/v1/projects/{project}"
		s.rateLimit = func(w http.ResponseWriter, status int, message string) {
			status = cmpOr(status, http.StatusForbidden)
			writeJSONStatus(w, status, map[string]any{"error": map[string]any{
				"code": status, "message": message,
				"errors": []map[string]string{{"message": message, "domain": "usageLimits", "reason": "rateLimitExceeded"}},
			}})
		}
		s.mux.HandleFunc("GET "+base+"/zones/{zone}/instances/{instance}", e.getInstance)
		s.mux.HandleFunc("POST "+base+"/zones/{zone}/instances", e.insertInstance)
		s.mux.HandleFunc("DELETE "+base+"/zones/{zone}/instances/{instance}", e.instanceAction("instances.delete", "delete", fakes.RawDeleteVM))
		s.mux.HandleFunc("POST "+base+"/zones/{zone}/instances/{instance}/start", e.instanceAction("instances.start", "start", fakes.RawStart))
		s.mux.HandleFunc("POST "+base+"/zones/{zone}/instances/{instance}/resume", e.instanceAction("instances.resume", "resume", fakes.RawResume))
		s.mux.HandleFunc("POST "+base+"/zones/{zone}/instances/{instance}/stop", e.instanceAction("instances.stop", "stop", fakes.RawStop))
		s.mux.HandleFunc("POST "+base+"/zones/{zone}/instances/{instance}/reset", e.instanceAction("instances.reset", "reset", fakes.RawReboot))
		s.mux.HandleFunc("POST "+base+"/zones/{zone}/instances/{instance}/setDiskAutoDelete", e.setDiskAutoDelete)
		s.mux.HandleFunc("GET "+base+"/zones/{zone}/disks/{disk}", e.getDisk)
		s.mux.HandleFunc("DELETE "+base+"/zones/{zone}/disks/{disk}", e.deleteDisk)
		s.mux.HandleFunc("GET "+base+"/aggregated/instances", e.listInstances)
		s.mux.HandleFunc("GET "+base+"/aggregated/disks", e.listDisks)
		s.mux.HandleFunc("GET "+base+"/zones/{zone}/operations/{operation}", e.getOperation)
	})
	return e.Server
}

// renderGCPError writes Google's JSON error envelope.
func renderGCPError(w http.ResponseWriter, status int, message string) {
	renderGCPReason(w, status, message, gcpReason(status))
}

// renderGCPReason writes Google's error envelope with a reason.
func renderGCPReason(w http.ResponseWriter, status int, message, reason string) {
	writeJSONStatus(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": message,
		"errors": []map[string]string{{"message": message, "domain": "global", "reason": reason}},
	}})
}

// gcpReason is the usual reason of a status.
func gcpReason(status int) string {
	switch status {
	case http.StatusNotFound:
		return "notFound"
	case http.StatusTooManyRequests:
		return "rateLimitExceeded"
	case http.StatusUnauthorized:
		return "required"
	case http.StatusBadRequest:
		return "invalid"
	case http.StatusForbidden:
		return "forbidden"
	}
	return "backendError"
}

// writeProto writes a protojson answer, camelCase as the REST API.
func writeProto(w http.ResponseWriter, m proto.Message) {
	b, err := protojson.Marshal(m)
	if err != nil {
		renderGCPError(w, http.StatusInternalServerError, "emulator: encode answer: "+err.Error())
		return
	}
	writeRaw(w, http.StatusOK, "application/json", b)
}

// zoneURL is the self link of a zone.
func zoneURL(r *http.Request, project, zone string) string {
	return "http://" + r.Host + "/compute/v1/projects/" + project + "/zones/" + zone
}

// numericID is a stable numeric id for a resource, as a decimal string.
func numericID(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64()>>1, 10)
}

// instanceProto renders a raw VM as a Compute Engine instance, with the
// data disk's autoDelete as set.
func (e *gcpEmu) instanceProto(r *http.Request, vm fakes.RawVM) *computepb.Instance {
	inst := instanceProto(r, vm)
	e.mu.Lock()
	auto := e.autoDelete[vm.ID]
	e.mu.Unlock()
	inst.Disks[0].AutoDelete = proto.Bool(auto)
	if v, ok := e.cloud.RawVolume(fakes.GCP, vm.Volume); !ok || v.AttachedVMID != vm.ID {
		// The data disk is not this instance's (detached, or gone).
		inst.Disks = inst.Disks[1:]
	}
	return inst
}

// instanceProto renders a raw VM as a Compute Engine instance: its data
// disk, and its Local SSDs where it has them.
func instanceProto(r *http.Request, vm fakes.RawVM) *computepb.Instance {
	zone := zoneURL(r, vm.Project, vm.Zone)
	inst := &computepb.Instance{
		Id:                proto.Uint64(mustUint(vm.ID)),
		Name:              proto.String(vm.Instance),
		Status:            proto.String(vm.Status),
		Zone:              proto.String(zone),
		Labels:            vm.Labels,
		Kind:              proto.String("compute#instance"),
		SelfLink:          proto.String(zone + "/instances/" + vm.Instance),
		CreationTimestamp: proto.String(vm.CreatedAt.Format("2006-01-02T15:04:05.000-07:00")),
		Disks: []*computepb.AttachedDisk{{
			DeviceName: proto.String(vm.Volume), Source: proto.String(zone + "/disks/" + vm.Volume),
			Type: proto.String("PERSISTENT"), AutoDelete: proto.Bool(false),
		}},
	}
	if vm.LocalSSD {
		inst.Disks = append(inst.Disks, &computepb.AttachedDisk{
			DeviceName: proto.String("local-ssd-0"), Type: proto.String("SCRATCH"), Interface: proto.String("NVME"), AutoDelete: proto.Bool(true),
		})
	}
	ni := &computepb.NetworkInterface{Name: proto.String("nic0")}
	if vm.Address != "" {
		ni.AccessConfigs = []*computepb.AccessConfig{{Name: proto.String("External NAT"), NatIP: proto.String(vm.Address)}}
	}
	inst.NetworkInterfaces = []*computepb.NetworkInterface{ni}
	return inst
}

// diskProto renders a raw volume as a Compute Engine disk.
func (e *gcpEmu) diskProto(r *http.Request, v fakes.RawVolume) *computepb.Disk {
	zone := zoneURL(r, v.Project, v.Zone)
	d := &computepb.Disk{
		Id:       proto.Uint64(mustUint(numericID(v.Project, v.Zone, v.Volume, "disk"))),
		Name:     proto.String(v.Volume),
		Status:   proto.String(v.Status),
		Zone:     proto.String(zone),
		SizeGb:   proto.Int64(100),
		Kind:     proto.String("compute#disk"),
		SelfLink: proto.String(zone + "/disks/" + v.Volume),
		Labels:   v.Labels,
	}
	if v.AttachedTo != "" {
		d.Users = []string{zone + "/instances/" + v.AttachedTo}
	}
	return d
}

// mustUint parses a numericID result, which is always a valid uint64.
func mustUint(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// lookupVM returns the raw VM of the request's project, zone and instance.
func (e *gcpEmu) lookupVM(r *http.Request) (fakes.RawVM, bool) {
	vm, ok := e.cloud.RawVM(fakes.GCP, r.PathValue("instance"))
	if !ok || vm.Project != r.PathValue("project") || vm.Zone != r.PathValue("zone") {
		return fakes.RawVM{}, false
	}
	return vm, true
}

// lookupDisk returns the raw volume of the request's project, zone and disk.
func (e *gcpEmu) lookupDisk(r *http.Request) (fakes.RawVolume, bool) {
	v, ok := e.cloud.RawVolume(fakes.GCP, r.PathValue("disk"))
	if !ok || v.Project != r.PathValue("project") || v.Zone != r.PathValue("zone") {
		return fakes.RawVolume{}, false
	}
	return v, true
}

func (e *gcpEmu) getInstance(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instances.get") {
		return
	}
	vm, ok := e.lookupVM(r)
	if !ok {
		e.notFound(w, r, "instances", r.PathValue("instance"))
		return
	}
	writeProto(w, e.instanceProto(r, vm))
}

func (e *gcpEmu) getDisk(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "disks.get") {
		return
	}
	v, ok := e.lookupDisk(r)
	if !ok {
		e.notFound(w, r, "disks", r.PathValue("disk"))
		return
	}
	writeProto(w, e.diskProto(r, v))
}

// notFound writes Compute Engine's 404 for a zonal resource, naming its
// path as Compute Engine does.
func (e *gcpEmu) notFound(w http.ResponseWriter, r *http.Request, collection, name string) {
	renderGCPError(w, http.StatusNotFound, fmt.Sprintf("The resource 'projects/%s/zones/%s/%s/%s' was not found",
		r.PathValue("project"), r.PathValue("zone"), collection, name))
}

// repeat answers a request whose requestId was seen before with the
// operation that request started, and reports whether it did.
func (e *gcpEmu) repeat(w http.ResponseWriter, r *http.Request) bool {
	rid := r.URL.Query().Get("requestId")
	if rid == "" {
		return false
	}
	e.mu.Lock()
	id, seen := e.requests[rid]
	op := e.ops[id]
	e.mu.Unlock()
	if !seen {
		return false
	}
	writeProto(w, e.operationProto(r, id, op))
	return true
}

// started records and answers an operation the request started.
func (e *gcpEmu) started(w http.ResponseWriter, r *http.Request, id string, op gcpOp) {
	e.mu.Lock()
	e.ops[id] = op
	if rid := r.URL.Query().Get("requestId"); rid != "" {
		e.requests[rid] = id
	}
	e.mu.Unlock()
	writeProto(w, e.operationProto(r, id, op))
}

// instanceAction handles start, resume, stop, reset and delete of an
// instance.
func (e *gcpEmu) instanceAction(method, opType string, a fakes.RawAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !e.call(w, method) || e.repeat(w, r) {
			return
		}
		vm, ok := e.lookupVM(r)
		if !ok {
			e.notFound(w, r, "instances", r.PathValue("instance"))
			return
		}
		switch {
		case a == fakes.RawStop && vm.LocalSSD && r.URL.Query().Get("discardLocalSsd") == "":
			renderGCPReason(w, http.StatusBadRequest, "VM has a Local SSD attached but an undefined value for `discard-local-ssd`. "+
				"If you want to discard data on Local SSD, set `discard-local-ssd` to true; otherwise, set it to false.", "invalid")
			return
		case a == fakes.RawResume && vm.Status != "SUSPENDED":
			renderGCPReason(w, http.StatusBadRequest, "Invalid resource state for '"+vm.Instance+"': only suspended instances can be resumed.", "invalidResourceState")
			return
		case a == fakes.RawStart && vm.Status == "SUSPENDED":
			renderGCPReason(w, http.StatusBadRequest, "Invalid resource state for '"+vm.Instance+"': the instance is suspended; resume it.", "invalidResourceState")
			return
		}
		e.mu.Lock()
		auto := e.autoDelete[vm.ID]
		e.mu.Unlock()
		if v, ok := e.cloud.RawVolume(fakes.GCP, vm.Volume); a == fakes.RawDeleteVM && auto && ok && v.AttachedVMID == vm.ID {
			a = fakes.RawDelete // the attached data disk goes with the instance
		}
		id, err := e.cloud.Act(r.Context(), fakes.GCP, r.PathValue("instance"), a)
		if err != nil {
			e.actError(w, r, err)
			return
		}
		e.started(w, r, id, gcpOp{project: r.PathValue("project"), zone: r.PathValue("zone"), kind: opType,
			target: zoneURL(r, r.PathValue("project"), r.PathValue("zone")) + "/instances/" + r.PathValue("instance")})
	}
}

// setDiskAutoDelete records whether the instance's data disk goes with it.
func (e *gcpEmu) setDiskAutoDelete(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instances.setDiskAutoDelete") || e.repeat(w, r) {
		return
	}
	vm, ok := e.lookupVM(r)
	if !ok {
		e.notFound(w, r, "instances", r.PathValue("instance"))
		return
	}
	q := r.URL.Query()
	auto, err := strconv.ParseBool(q.Get("autoDelete"))
	if err != nil || q.Get("deviceName") != vm.Volume {
		renderGCPReason(w, http.StatusBadRequest, "Invalid value for field 'deviceName' or 'autoDelete'", "invalid")
		return
	}
	e.mu.Lock()
	e.autoDelete[vm.ID] = auto
	e.mu.Unlock()
	id := "operation-setdisk-" + vm.ID + "-" + strconv.FormatBool(auto)
	e.started(w, r, id, gcpOp{project: vm.Project, zone: vm.Zone, kind: "setDiskAutoDelete",
		target: zoneURL(r, vm.Project, vm.Zone) + "/instances/" + vm.Instance, done: true})
}

// insertInstance creates an instance around the data disk its body
// attaches, with the body's labels; refused (409 alreadyExists) while an
// instance of the name exists.
func (e *gcpEmu) insertInstance(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instances.insert") || e.repeat(w, r) {
		return
	}
	body, err := io.ReadAll(r.Body)
	var inst computepb.Instance
	if err == nil {
		err = protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(body, &inst)
	}
	if err != nil || inst.GetName() == "" || inst.GetMachineType() == "" {
		renderGCPReason(w, http.StatusBadRequest, "Invalid value for field 'resource': the instance needs a name and a machine type", "invalid")
		return
	}
	project, zone, name := r.PathValue("project"), r.PathValue("zone"), inst.GetName()
	if _, exists := e.cloud.RawVM(fakes.GCP, name); exists {
		renderGCPReason(w, http.StatusConflict, fmt.Sprintf("The resource 'projects/%s/zones/%s/instances/%s' already exists", project, zone, name), "alreadyExists")
		return
	}
	found := false
	for _, d := range inst.GetDisks() {
		_, dn, ok := strings.Cut(d.GetSource(), "projects/"+project+"/zones/"+zone+"/disks/")
		v, exists := e.cloud.RawVolume(fakes.GCP, dn)
		if !ok || !exists || v.Project != project || v.Zone != zone {
			continue
		}
		if v.Instance != name || d.GetAutoDelete() {
			renderGCPReason(w, http.StatusBadRequest, "emulator: the instance must attach its own data disk, not to be auto-deleted", "invalid")
			return
		}
		found = true
	}
	if !found {
		renderGCPReason(w, http.StatusBadRequest, "emulator: the instance must attach its host's data disk", "invalid")
		return
	}
	id, err := e.cloud.CreateVM(r.Context(), fakes.GCP, name, inst.GetLabels())
	if err != nil {
		e.actError(w, r, err)
		return
	}
	e.started(w, r, id, gcpOp{project: project, zone: zone, kind: "insert", target: zoneURL(r, project, zone) + "/instances/" + name})
}

// actError writes Compute Engine's answer to an action the cloud refused.
func (e *gcpEmu) actError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, provider.ErrNotFound):
		e.notFound(w, r, "instances", r.PathValue("instance"))
	case errors.Is(err, provider.ErrConflict):
		renderGCPReason(w, http.StatusBadRequest, "The resource is not ready: "+err.Error(), "resourceNotReady")
	default:
		renderGCPError(w, http.StatusBadRequest, err.Error())
	}
}

func (e *gcpEmu) deleteDisk(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "disks.delete") || e.repeat(w, r) {
		return
	}
	v, ok := e.lookupDisk(r)
	if !ok {
		e.notFound(w, r, "disks", r.PathValue("disk"))
		return
	}
	id, err := e.cloud.Act(r.Context(), fakes.GCP, v.Instance, fakes.RawDeleteVolume)
	switch {
	case errors.Is(err, provider.ErrConflict):
		renderGCPReason(w, http.StatusBadRequest, fmt.Sprintf("The disk resource 'projects/%s/zones/%s/disks/%s' is already being used by 'projects/%s/zones/%s/instances/%s'",
			v.Project, v.Zone, v.Volume, v.Project, v.Zone, v.Instance), "resourceInUseByAnotherResource")
		return
	case errors.Is(err, provider.ErrNotFound):
		e.notFound(w, r, "disks", v.Volume)
		return
	case err != nil:
		renderGCPError(w, http.StatusBadRequest, err.Error())
		return
	}
	e.started(w, r, id, gcpOp{project: v.Project, zone: v.Zone, kind: "delete", target: zoneURL(r, v.Project, v.Zone) + "/disks/" + v.Volume})
}

func (e *gcpEmu) getOperation(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "zoneOperations.get") {
		return
	}
	id := r.PathValue("operation")
	e.mu.Lock()
	op, ok := e.ops[id]
	e.mu.Unlock()
	if !ok || op.project != r.PathValue("project") || op.zone != r.PathValue("zone") {
		e.notFound(w, r, "operations", id)
		return
	}
	writeProto(w, e.operationProto(r, id, op))
}

// operationProto renders an operation's current state.
func (e *gcpEmu) operationProto(r *http.Request, id string, op gcpOp) *computepb.Operation {
	done, opErr, _ := e.cloud.Operation(fakes.GCP, id)
	if op.done {
		done, opErr = true, nil
	}
	out := &computepb.Operation{
		Id:            proto.Uint64(mustUint(numericID(id))),
		Name:          proto.String(id),
		Kind:          proto.String("compute#operation"),
		OperationType: proto.String(op.kind),
		TargetLink:    proto.String(op.target),
		Zone:          proto.String(zoneURL(r, op.project, op.zone)),
		Status:        computepb.Operation_RUNNING.Enum(),
		Progress:      proto.Int32(50),
	}
	if done {
		out.Status, out.Progress = computepb.Operation_DONE.Enum(), proto.Int32(100)
	}
	if done && opErr != nil {
		out.Error = &computepb.Error{Errors: []*computepb.Errors{{Code: proto.String("OPERATION_FAILED"), Message: proto.String(opErr.Error())}}}
		out.HttpErrorStatusCode = proto.Int32(http.StatusBadRequest)
		out.HttpErrorMessage = proto.String("BAD REQUEST")
	}
	return out
}

// parseGCPFilter parses the label filters the emulator understands: zero
// or more (labels.KEY = "VALUE") terms separated by spaces.
func parseGCPFilter(s string) (map[string]string, error) {
	want := map[string]string{}
	s = strings.TrimSpace(s)
	for s != "" {
		m := gcpFilterTerm.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("emulator: unsupported filter at %q", s)
		}
		want[m[1]] = m[2]
		s = strings.TrimSpace(s[len(m[0]):])
	}
	return want, nil
}

// hasLabels reports whether labels include every wanted one.
func hasLabels(labels, want map[string]string) bool {
	for k, v := range want {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// gcpPage is the paging of one aggregated list request.
type gcpPage struct {
	filter map[string]string
	max    int
	token  string
}

// parsePage reads filter, maxResults and pageToken, answering 400 itself.
func (e *gcpEmu) parsePage(w http.ResponseWriter, r *http.Request) (gcpPage, bool) {
	q := r.URL.Query()
	filter, err := parseGCPFilter(q.Get("filter"))
	if err != nil {
		renderGCPError(w, http.StatusBadRequest, err.Error())
		return gcpPage{}, false
	}
	p := gcpPage{filter: filter, max: gcpMaxResults, token: q.Get("pageToken")}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			renderGCPError(w, http.StatusBadRequest, "Invalid value for field 'maxResults'")
			return gcpPage{}, false
		}
		if n > 0 {
			p.max = min(n, gcpMaxResults)
		}
	}
	return p, true
}

// pageOf returns the items of one page, keyed "zone/name" and sorted, and
// the next page's token: the key of its first item.
func pageOf[T any](items []T, key func(T) string, p gcpPage) ([]T, string) {
	slices.SortFunc(items, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	start, _ := slices.BinarySearchFunc(items, p.token, func(it T, t string) int { return cmp.Compare(key(it), t) })
	end := min(start+p.max, len(items))
	next := ""
	if end < len(items) {
		next = key(items[end])
	}
	return items[start:end], next
}

func (e *gcpEmu) listInstances(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instances.aggregatedList") {
		return
	}
	p, ok := e.parsePage(w, r)
	if !ok {
		return
	}
	project := r.PathValue("project")
	var vms []fakes.RawVM
	zones := map[string]bool{}
	for _, vm := range e.cloud.RawVMs(fakes.GCP, project) {
		zones[vm.Zone] = true
		if hasLabels(vm.Labels, p.filter) && !e.cloud.DropListEntry(fakes.GCP) {
			vms = append(vms, vm)
		}
	}
	page, next := pageOf(vms, func(vm fakes.RawVM) string { return vm.Zone + "/" + vm.Instance }, p)
	out := &computepb.InstanceAggregatedList{Items: map[string]*computepb.InstancesScopedList{}, Kind: proto.String("compute#instanceAggregatedList")}
	for _, vm := range page {
		k := "zones/" + vm.Zone
		if out.Items[k] == nil {
			out.Items[k] = &computepb.InstancesScopedList{}
		}
		out.Items[k].Instances = append(out.Items[k].Instances, e.instanceProto(r, vm))
	}
	for z := range zones {
		if out.Items["zones/"+z] == nil {
			out.Items["zones/"+z] = &computepb.InstancesScopedList{Warning: noResults(z)}
		}
	}
	if next != "" {
		out.NextPageToken = proto.String(next)
	}
	writeMasked(w, r, out)
}

func (e *gcpEmu) listDisks(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "disks.aggregatedList") {
		return
	}
	p, ok := e.parsePage(w, r)
	if !ok {
		return
	}
	project := r.PathValue("project")
	var vols []fakes.RawVolume
	zones := map[string]bool{}
	for _, v := range e.cloud.RawVolumes(fakes.GCP, project) {
		zones[v.Zone] = true
		if hasLabels(v.Labels, p.filter) && !e.cloud.DropListEntry(fakes.GCP) {
			vols = append(vols, v)
		}
	}
	page, next := pageOf(vols, func(v fakes.RawVolume) string { return v.Zone + "/" + v.Volume }, p)
	out := &computepb.DiskAggregatedList{Items: map[string]*computepb.DisksScopedList{}, Kind: proto.String("compute#diskAggregatedList")}
	for _, v := range page {
		k := "zones/" + v.Zone
		if out.Items[k] == nil {
			out.Items[k] = &computepb.DisksScopedList{}
		}
		out.Items[k].Disks = append(out.Items[k].Disks, e.diskProto(r, v))
	}
	for z := range zones {
		if out.Items["zones/"+z] == nil {
			out.Items["zones/"+z] = &computepb.DisksScopedList{Warning: noResults(z)}
		}
	}
	if next != "" {
		out.NextPageToken = proto.String(next)
	}
	writeMasked(w, r, out)
}

// noResults is the warning Compute Engine puts on a scope without items.
func noResults(zone string) *computepb.Warning {
	return &computepb.Warning{
		Code:    proto.String(computepb.Warning_NO_RESULTS_ON_PAGE.String()),
		Message: proto.String("There are no results for scope 'zones/" + zone + "' on this page."),
	}
}
