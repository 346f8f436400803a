package emulators

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// hsDefaultPageSize is the page size of a listing that names none.
const hsDefaultPageSize = 20

// hsEmu holds the Hyperstack emulator's handlers. VM ids are the cloud's
// (fakes.RawVM.ID): a Hyperstack start creates a new VM, with a new id.
type hsEmu struct {
	*Server
}

// NewHyperstack starts an emulator of Hyperstack's infrahub v1 API on
// cloud, under /v1 (the adapter's BaseURL is s.BaseURL()). Requests must
// carry apiKey in the api_key header. It serves VM list (search, page,
// pageSize), get, create (name, volume_name and labels: a new VM around
// the host's volume), delete (the VM only: its volume stays, reserved
// until detached), start (of a SHUTOFF VM), hibernate, hibernate-restore
// and hard-reboot, and volume list, get and delete. VM ids are the
// cloud's, new for every VM. Hosts' Volume must be their decimal volume
// id.
//
// Refusals are Hyperstack's: a state precondition or conflict is HTTP 400
// with error_reason "bad_request" and a message, e.g. deleting a volume
// that is not detached answers
//
//	{"status":false,"message":"The Volume is currently attached to vm 101. Please detach it","error_reason":"bad_request"}
func NewHyperstack(cloud *fakes.Cloud, apiKey string) *Server {
	e := &hsEmu{}
	auth := func(r *http.Request) bool {
		return subtle.ConstantTimeCompare([]byte(r.Header.Get("api_key")), []byte(apiKey)) == 1
	}
	return newServer(cloud, fakes.Hyperstack, "/v1", renderHyperstackError, auth, func(s *Server) {
		e.Server = s
		const vms = "/v1/core/virtual-machines"
		s.mux.HandleFunc("GET "+vms, e.listVMs)
		s.mux.HandleFunc("POST "+vms, e.createVM)
		s.mux.HandleFunc("GET "+vms+"/{id}", e.getVM)
		s.mux.HandleFunc("DELETE "+vms+"/{id}", e.vmAction("virtual-machines.delete", fakes.RawDeleteVM))
		s.mux.HandleFunc("GET "+vms+"/{id}/start", e.vmAction("virtual-machines.start", fakes.RawStart))
		s.mux.HandleFunc("GET "+vms+"/{id}/hibernate", e.vmAction("virtual-machines.hibernate", fakes.RawHibernate))
		s.mux.HandleFunc("GET "+vms+"/{id}/hibernate-restore", e.vmAction("virtual-machines.hibernate-restore", fakes.RawResume))
		s.mux.HandleFunc("GET "+vms+"/{id}/hard-reboot", e.vmAction("virtual-machines.hard-reboot", fakes.RawReboot))
		s.mux.HandleFunc("GET /v1/core/volumes", e.listVolumes)
		s.mux.HandleFunc("GET /v1/core/volumes/{id}", e.getVolume)
		s.mux.HandleFunc("DELETE /v1/core/volumes/{id}", e.deleteVolume)
	})
}

// renderHyperstackError writes Hyperstack's error envelope.
func renderHyperstackError(w http.ResponseWriter, status int, message string) {
	reason := map[int]string{
		http.StatusNotFound: "not_found", http.StatusConflict: "conflict", http.StatusUnauthorized: "unauthorized",
		http.StatusBadRequest: "bad_request", http.StatusTooManyRequests: "rate_limited", http.StatusForbidden: "forbidden",
	}[status]
	writeJSONStatus(w, status, map[string]any{"status": false, "message": message, "error_reason": reason})
}

// id returns vm's Hyperstack id.
func (e *hsEmu) id(vm fakes.RawVM) int64 {
	id, _ := strconv.ParseInt(vm.ID, 10, 64)
	return id
}

// byID returns the VM with id if it still exists.
func (e *hsEmu) byID(raw string) (fakes.RawVM, int64, bool) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != raw {
		return fakes.RawVM{}, 0, false
	}
	vm, ok := e.cloud.RawVMByID(fakes.Hyperstack, raw)
	return vm, id, ok
}

// vmJSON renders a raw VM as a Hyperstack instance.
func (e *hsEmu) vmJSON(vm fakes.RawVM) map[string]any {
	id := e.id(vm)
	floating := "NOT_ATTACHED"
	if vm.Address != "" {
		floating = "ATTACHED"
	}
	labels := []string{}
	for _, k := range slices.Sorted(maps.Keys(vm.Labels)) {
		labels = append(labels, k+"="+vm.Labels[k])
	}
	out := map[string]any{
		"id": id, "name": vm.Instance, "status": vm.Status,
		"vm_state": strings.ToLower(vm.Status), "power_state": "RUNNING",
		"environment":        map[string]string{"name": "default-" + vm.Region, "region": vm.Region},
		"flavor":             map[string]any{"name": "n3-A100x1", "gpu": "A100-80G-PCIe", "gpu_count": 1},
		"fixed_ip":           fmt.Sprintf("192.168.0.%d", id%250+1),
		"floating_ip":        vm.Address,
		"floating_ip_status": floating,
		"labels":             labels,
		"created_at":         vm.CreatedAt.UTC().Format("2006-01-02T15:04:05"),
	}
	if v, ok := e.cloud.RawVolume(fakes.Hyperstack, vm.Volume); ok && v.AttachedVMID == vm.ID {
		if vid, err := strconv.ParseInt(vm.Volume, 10, 64); err == nil {
			out["volume_attachments"] = []map[string]any{{
				"volume": map[string]any{"id": vid, "name": vm.Volume, "size": 100}, "status": "ATTACHED",
			}}
		}
	}
	return out
}

// volumeJSON renders a raw volume as a Hyperstack volume.
func (e *hsEmu) volumeJSON(v fakes.RawVolume, id int64) map[string]any {
	out := map[string]any{
		"id": id, "name": v.Volume, "size": 100, "status": v.Status, "volume_type": "Cloud-SSD",
		"environment": map[string]string{"name": "default-" + v.Region, "region": v.Region},
		"attachments": []map[string]any{},
	}
	if v.AttachedVMID != "" {
		id, _ := strconv.ParseInt(v.AttachedVMID, 10, 64)
		out["attachments"] = []map[string]any{{"instance_id": id, "status": "ATTACHED"}}
	}
	return out
}

// paging reads page and pageSize, answering 400 itself.
func (e *hsEmu) paging(w http.ResponseWriter, r *http.Request) (page, size int, ok bool) {
	page, size = 1, hsDefaultPageSize
	q := r.URL.Query()
	for _, p := range []struct {
		name string
		v    *int
	}{{"page", &page}, {"pageSize", &size}} {
		if raw := q.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 {
				renderHyperstackError(w, http.StatusBadRequest, "invalid "+p.name)
				return 0, 0, false
			}
			*p.v = n
		}
	}
	return page, size, true
}

// slicePage returns items[(page-1)*size : page*size], clamped.
func slicePage[T any](items []T, page, size int) []T {
	start := min((page-1)*size, len(items))
	return items[start:min(start+size, len(items))]
}

func (e *hsEmu) listVMs(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "virtual-machines.list") {
		return
	}
	page, size, ok := e.paging(w, r)
	if !ok {
		return
	}
	search := r.URL.Query().Get("search")
	type item struct {
		id int64
		vm fakes.RawVM
	}
	var items []item
	for _, vm := range e.cloud.RawVMs(fakes.Hyperstack, "") {
		if strings.Contains(vm.Instance, search) && !e.cloud.DropListEntry(fakes.Hyperstack) {
			items = append(items, item{e.id(vm), vm})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.id, b.id) })
	out := []map[string]any{}
	for _, it := range slicePage(items, page, size) {
		out = append(out, e.vmJSON(it.vm))
	}
	writeJSON(w, map[string]any{"status": true, "message": "Getting VMs success", "instances": out,
		"count": len(items), "page": page, "page_size": size})
}

func (e *hsEmu) getVM(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "virtual-machines.get") {
		return
	}
	vm, _, ok := e.byID(r.PathValue("id"))
	if !ok {
		renderHyperstackError(w, http.StatusNotFound, "Virtual machine not found")
		return
	}
	writeJSON(w, map[string]any{"status": true, "message": "Getting VM success", "instance": e.vmJSON(vm)})
}

// vmAction handles the VM actions addressed by id.
func (e *hsEmu) vmAction(method string, a fakes.RawAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !e.call(w, method) {
			return
		}
		vm, id, ok := e.byID(r.PathValue("id"))
		if !ok {
			renderHyperstackError(w, http.StatusNotFound, "Virtual machine not found")
			return
		}
		if a == fakes.RawStart && vm.Status != "SHUTOFF" {
			// /start starts a stopped VM; it never creates one.
			e.actError(w, fmt.Errorf("%w", provider.ErrConflict), hsStateMessage(id, vm.Status, a))
			return
		}
		if _, err := e.cloud.Act(r.Context(), fakes.Hyperstack, vm.Instance, a); err != nil {
			e.actError(w, err, hsStateMessage(id, vm.Status, a))
			return
		}
		writeJSON(w, map[string]any{"status": true, "message": method + " accepted"})
	}
}

// hsStateMessage is Hyperstack's refusal of action a on VM id in status:
// each action needs a state (start SHUTOFF, stop ACTIVE or ERROR, restore
// HIBERNATED), and a VM still being created cannot be deleted.
func hsStateMessage(id int64, status string, a fakes.RawAction) string {
	vm := "Virtual machine " + strconv.FormatInt(id, 10)
	switch {
	case a == fakes.RawDeleteVM && (status == "CREATING" || status == "BUILD"):
		return vm + " is currently being created and cannot be deleted yet"
	case a == fakes.RawStart:
		return vm + " must be in SHUTOFF state to be started; it is " + status
	case a == fakes.RawHibernate:
		return vm + " must be in ACTIVE state to be hibernated; it is " + status
	case a == fakes.RawResume:
		return vm + " must be in HIBERNATED state to be restored; it is " + status
	case a == fakes.RawStop:
		return vm + " must be in ACTIVE or ERROR state to be stopped; it is " + status
	}
	return vm + " is " + status + ": the action is not possible in this state"
}

// actError writes Hyperstack's answer to an action the cloud refused: a
// conflict with the current state is a 400 bad_request carrying conflict
// as its message, as Hyperstack answers state preconditions.
func (e *hsEmu) actError(w http.ResponseWriter, err error, conflict string) {
	switch {
	case errors.Is(err, provider.ErrNotFound):
		renderHyperstackError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, provider.ErrConflict):
		renderHyperstackError(w, http.StatusBadRequest, conflict)
	default:
		renderHyperstackError(w, http.StatusBadRequest, err.Error())
	}
}

// createRequest is the part of POST /core/virtual-machines the emulator
// reads.
type createRequest struct {
	Name       string   `json:"name"`
	VolumeName string   `json:"volume_name"`
	Count      int      `json:"count"`
	Labels     []string `json:"labels"`
}

func (e *hsEmu) createVM(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "virtual-machines.create") {
		return
	}
	var req createRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Name == "" {
		renderHyperstackError(w, http.StatusBadRequest, "invalid request body")
		return
	}
	if req.Count > 1 {
		renderHyperstackError(w, http.StatusBadRequest, "emulator: count must be 1")
		return
	}
	if v, ok := e.cloud.RawVolume(fakes.Hyperstack, req.VolumeName); req.VolumeName != "" && (!ok || v.Instance != req.Name) {
		renderHyperstackError(w, http.StatusBadRequest, "emulator: volume "+strconv.Quote(req.VolumeName)+" does not belong to "+strconv.Quote(req.Name))
		return
	}
	conflict := "The name " + strconv.Quote(req.Name) + " is not available"
	if _, exists := e.cloud.RawVM(fakes.Hyperstack, req.Name); !exists {
		conflict = "The volume " + strconv.Quote(req.VolumeName) + " is not available to attach"
	}
	labels := map[string]string{}
	for _, l := range req.Labels {
		k, v, _ := strings.Cut(l, "=")
		labels[k] = v
	}
	if _, err := e.cloud.CreateVM(r.Context(), fakes.Hyperstack, req.Name, labels); err != nil {
		e.actError(w, err, conflict)
		return
	}
	out := []map[string]any{}
	if vm, ok := e.cloud.RawVM(fakes.Hyperstack, req.Name); ok {
		out = append(out, e.vmJSON(vm))
	}
	writeJSON(w, map[string]any{"status": true, "message": "Creating 1 virtual machine(s)", "instances": out})
}

// volumes returns the visible volumes with decimal names, by id.
func (e *hsEmu) volumes() ([]fakes.RawVolume, []int64) {
	var vols []fakes.RawVolume
	var ids []int64
	for _, v := range e.cloud.RawVolumes(fakes.Hyperstack, "") {
		id, err := strconv.ParseInt(v.Volume, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		vols, ids = append(vols, v), append(ids, id)
	}
	return vols, ids
}

func (e *hsEmu) listVolumes(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "volumes.list") {
		return
	}
	page, size, ok := e.paging(w, r)
	if !ok {
		return
	}
	vols, ids := e.volumes()
	type item struct {
		id int64
		v  fakes.RawVolume
	}
	var items []item
	for i, v := range vols {
		if !e.cloud.DropListEntry(fakes.Hyperstack) {
			items = append(items, item{ids[i], v})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.id, b.id) })
	out := []map[string]any{}
	for _, it := range slicePage(items, page, size) {
		out = append(out, e.volumeJSON(it.v, it.id))
	}
	writeJSON(w, map[string]any{"status": true, "message": "Getting volumes success", "volumes": out, "count": len(items)})
}

// lookupVolume returns the volume named by the request's id.
func (e *hsEmu) lookupVolume(r *http.Request) (fakes.RawVolume, int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return fakes.RawVolume{}, 0, false
	}
	v, ok := e.cloud.RawVolume(fakes.Hyperstack, strconv.FormatInt(id, 10))
	return v, id, ok
}

func (e *hsEmu) getVolume(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "volumes.get") {
		return
	}
	v, id, ok := e.lookupVolume(r)
	if !ok {
		renderHyperstackError(w, http.StatusNotFound, "Volume not found")
		return
	}
	writeJSON(w, map[string]any{"status": true, "message": "Getting volume success", "volume": e.volumeJSON(v, id)})
}

func (e *hsEmu) deleteVolume(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "volumes.delete") {
		return
	}
	v, id, ok := e.lookupVolume(r)
	if !ok {
		renderHyperstackError(w, http.StatusNotFound, "Volume not found")
		return
	}
	if _, err := e.cloud.Act(r.Context(), fakes.Hyperstack, v.Instance, fakes.RawDeleteVolume); err != nil {
		e.actError(w, err, e.heldMessage(v, id))
		return
	}
	writeJSON(w, map[string]any{"status": true, "message": "Deleting volume"})
}

// heldMessage is Hyperstack's message refusing to delete volume v: it
// names the VM holding it while one does (or is still letting go of it).
func (e *hsEmu) heldMessage(v fakes.RawVolume, id int64) string {
	switch v.Status {
	case "in-use", "attaching", "detaching", "reserved":
		holder := strconv.Quote(v.Instance)
		if vm, ok := e.cloud.RawVM(fakes.Hyperstack, v.Instance); ok {
			holder = strconv.FormatInt(e.id(vm), 10)
		}
		return "The Volume is currently attached to vm " + holder + ". Please detach it"
	}
	return "Volume " + strconv.FormatInt(id, 10) + " is " + v.Status + " and cannot be deleted"
}
