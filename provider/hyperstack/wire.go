package hyperstack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// vm is the part of Hyperstack's instance object the adapter reads.
type vm struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	FloatingIP string `json:"floating_ip"`
	CreatedAt  string `json:"created_at"`
}

// volume is the part of Hyperstack's volume object the adapter reads.
type volume struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// envelope is the frame of every answer: {"status":..,"message":..} plus
// the payload fields.
type envelope struct {
	Status      *bool    `json:"status"`
	Message     string   `json:"message"`
	ErrorReason string   `json:"error_reason"`
	Instance    *vm      `json:"instance"`
	Instances   []vm     `json:"instances"`
	Volume      *volume  `json:"volume"`
	Volumes     []volume `json:"volumes"`
	Count       *int64   `json:"count"`
}

// decodeEnvelope parses an answer's JSON. It accepts exactly one JSON
// object (trailing data is an error) and fails closed on anything else.
func decodeEnvelope(body []byte) (envelope, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil {
		return envelope{}, fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return envelope{}, fmt.Errorf("malformed JSON: trailing data after the object")
	}
	return env, nil
}

// decodeVM parses the answer of GET /core/virtual-machines/{id}.
func decodeVM(body []byte) (vm, error) {
	env, err := decodeOK(body)
	if err != nil {
		return vm{}, err
	}
	if env.Instance == nil {
		return vm{}, fmt.Errorf("answer has no instance")
	}
	return *env.Instance, checkVM(*env.Instance)
}

// decodeVMList parses a page of GET /core/virtual-machines.
func decodeVMList(body []byte) ([]vm, int64, error) {
	env, err := decodeOK(body)
	if err != nil {
		return nil, 0, err
	}
	if env.Instances == nil {
		return nil, 0, fmt.Errorf("answer has no instances list")
	}
	for _, v := range env.Instances {
		if err := checkVM(v); err != nil {
			return nil, 0, err
		}
	}
	count, err := checkCount(env.Count, len(env.Instances))
	return env.Instances, count, err
}

// decodeVolume parses the answer of GET /core/volumes/{id}.
func decodeVolume(body []byte) (volume, error) {
	env, err := decodeOK(body)
	if err != nil {
		return volume{}, err
	}
	if env.Volume == nil {
		return volume{}, fmt.Errorf("answer has no volume")
	}
	return *env.Volume, checkVolume(*env.Volume)
}

// decodeVolumeList parses a page of GET /core/volumes.
func decodeVolumeList(body []byte) ([]volume, int64, error) {
	env, err := decodeOK(body)
	if err != nil {
		return nil, 0, err
	}
	if env.Volumes == nil {
		return nil, 0, fmt.Errorf("answer has no volumes list")
	}
	for _, v := range env.Volumes {
		if err := checkVolume(v); err != nil {
			return nil, 0, err
		}
	}
	count, err := checkCount(env.Count, len(env.Volumes))
	return env.Volumes, count, err
}

// decodeOK parses a success answer: the envelope must say status true.
func decodeOK(body []byte) (envelope, error) {
	env, err := decodeEnvelope(body)
	if err != nil {
		return envelope{}, err
	}
	if env.Status == nil || !*env.Status {
		return envelope{}, fmt.Errorf("envelope status is not true")
	}
	return env, nil
}

// checkCount returns a listing's total: count is required, because the
// adapter pages by it — a page without it is malformed, never "the end" —
// and it cannot be smaller than the page itself.
func checkCount(count *int64, onPage int) (int64, error) {
	switch {
	case count == nil:
		return 0, fmt.Errorf("listing page without count")
	case *count < int64(onPage):
		return 0, fmt.Errorf("listing page of %d items says count %d", onPage, *count)
	}
	return *count, nil
}

// checkVM rejects a VM object the adapter cannot use.
func checkVM(v vm) error {
	if v.ID <= 0 {
		return fmt.Errorf("instance without a positive id")
	}
	return nil
}

// checkVolume rejects a volume object the adapter cannot use.
func checkVolume(v volume) error {
	if v.ID <= 0 {
		return fmt.Errorf("volume without a positive id")
	}
	return nil
}

// createRequest is the body of POST /core/virtual-machines.
type createRequest struct {
	Name             string `json:"name"`
	EnvironmentName  string `json:"environment_name"`
	ImageName        string `json:"image_name"`
	FlavorName       string `json:"flavor_name"`
	KeyName          string `json:"key_name"`
	VolumeName       string `json:"volume_name"`
	AssignFloatingIP bool   `json:"assign_floating_ip"`
	Count            int    `json:"count"`
}

// idString renders an id for paths and references.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
