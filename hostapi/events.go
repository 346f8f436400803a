package hostapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// events answers GET /api/events with a text/event-stream of the store's
// status changes (see the package doc).
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	if h.closed() {
		h.fail(w, r, ErrClosed)
		return
	}
	rc := http.NewResponseController(w)
	ctx := r.Context()
	feed, err := h.cfg.Store.Subscribe(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	// Proxies that buffer would hold events back until the stream ends.
	hd.Set("X-Accel-Buffering", "no")
	// A stream lives past any write timeout the server sets for requests.
	_ = rc.SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	// The retry hint paces the browser's reconnects after a reset or a
	// restart; the comment makes the headers go out at once.
	if _, err := fmt.Fprint(w, "retry: 2000\n: driftless events\n\n"); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	keep := time.NewTicker(h.cfg.KeepAlive)
	defer keep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.life.Done():
			return
		case <-keep.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case t, ok := <-feed:
			if !ok {
				// Cut off for falling behind: tell the page to re-read,
				// and end so its EventSource reconnects afresh.
				_, _ = fmt.Fprint(w, "event: reset\ndata: {}\n\n")
				_ = rc.Flush()
				return
			}
			t.Reason = h.scrub.text(t.Reason)
			b, err := json.Marshal(t)
			if err != nil {
				h.log.Warn("hostapi: encoding a transition", "error", h.scrub.text(err.Error()))
				continue
			}
			if _, err := fmt.Fprintf(w, "event: transition\ndata: %s\n\n", b); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}
