package hostapi

import (
	"math"
	"net/http"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/store"
)

// HeartbeatReply answers a host daemon's heartbeat or bootstrap-done.
type HeartbeatReply struct {
	// Status is the host's control-plane status now.
	Status hoststate.Status `json:"status"`
	// Accepted reports whether the request was recorded: a heartbeat only
	// while the host runs; bootstrap-done while it starts or runs.
	Accepted bool `json:"accepted"`
	// IntervalSeconds is the pause before the next heartbeat: short while
	// running, longer otherwise so a host shutting down backs off.
	IntervalSeconds int `json:"interval_seconds"`
	// BootstrapDone reports whether the control plane has recorded the
	// first-boot setup as finished.
	BootstrapDone bool `json:"bootstrap_done"`
}

// daemonRequest runs the checks both daemon endpoints share, in the order
// that writes nothing for a stranger: the id, the token, then the body.
func (h *Handler) daemonRequest(w http.ResponseWriter, r *http.Request, emptyOK bool) (HeartbeatRequest, bool) {
	id := r.PathValue("id")
	if err := validID(id); err != nil {
		h.fail(w, r, err)
		return HeartbeatRequest{}, false
	}
	if err := h.authenticate(r, id); err != nil {
		h.fail(w, r, err)
		return HeartbeatRequest{}, false
	}
	body, err := readBody(w, r, emptyOK)
	if err != nil {
		h.fail(w, r, err)
		return HeartbeatRequest{}, false
	}
	req, err := DecodeHeartbeat(body, id)
	if err != nil {
		h.fail(w, r, err)
		return HeartbeatRequest{}, false
	}
	return req, true
}

// heartbeat answers POST /api/hosts/{id}/heartbeat.
func (h *Handler) heartbeat(w http.ResponseWriter, r *http.Request) {
	req, ok := h.daemonRequest(w, r, false)
	if !ok {
		return
	}
	now := h.cfg.Clock.Now()
	accepted := false
	rec, err := kernel.Modify(r.Context(), h.cfg.Store, req.HostID, func(cur hoststate.Record) (store.Write, error) {
		next := cur
		ok := next.Heartbeat(now, h.cfg.Policy)
		if accepted = ok; !ok {
			return store.Write{}, kernel.ErrUnchanged
		}
		return store.Write{Record: next}, nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log.Debug("hostapi: heartbeat", "host", req.HostID, "accepted", accepted, "status", rec.Status.String(),
		"version", req.Version, "bootstrap", req.Bootstrap, "address", req.Address)
	h.reply(w, r, http.StatusOK, h.daemonReply(rec, accepted))
}

// bootstrapDone answers POST /api/hosts/{id}/bootstrap-done.
func (h *Handler) bootstrapDone(w http.ResponseWriter, r *http.Request) {
	req, ok := h.daemonRequest(w, r, true)
	if !ok {
		return
	}
	accepted := false
	rec, err := kernel.Modify(r.Context(), h.cfg.Store, req.HostID, func(cur hoststate.Record) (store.Write, error) {
		// Only a host whose VM is up can have finished booting; a report
		// from one going down would be about a VM that is leaving.
		accepted = cur.Status == hoststate.StatusRunning || cur.Status == hoststate.StatusStarting
		if !accepted || cur.BootstrapDone {
			return store.Write{}, kernel.ErrUnchanged
		}
		cur.BootstrapDone = true
		return store.Write{Record: cur}, nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log.Info("hostapi: bootstrap done", "host", req.HostID, "accepted", accepted, "status", rec.Status.String())
	h.reply(w, r, http.StatusOK, h.daemonReply(rec, accepted))
}

// daemonReply is the answer for rec.
func (h *Handler) daemonReply(rec hoststate.Record, accepted bool) HeartbeatReply {
	d := h.cfg.IdleInterval
	if rec.Status == hoststate.StatusRunning {
		d = h.cfg.HeartbeatInterval
	}
	return HeartbeatReply{Status: rec.Status, Accepted: accepted, IntervalSeconds: seconds(d), BootstrapDone: rec.BootstrapDone}
}

// seconds rounds d up to whole seconds, at least one.
func seconds(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }
