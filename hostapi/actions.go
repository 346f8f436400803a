package hostapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// ActionState is an action resource: GET /api/actions/{ref}, and the body
// of the 202 that started it.
type ActionState struct {
	// Ref names the resource.
	Ref string `json:"ref"`
	// HostID, Action and Seq name the action (Seq is its
	// Record.ActionSeq).
	HostID string           `json:"host_id"`
	Action hoststate.Action `json:"action"`
	Seq    uint64           `json:"seq"`
	// State is "pending" until the outcome is known, then "done".
	State string `json:"state"`
	// Sent reports that the provider call has gone out.
	Sent bool `json:"sent"`
	// Status is the host's status as the action last wrote or read it:
	// the transitional status while pending, the outcome once done.
	Status hoststate.Status `json:"status"`
	// OK reports, once done, that the action reached its goal.
	OK bool `json:"ok"`
	// Error is the outcome's error text once done ("" when OK).
	Error string `json:"error,omitempty"`
	// Started is when the API began the action, on the server clock.
	Started time.Time `json:"started"`
}

// Action states.
const (
	StatePending = "pending"
	StateDone    = "done"
)

// state renders e.
func (h *Handler) state(e *actionEntry) ActionState {
	hd := e.handle
	s := ActionState{Ref: e.ref, HostID: hd.HostID, Action: hd.Action, Seq: hd.Seq, State: StatePending, Started: e.started}
	select {
	case <-hd.Sent():
		s.Sent = true
	default:
	}
	rec, err, done := hd.Outcome()
	s.Status = rec.Status
	if done {
		s.State, s.OK = StateDone, err == nil
		if err != nil {
			s.Error = h.scrub.text(err.Error())
		}
	}
	return s
}

// actionPath is the resource path of ref.
func actionPath(ref string) string { return "/api/actions/" + url.PathEscape(ref) }

// postAction answers POST /api/hosts/{id}/actions.
func (h *Handler) postAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := validID(id); err != nil {
		h.fail(w, r, err)
		return
	}
	body, err := readBody(w, r, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	act, err := DecodeActionRequest(body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.cfg.Actions == nil {
		h.fail(w, r, fmt.Errorf("%w: no Actions to run %s", ErrNotConfigured, act))
		return
	}
	if h.closed() {
		h.fail(w, r, ErrClosed)
		return
	}
	started := h.cfg.Clock.Now()
	hd, err := h.cfg.Actions.Begin(r.Context(), id, act)
	if err != nil {
		if errors.Is(err, hoststate.ErrInvalidTransition) || errors.Is(err, provider.ErrUnsupported) {
			h.failAllowed(w, r, err, id)
			return
		}
		h.fail(w, r, err)
		return
	}
	e := h.actions.add(hd, started)
	h.log.Info("hostapi: action started", "host", id, "action", act.String(), "seq", hd.Seq, "ref", e.ref)
	w.Header().Set("Location", actionPath(e.ref))
	st := h.state(e)
	h.reply(w, r, http.StatusAccepted, st)
}

// failAllowed answers a refused action with the actions offered now, read
// afresh: the refusal may come from a status that has moved on.
func (h *Handler) failAllowed(w http.ResponseWriter, r *http.Request, err error, id string) {
	allowed := []hoststate.Action{}
	if rec, gerr := h.cfg.Store.Get(r.Context(), id); gerr == nil {
		allowed = h.offered(rec)
	}
	h.problem(w, r, err, allowed)
}

// getAction answers GET /api/actions/{ref}.
func (h *Handler) getAction(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	e, ok := h.actions.get(ref)
	if !ok {
		h.fail(w, r, fmt.Errorf("%w %q", ErrNoAction, hoststate.Truncate(ref, hoststate.MaxQuoted)))
		return
	}
	h.reply(w, r, http.StatusOK, h.state(e))
}
