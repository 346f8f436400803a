package hostapi

import (
	"fmt"
	"net/http"

	"github.com/driftless/driftless/hoststate"
)

// Decision is what a reconcile decided for one host (hoststate.Change on
// the wire).
type Decision struct {
	// From and To are the status before and after; equal when nothing
	// changed.
	From hoststate.Status `json:"from"`
	To   hoststate.Status `json:"to"`
	// Changed reports whether the status changed.
	Changed bool `json:"changed"`
	// Reason says why it changed or was held, in words.
	Reason string `json:"reason"`
	// Target is the status the observation pointed to, and Count how many
	// consecutive observations agree on it.
	Target hoststate.Status `json:"target"`
	Count  int              `json:"count"`
}

// ReconcileResult answers POST /api/hosts/{id}/reconcile.
type ReconcileResult struct {
	// Decision is what the reconciler decided (and wrote, unless it runs
	// dry).
	Decision Decision `json:"decision"`
	// Host is the host as it is now.
	Host Host `json:"host"`
}

// reconcileHost answers POST /api/hosts/{id}/reconcile.
func (h *Handler) reconcileHost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := validID(id); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := readBody(w, r, true); err != nil {
		h.fail(w, r, err)
		return
	}
	if h.cfg.Reconciler == nil {
		h.fail(w, r, fmt.Errorf("%w: no Reconciler", ErrNotConfigured))
		return
	}
	ch, err := h.cfg.Reconciler.ReconcileNow(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.cfg.Store.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.reply(w, r, http.StatusOK, ReconcileResult{
		Decision: Decision{From: ch.From, To: ch.To, Changed: ch.Changed(), Reason: ch.Reason.String(), Target: ch.Target, Count: ch.Count},
		Host:     h.host(r.Context(), rec, h.cfg.Clock.Now()),
	})
}
