package emulators

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// NewLambda starts an emulator of Lambda Cloud's public API v1 on cloud,
// under /api/v1 (the adapter's BaseURL is s.BaseURL()). Requests must carry
// "Authorization: Bearer apiKey". It serves instance list and get, and the
// launch, restart and terminate instance operations. Instance ids are the
// cloud's VM ids (a host added with a 32-hex Instance keeps it as its
// first instance's id) and names the hosts' Instance; a launch makes a new
// instance, with a new id, for the host its name is (a host the cloud
// does not know yet is added).
func NewLambda(cloud *fakes.Cloud, apiKey string) *Server {
	auth := func(r *http.Request) bool {
		return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+apiKey)) == 1
	}
	return newServer(cloud, fakes.Lambda, "/api/v1", renderLambdaError, auth, func(s *Server) {
		e := &lambdaEmu{s}
		s.mux.HandleFunc("GET /api/v1/instances", e.list)
		s.mux.HandleFunc("GET /api/v1/instances/{id}", e.get)
		s.mux.HandleFunc("POST /api/v1/instance-operations/launch", e.launch)
		s.mux.HandleFunc("POST /api/v1/instance-operations/restart", e.operate("instance-operations.restart", fakes.RawReboot, "restarted_instances"))
		s.mux.HandleFunc("POST /api/v1/instance-operations/terminate", e.operate("instance-operations.terminate", fakes.RawDelete, "terminated_instances"))
	})
}

// lambdaEmu is the Lambda emulator's handlers.
type lambdaEmu struct{ *Server }

// renderLambdaError writes Lambda's error envelope with the code usual for
// status (the code of a 429 is the emulator's guess: the adapter goes by
// the status).
func renderLambdaError(w http.ResponseWriter, status int, message string) {
	code := "global/internal-error"
	switch status {
	case http.StatusUnauthorized:
		code = "global/invalid-api-key"
	case http.StatusForbidden:
		code = "global/account-inactive"
	case http.StatusNotFound:
		code = "global/object-does-not-exist"
	case http.StatusBadRequest:
		code = "global/invalid-parameters"
	case http.StatusTooManyRequests:
		code = "global/too-many-requests"
	}
	renderLambdaCode(w, status, code, message)
}

// renderLambdaCode writes Lambda's error envelope with code.
func renderLambdaCode(w http.ResponseWriter, status int, code, message string) {
	writeJSONStatus(w, status, map[string]any{"error": map[string]string{
		"code": code, "message": message, "suggestion": "Check the request and try again.",
	}})
}

// instanceJSON renders a raw VM as a Lambda instance.
func instanceJSON(vm fakes.RawVM) map[string]any {
	return map[string]any{
		"id": vm.ID, "name": vm.Instance, "status": vm.Status, "ip": vm.Address,
		"private_ip": "10.19.0.2", "hostname": strings.ReplaceAll(vm.Address, ".", "-") + ".cloud.lambda.ai",
		"region":            map[string]string{"name": vm.Region, "description": vm.Region},
		"instance_type":     map[string]any{"name": "gpu_1x_a10", "description": "1x A10 (24 GB PCIe)"},
		"ssh_key_names":     []string{"default"},
		"file_system_names": []string{},
	}
}

func (e *lambdaEmu) list(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instances.list") {
		return
	}
	out := []map[string]any{}
	for _, vm := range e.cloud.RawVMs(fakes.Lambda, "") {
		if !e.cloud.DropListEntry(fakes.Lambda) {
			out = append(out, instanceJSON(vm))
		}
	}
	writeJSON(w, map[string]any{"data": out})
}

func (e *lambdaEmu) get(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instances.get") {
		return
	}
	vm, ok := e.cloud.RawVMByID(fakes.Lambda, r.PathValue("id"))
	if !ok {
		renderLambdaError(w, http.StatusNotFound, "Instance "+r.PathValue("id")+" not found")
		return
	}
	writeJSON(w, map[string]any{"data": instanceJSON(vm)})
}

// launchRequest is the part of a launch the emulator reads.
type launchRequest struct {
	RegionName       string   `json:"region_name"`
	InstanceTypeName string   `json:"instance_type_name"`
	SSHKeyNames      []string `json:"ssh_key_names"`
	FileSystemNames  []string `json:"file_system_names"`
	Name             string   `json:"name"`
}

// launch starts a new instance for the host named in the request.
func (e *lambdaEmu) launch(w http.ResponseWriter, r *http.Request) {
	if !e.call(w, "instance-operations.launch") {
		return
	}
	var req launchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.RegionName == "" || req.InstanceTypeName == "" || len(req.SSHKeyNames) == 0 {
		renderLambdaError(w, http.StatusBadRequest, "region_name, instance_type_name and ssh_key_names are required")
		return
	}
	if req.Name == "" {
		renderLambdaError(w, http.StatusBadRequest, "emulator: launches need a name (the host they are for)")
		return
	}
	if _, known := e.cloud.RawVM(fakes.Lambda, req.Name); !known {
		// A host the cloud does not know: add it, without an instance.
		_ = e.cloud.AddHost(fakes.Lambda, provider.Host{Region: req.RegionName, Instance: req.Name}, false)
	}
	if _, err := e.cloud.CreateVM(r.Context(), fakes.Lambda, req.Name, nil); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, provider.ErrConflict) {
			renderLambdaCode(w, status, "global/invalid-parameters", "An instance named "+req.Name+" is already running")
			return
		}
		renderLambdaError(w, status, err.Error())
		return
	}
	// The answer names the new instance even while reads do not show it
	// yet (a CreateLag fault): Lambda answers the launch with its ids.
	id := e.cloud.Truth(fakes.Lambda, provider.Host{Instance: req.Name}).VMID
	if id == "" {
		renderLambdaError(w, http.StatusInternalServerError, "emulator: the launched instance has no id")
		return
	}
	writeJSON(w, map[string]any{"data": map[string]any{"instance_ids": []string{id}}})
}

// operate handles restart and terminate: every id must exist, then each is
// acted on (a refusal part-way leaves the earlier ones done), and the
// answer lists the instances under field.
func (e *lambdaEmu) operate(method string, a fakes.RawAction, field string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !e.call(w, method) {
			return
		}
		var req struct {
			InstanceIDs []string `json:"instance_ids"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.InstanceIDs) == 0 {
			renderLambdaError(w, http.StatusBadRequest, "instance_ids is required")
			return
		}
		before := map[string]fakes.RawVM{}
		for _, id := range req.InstanceIDs {
			vm, ok := e.cloud.RawVMByID(fakes.Lambda, id)
			if !ok {
				renderLambdaError(w, http.StatusNotFound, "Instance "+id+" not found")
				return
			}
			before[id] = vm
		}
		out := []map[string]any{}
		for _, id := range req.InstanceIDs {
			if _, err := e.cloud.Act(r.Context(), fakes.Lambda, before[id].Instance, a); err != nil {
				status := http.StatusBadRequest
				if errors.Is(err, provider.ErrNotFound) {
					status = http.StatusNotFound
				}
				renderLambdaError(w, status, err.Error())
				return
			}
			// An instance already gone is still in the answer, terminated.
			vm, ok := e.cloud.RawVMByID(fakes.Lambda, id)
			if !ok {
				vm = before[id]
				vm.Status, vm.Address = "terminated", ""
			}
			out = append(out, instanceJSON(vm))
		}
		writeJSON(w, map[string]any{"data": map[string]any{field: out}})
	}
}
