package hostapi

import (
	"context"
	"encoding/base64"
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
	return h.hosts(ctx, []hoststate.Record{rec}, now)[0]
}

// hosts returns the wire forms of recs at now, reading the connector
// reports of those whose provider pushes them in one store call.
func (h *Handler) hosts(ctx context.Context, recs []hoststate.Record, now time.Time) []Host {
	reports := h.connectorReports(ctx, recs)
	out := make([]Host, 0, len(recs))
	for _, rec := range recs {
		out = append(out, h.view(rec, reports, now))
	}
	return out
}

// view returns the wire form of rec at now, with its connector report
// from reports.
func (h *Handler) view(rec hoststate.Record, reports map[string]store.Report, now time.Time) Host {
	v := hoststate.View(rec, now, h.cfg.Policy)
	v.Offered = h.offered(rec)
	v.Reason = h.scrub.text(v.Reason)
	out := Host{HostView: v, Provider: rec.Provider, BootstrapDone: rec.BootstrapDone,
		ProbeError: h.scrub.text(rec.ProbeError), Version: rec.Version}
	if rec.PendingCount > 0 {
		p := rec.Pending
		out.Pending, out.PendingCount = &p, rec.PendingCount
	}
	if r, ok := reports[rec.ID]; ok {
		r.State, r.Address = h.scrub.text(r.State), h.scrub.text(r.Address)
		out.ConnectorReport = &r
	}
	return out
}

// connectorReports reads the stored connector reports of the hosts in
// recs whose provider pushes reports, in one store call; nil when none
// does or they cannot be read (the views are still worth showing without
// them).
func (h *Handler) connectorReports(ctx context.Context, recs []hoststate.Record) map[string]store.Report {
	var ids []string
	for _, rec := range recs {
		if p, err := h.cfg.Registry.Get(rec.Provider); err == nil && p.Capabilities().PushReports {
			ids = append(ids, rec.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	reports, err := store.Reports(ctx, h.cfg.Store, ids)
	if err != nil {
		h.log.Warn("hostapi: read connector reports", "hosts", len(ids), "error", h.scrub.text(err.Error()))
		return nil
	}
	return reports
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
	out := HostList{Now: now}
	if len(recs) > limit {
		recs = recs[:limit]
		out.Next = encodeCursor(recs[len(recs)-1].ID)
	}
	out.Hosts = h.hosts(r.Context(), recs, now)
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
