package hostapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/driftless/driftless/hoststate"
)

// Handler is the API, the event stream and the dashboard, as one
// http.Handler. It is safe for concurrent use.
type Handler struct {
	cfg     Config
	log     *slog.Logger
	scrub   scrubber
	mux     *http.ServeMux
	actions *actionTable
	page    *dashboard

	// life ends with Close, ending every event stream.
	life  context.Context
	close context.CancelFunc
}

// New returns the handler for cfg, or an error matching ErrConfig.
func New(cfg Config) (*Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	page, err := newDashboard()
	if err != nil {
		return nil, fmt.Errorf("%w: dashboard: %w", ErrConfig, err)
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, scrub: newScrubber(cfg.Secrets),
		mux: http.NewServeMux(), actions: newActionTable(cfg.MaxActions), page: page}
	h.life, h.close = context.WithCancel(context.Background())
	h.routes()
	return h, nil
}

// routes registers every endpoint. Anything else under /api/ is a JSON
// 404, so API clients never parse an HTML error page.
func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /{$}", h.serveDashboard)
	m.Handle("GET /static/", h.page.assets)
	m.HandleFunc("GET /api/hosts", h.listHosts)
	m.HandleFunc("GET /api/hosts/{id}", h.getHost)
	m.HandleFunc("POST /api/hosts/{id}/actions", h.postAction)
	m.HandleFunc("POST /api/hosts/{id}/reconcile", h.reconcileHost)
	m.HandleFunc("POST /api/hosts/{id}/heartbeat", h.heartbeat)
	m.HandleFunc("POST /api/hosts/{id}/bootstrap-done", h.bootstrapDone)
	m.HandleFunc("GET /api/actions/{ref}", h.getAction)
	m.HandleFunc("GET /api/events", h.events)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		h.problem(w, r, fmt.Errorf("%w: %s %s", errNoEndpoint, r.Method, hoststate.Truncate(r.URL.Path, hoststate.MaxQuoted)), nil)
	})
}

// ServeHTTP implements http.Handler. A panic anywhere below is answered
// 500 and logged with its stack, never passed on to crash the server.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // the one panic net/http asks handlers to let through
			}
			h.log.Error("hostapi: handler panicked", "method", r.Method, "path", hoststate.Truncate(r.URL.Path, hoststate.MaxQuoted),
				"panic", h.scrub.text(fmt.Sprint(v)), "stack", h.scrub.text(string(debug.Stack())))
			h.writeJSON(w, http.StatusInternalServerError, Problem{Error: "internal error", Code: "internal"})
		}
	}()
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

// Close ends every event stream and refuses new actions; requests in
// flight finish. Register it with http.Server.RegisterOnShutdown.
func (h *Handler) Close() { h.close() }

// closed reports whether Close was called.
func (h *Handler) closed() bool { return h.life.Err() != nil }

// reply writes v as JSON with status.
func (h *Handler) reply(w http.ResponseWriter, _ *http.Request, status int, v any) {
	h.writeJSON(w, status, v)
}

// writeJSON encodes v before writing anything, so an encoding failure is
// still a clean 500 rather than half a body.
func (h *Handler) writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		h.log.Error("hostapi: encoding a response", "error", h.scrub.text(err.Error()))
		buf.Reset()
		buf.WriteString(`{"error":"internal error","code":"internal"}` + "\n")
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers err as a Problem.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) { h.problem(w, r, err, nil) }

// problem answers err with its status and code, and allowed when the
// refusal was about the action. An internal error's text is logged, not
// returned: it may describe the server rather than the request.
func (h *Handler) problem(w http.ResponseWriter, r *http.Request, err error, allowed []hoststate.Action) {
	status, code := classify(err)
	msg := h.scrub.text(err.Error())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	h.log.Log(r.Context(), level, "hostapi: request refused", "method", r.Method,
		"path", hoststate.Truncate(r.URL.Path, hoststate.MaxQuoted), "status", status, "error", msg)
	if status == http.StatusInternalServerError {
		msg = "internal error"
	}
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="driftless"`)
	case http.StatusTooManyRequests:
		if s := retryAfter(err); s != "" {
			w.Header().Set("Retry-After", s)
		}
	}
	h.writeJSON(w, status, Problem{Error: msg, Code: code, Allowed: allowed})
}
