package hostapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// Host is one host on the wire: its view, with Offered filled from its
// provider, and what a UI needs beside it. It carries no provider
// reference and no credential.
type Host struct {
	hoststate.HostView
	// Provider is the provider's name.
	Provider string `json:"provider"`
	// BootstrapDone reports that the host finished its first-boot setup.
	BootstrapDone bool `json:"bootstrap_done"`
	// ProbeError is the last failed probe's message (secrets scrubbed).
	ProbeError string `json:"probe_error,omitempty"`
	// Pending is the status observations are confirming, with how many
	// agreed so far; omitted when none.
	Pending      *hoststate.Status `json:"pending,omitempty"`
	PendingCount int               `json:"pending_count,omitempty"`
	// ConnectorReport is the latest report of the host's self-host
	// connector (its state, address and when the store received it), for
	// hosts whose provider pushes reports; omitted when there is none.
	ConnectorReport *store.Report `json:"connector_report,omitempty"`
	// Version is the record's store version.
	Version uint64 `json:"version"`
}

// HostList is the answer of GET /api/hosts.
type HostList struct {
	// Hosts are in id order.
	Hosts []Host `json:"hosts"`
	// Next is the cursor of the next page; "" on the last.
	Next string `json:"next,omitempty"`
	// Now is the server clock's time the views were computed at.
	Now time.Time `json:"now"`
}

// HostDetail is the answer of GET /api/hosts/{id}.
type HostDetail struct {
	// Host is the host's view.
	Host Host `json:"host"`
	// History holds its status changes within Config.History, oldest
	// first.
	History []store.Transition `json:"history"`
	// Timeline is History drawn as lanes, for the dashboard's plot.
	Timeline Timeline `json:"timeline"`
	// Now is the server clock's time.
	Now time.Time `json:"now"`
}

// host returns the wire form of rec at now.
func (h *Handler) host(ctx context.Context, rec hoststate.Record, now time.Time) Host {
	v := hoststate.View(rec, now, h.cfg.Policy)
	v.Offered = h.offered(rec)
	v.Reason = h.scrub.text(v.Reason)
	out := Host{HostView: v, Provider: rec.Provider, BootstrapDone: rec.BootstrapDone,
		ProbeError: h.scrub.text(rec.ProbeError), Version: rec.Version}
	if rec.PendingCount > 0 {
		p := rec.Pending
		out.Pending, out.PendingCount = &p, rec.PendingCount
	}
	out.ConnectorReport = h.connectorReport(ctx, rec)
	return out
}

// connectorReport is the stored connector report of rec, for a provider
// that pushes reports; nil when there is none or it cannot be read (the
// view is still worth showing without it).
func (h *Handler) connectorReport(ctx context.Context, rec hoststate.Record) *store.Report {
	p, err := h.cfg.Registry.Get(rec.Provider)
	if err != nil || !p.Capabilities().PushReports {
		return nil
	}
	r, err := h.cfg.Store.Report(ctx, rec.ID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			h.log.Warn("hostapi: read connector report", "host", rec.ID, "error", h.scrub.text(err.Error()))
		}
		return nil
	}
	r.State, r.Address = h.scrub.text(r.State), h.scrub.text(r.Address)
	return &r
}

// offered returns the actions a UI may offer for rec, never nil (a JSON
// list, even empty): none when its provider is not configured.
func (h *Handler) offered(rec hoststate.Record) []hoststate.Action {
	p, err := h.cfg.Registry.Get(rec.Provider)
	if err != nil {
		return []hoststate.Action{}
	}
	if o := p.Offered(rec); o != nil {
		return o
	}
	return []hoststate.Action{}
}

// listQuery parses GET /api/hosts's query into a store filter.
func listQuery(r *http.Request) (store.Filter, error) {
	q := r.URL.Query()
	f := store.Filter{Limit: DefaultPage}
	for _, v := range q["status"] {
		for _, name := range strings.Split(v, ",") {
			if strings.TrimSpace(name) == "" {
				continue
			}
			s, err := hoststate.ParseStatus(name)
			if err != nil {
				return f, badRequest("status: %v", err)
			}
			if len(f.Statuses) >= 32 {
				return f, badRequest("status: too many values")
			}
			f.Statuses = append(f.Statuses, s)
		}
	}
	if p := q.Get("provider"); p != "" {
		if !printable(p, hoststate.MaxQuoted) {
			return f, badRequest("provider: at most %d printable bytes", hoststate.MaxQuoted)
		}
		f.Provider = p
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxPage {
			return f, badRequest("limit: want 1 to %d", MaxPage)
		}
		f.Limit = n
	}
	if c := q.Get("cursor"); c != "" {
		after, err := decodeCursor(c)
		if err != nil {
			return f, err
		}
		f.After = after
	}
	return f, nil
}

// encodeCursor makes the cursor that resumes a listing after id. It is
// opaque to clients, so the paging key can change without breaking them.
func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// decodeCursor reverses encodeCursor, refusing anything that does not
// decode to a valid id.
func decodeCursor(c string) (string, error) {
	if len(c) > base64.RawURLEncoding.EncodedLen(store.MaxIDLen) {
		return "", badRequest("cursor: too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", badRequest("cursor: not a cursor")
	}
	if err := store.ValidID(string(b)); err != nil {
		return "", badRequest("cursor: not a cursor")
	}
	return string(b), nil
}

// listHosts answers GET /api/hosts.
func (h *Handler) listHosts(w http.ResponseWriter, r *http.Request) {
	f, err := listQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	limit := f.Limit
	f.Limit = limit + 1 // one more tells whether there is a next page
	recs, err := h.cfg.Store.List(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.cfg.Clock.Now()
	out := HostList{Hosts: make([]Host, 0, min(len(recs), limit)), Now: now}
	if len(recs) > limit {
		recs = recs[:limit]
		out.Next = encodeCursor(recs[len(recs)-1].ID)
	}
	for _, rec := range recs {
		out.Hosts = append(out.Hosts, h.host(r.Context(), rec, now))
	}
	h.reply(w, r, http.StatusOK, out)
}

// getHost answers GET /api/hosts/{id}.
func (h *Handler) getHost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := validID(id); err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.cfg.Store.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.cfg.Clock.Now()
	hist, err := h.cfg.Store.History(r.Context(), id, now.Add(-h.cfg.History))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if hist == nil {
		hist = []store.Transition{}
	}
	for i := range hist {
		hist[i].Reason = h.scrub.text(hist[i].Reason)
	}
	h.reply(w, r, http.StatusOK, HostDetail{
		Host: h.host(r.Context(), rec, now), History: hist, Now: now,
		Timeline: timeline(rec, hist, now.Add(-h.cfg.History), now),
	})
}
