package hyperstack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// vm is the part of Hyperstack's instance object the adapter reads.
type vm struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	FloatingIP string `json:"floating_ip"`
	CreatedAt  string `json:"created_at"`
	Labels     labels `json:"labels"`
}

// volume is the part of Hyperstack's volume object the adapter reads.
type volume struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Status      string       `json:"status"`
	Attachments []attachment `json:"attachments"`
}

// attachment is one VM a volume is attached to.
type attachment struct {
	InstanceID int64  `json:"instance_id"`
	Status     string `json:"status"`
}

// attachedTo reports whether the volume is attached to the VM with id.
func (v volume) attachedTo(id int64) bool {
	for _, a := range v.Attachments {
		if a.InstanceID == id {
			return true
		}
	}
	return false
}

// labels are a VM's labels, "key=value" strings as the create request set
// them. Hyperstack renders them as strings or as {"label": ...} objects;
// both decode, and a value that is neither is malformed.
type labels []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *labels) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*l = nil
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	out := make(labels, 0, len(raw))
	for _, r := range raw {
		var s string
		if err := json.Unmarshal(r, &s); err == nil {
			out = append(out, s)
			continue
		}
		var obj struct {
			Label *string `json:"label"`
		}
		if err := json.Unmarshal(r, &obj); err != nil || obj.Label == nil {
			return fmt.Errorf("labels: an item is neither a string nor a label object")
		}
		out = append(out, *obj.Label)
	}
	*l = out
	return nil
}

// asMap returns the "key=value" labels as a map (a label without "=" is a
// key with an empty value).
func (l labels) asMap() map[string]string {
	out := make(map[string]string, len(l))
	for _, s := range l {
		k, v, _ := strings.Cut(s, "=")
		out[k] = v
	}
	return out
}

// labelList renders labels as the "key=value" strings of a create
// request, sorted.
func labelList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

// envelope is the frame of every answer: {"status":..,"message":..} plus
// the payload fields.
type envelope struct {
	Status      *bool    `json:"status"`
	Message     string   `json:"message"`
	ErrorReason string   `json:"error_reason"`
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
	Name             string   `json:"name"`
	EnvironmentName  string   `json:"environment_name"`
	ImageName        string   `json:"image_name"`
	FlavorName       string   `json:"flavor_name"`
	KeyName          string   `json:"key_name"`
	VolumeName       string   `json:"volume_name"`
	AssignFloatingIP bool     `json:"assign_floating_ip"`
	Count            int      `json:"count"`
	Labels           []string `json:"labels,omitempty"`
}

// idString renders an id for paths and references.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
