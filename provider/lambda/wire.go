package lambda

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// instance is the part of Lambda's Instance object the adapter reads.
type instance struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	IP     string `json:"ip"`
}

// errorBody is Lambda's error envelope.
type errorBody struct {
	Error *struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		Suggestion string `json:"suggestion"`
	} `json:"error"`
}

// decodeJSON parses exactly one JSON value into v; trailing data is an
// error, so a truncated or concatenated answer never half-decodes.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return errors.New("malformed JSON: trailing data after the value")
	}
	return nil
}

// decodeData parses a success envelope {"data": ...} into v; a missing or
// null data member is an error.
func decodeData(body []byte, v any) error {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := decodeJSON(body, &env); err != nil {
		return err
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return errors.New("answer has no data")
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return fmt.Errorf("malformed data: %w", err)
	}
	return nil
}

// decodeInstance parses the answer of GET /instances/{id}.
func decodeInstance(body []byte) (instance, error) {
	var in instance
	if err := decodeData(body, &in); err != nil {
		return instance{}, err
	}
	return in, checkInstance(in)
}

// decodeInstances parses the answer of GET /instances.
func decodeInstances(body []byte) ([]instance, error) {
	var ins []instance
	if err := decodeData(body, &ins); err != nil {
		return nil, err
	}
	if ins == nil {
		return nil, errors.New("answer data is not a list")
	}
	for _, in := range ins {
		if err := checkInstance(in); err != nil {
			return nil, err
		}
	}
	return ins, nil
}

// decodeAction parses the answer of an instance operation: the data object
// lists the affected instances under field (e.g. "restarted_instances").
func decodeAction(body []byte, field string) ([]instance, error) {
	var data map[string]json.RawMessage
	if err := decodeData(body, &data); err != nil {
		return nil, err
	}
	raw, ok := data[field]
	if !ok {
		return nil, fmt.Errorf("answer data has no %s", field)
	}
	var ins []instance
	if err := json.Unmarshal(raw, &ins); err != nil {
		return nil, fmt.Errorf("malformed %s: %w", field, err)
	}
	for _, in := range ins {
		if err := checkInstance(in); err != nil {
			return nil, err
		}
	}
	return ins, nil
}

// decodeError parses Lambda's error envelope; ok is false when the body is
// not one (an HTML page, a bare message).
func decodeError(body []byte) (code, message string, ok bool) {
	var e errorBody
	if decodeJSON(body, &e) != nil || e.Error == nil || e.Error.Code == "" {
		return "", "", false
	}
	return e.Error.Code, e.Error.Message, true
}

// checkInstance rejects an instance object the adapter cannot use.
func checkInstance(in instance) error {
	if in.ID == "" {
		return errors.New("instance without an id")
	}
	return nil
}

// actionRequest is the body of restart and terminate.
type actionRequest struct {
	InstanceIDs []string `json:"instance_ids"`
}

// launchRequest is the body of POST /instance-operations/launch.
type launchRequest struct {
	RegionName       string   `json:"region_name"`
	InstanceTypeName string   `json:"instance_type_name"`
	SSHKeyNames      []string `json:"ssh_key_names"`
	FileSystemNames  []string `json:"file_system_names,omitempty"`
	Name             string   `json:"name,omitempty"`
}

// decodeLaunch parses the answer of a launch: the new instances' ids.
func decodeLaunch(body []byte) ([]string, error) {
	var data struct {
		InstanceIDs []string `json:"instance_ids"`
	}
	if err := decodeData(body, &data); err != nil {
		return nil, err
	}
	for _, id := range data.InstanceIDs {
		if id == "" {
			return nil, errors.New("an empty instance id")
		}
	}
	return data.InstanceIDs, nil
}
