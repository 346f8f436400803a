package hostapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Limits on the fields of host daemon requests.
const (
	// MaxVersion bounds a daemon's version string, in bytes.
	MaxVersion = 64
	// MaxAddress bounds a daemon's served address, in bytes.
	MaxAddress = 256
)

// Bootstrap states a heartbeat may report.
const (
	BootstrapPending = "pending"
	BootstrapDone    = "done"
	BootstrapFailed  = "failed"
)

// ActionRequest is the body of POST /api/hosts/{id}/actions.
type ActionRequest struct {
	// Action is the action's name: start, stop, reboot, reprovision,
	// deprovision or retry.
	Action string `json:"action"`
}

// HeartbeatRequest is the body of POST /api/hosts/{id}/heartbeat (and,
// optionally, of bootstrap-done, where only HostID is read).
type HeartbeatRequest struct {
	// HostID must equal the id in the path.
	HostID string `json:"host_id"`
	// Version is the daemon's version.
	Version string `json:"version,omitempty"`
	// Bootstrap is the daemon's first-boot state: "pending", "done" or
	// "failed" ("" when it does not say).
	Bootstrap string `json:"bootstrap,omitempty"`
	// Address is the host:port the daemon serves on ("" for none).
	Address string `json:"address,omitempty"`
}

// badRequest returns an error matching ErrBadRequest.
func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadRequest, fmt.Sprintf(format, args...))
}

// readBody reads a bounded POST body after checking its media type, which
// every POST must declare as application/json (the package doc says why).
// An empty body is returned as nil when emptyOK.
func readBody(w http.ResponseWriter, r *http.Request, emptyOK bool) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, ErrMediaType
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, badRequest("body larger than %d bytes", MaxBody)
		}
		return nil, badRequest("reading body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return nil, nil
		}
		return nil, badRequest("empty body")
	}
	return body, nil
}

// decodeJSON decodes exactly one JSON object from body into v. strict
// refuses fields v does not have: the operator API refuses a typo rather
// than ignore it, while daemon requests ignore fields a newer daemon sends.
func decodeJSON(body []byte, v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return badRequest("malformed JSON: %s", hoststate.Truncate(err.Error(), hoststate.MaxQuoted*2))
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("malformed JSON: data after the object")
	}
	return nil
}

// DecodeActionRequest parses the body of an action request into the
// action it names. Every failure matches ErrBadRequest (or
// hoststate.ErrUnknownAction for a well-formed body naming no action).
func DecodeActionRequest(body []byte) (hoststate.Action, error) {
	var req ActionRequest
	if err := decodeJSON(body, &req, true); err != nil {
		return hoststate.ActionNone, err
	}
	a, err := hoststate.ParseAction(req.Action)
	if err != nil {
		return hoststate.ActionNone, fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	return a, nil
}

// DecodeHeartbeat parses and validates a heartbeat body for host id. A nil
// body (allowed for bootstrap-done) stands for {"host_id": id}. Every
// failure matches ErrBadRequest.
func DecodeHeartbeat(body []byte, id string) (HeartbeatRequest, error) {
	if body == nil {
		return HeartbeatRequest{HostID: id}, nil
	}
	var req HeartbeatRequest
	if err := decodeJSON(body, &req, false); err != nil {
		return HeartbeatRequest{}, err
	}
	if req.HostID != id {
		return HeartbeatRequest{}, badRequest("host_id %q does not match the path", hoststate.Truncate(req.HostID, hoststate.MaxQuoted))
	}
	if !printable(req.Version, MaxVersion) {
		return HeartbeatRequest{}, badRequest("version must be at most %d printable bytes", MaxVersion)
	}
	switch req.Bootstrap {
	case "", BootstrapPending, BootstrapDone, BootstrapFailed:
	default:
		return HeartbeatRequest{}, badRequest("bootstrap must be %q, %q or %q", BootstrapPending, BootstrapDone, BootstrapFailed)
	}
	if req.Address != "" {
		if !printable(req.Address, MaxAddress) {
			return HeartbeatRequest{}, badRequest("address must be at most %d printable bytes", MaxAddress)
		}
		if host, port, err := net.SplitHostPort(req.Address); err != nil || host == "" || port == "" {
			return HeartbeatRequest{}, badRequest("address must be host:port")
		}
	}
	return req, nil
}

// printable reports whether s is valid UTF-8 of at most max bytes without
// control characters, so it can go into a log line as it is.
func printable(s string, max int) bool {
	if len(s) > max || !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// validID checks a host id from a path.
func validID(id string) error {
	if err := store.ValidID(id); err != nil {
		return fmt.Errorf("%w: %w", ErrBadRequest, err)
	}
	return nil
}
