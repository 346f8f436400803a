package hostapi

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/driftless/driftless/store"
)

// web holds the dashboard: the page template and its static files. It is
// the package's one package-level variable, because go:embed can only
// fill those; it is read-only.
//
//go:embed web
var web embed.FS

// dashboard is the parsed page and the handler of its static files.
type dashboard struct {
	page   *template.Template
	assets http.Handler
}

// dashboardCSP keeps the page to its own origin: no inline script, no
// third-party anything, no framing.
const dashboardCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func newDashboard() (*dashboard, error) {
	page, err := template.ParseFS(web, "web/index.html.tmpl")
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(web, "web")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(static)
	assets := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
	return &dashboard{page: page, assets: assets}, nil
}

// serveDashboard answers GET / with the page, carrying the first page of
// hosts so it paints without a round trip.
func (h *Handler) serveDashboard(w http.ResponseWriter, r *http.Request) {
	recs, err := h.cfg.Store.List(r.Context(), store.Filter{Limit: MaxPage / 2})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.cfg.Clock.Now()
	data := HostList{Hosts: h.hosts(r.Context(), recs, now), Now: now}
	if len(recs) == MaxPage/2 {
		data.Next = encodeCursor(recs[len(recs)-1].ID)
	}
	var buf bytes.Buffer
	if err := h.page.page.Execute(&buf, data); err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", dashboardCSP)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Frame-Options", "DENY")
	_, _ = w.Write(buf.Bytes())
}
