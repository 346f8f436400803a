package emulators

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what an HTTP fault does to an answer.
type FaultKind uint8

// HTTP faults.
const (
	// FaultStatus answers Fault.Status (default 500) with Fault.Body, or
	// the provider's own error body when Body is empty.
	FaultStatus FaultKind = iota + 1
	// FaultRateLimit answers the provider's rate-limit answer — 429 with
	// its error body; Compute Engine's usual 403 rateLimitExceeded — or
	// the same body with Fault.Status when set (a Compute Engine 429),
	// and, when Fault.RetryAfter is set, a Retry-After header.
	FaultRateLimit
	// FaultHTML answers Fault.Status (default 502) with an HTML page, as a
	// proxy or load balancer does.
	FaultHTML
	// FaultMalformed answers 200 with JSON that does not parse.
	FaultMalformed
	// FaultTruncated answers with the real status and the first half of
	// the real body.
	FaultTruncated
	// FaultHuge answers 200 with a well-formed JSON body of Fault.Size
	// bytes (default 8 MiB), beyond any sane size cap.
	FaultHuge
	// FaultSlow never answers: the handler waits until the request's
	// context ends (the client gave up or the server closed).
	FaultSlow
	// FaultRedirect answers Fault.Status (default 307) with a Location of
	// Fault.Location, as a hijacked or misconfigured front end would: a
	// client must not follow it with its credentials.
	FaultRedirect
)

// Fault is one HTTP-level fault.
type Fault struct {
	// Kind is what the fault does.
	Kind FaultKind
	// Method and Path select the requests it applies to: an exact method
	// ("" = any) and a substring of the path ("" = any).
	Method, Path string
	// Skip is how many matching requests pass untouched before the fault
	// applies (e.g. 1 breaks the second page of a listing).
	Skip int
	// Count is how many matching requests it applies to; 0 means every
	// one until [Server.ClearHTTPFaults].
	Count int
	// Status is the status of FaultStatus and FaultHTML.
	Status int
	// Body replaces the body of FaultStatus.
	Body string
	// Message is the message of the provider's own error body that
	// FaultStatus (without Body) and FaultRateLimit answer with; "" means
	// a stock one.
	Message string
	// RetryAfter is the Retry-After of FaultRateLimit, in whole seconds.
	RetryAfter time.Duration
	// Size is the body size of FaultHuge.
	Size int64
	// Location is where FaultRedirect points.
	Location string
}

// HyperstackBare500 is Hyperstack's 500 answer with no envelope at all.
const HyperstackBare500 = `{"message":"Internal Server Error"}`

// defaultHugeSize is FaultHuge's body size: twice the adapters' cap.
const defaultHugeSize = 8 << 20

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || f.Method == r.Method) && strings.Contains(r.URL.Path, f.Path)
}

// apply answers r as f says; next is the real handler (for truncation).
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, next http.Handler, render, rateLimit errorRenderer) {
	switch f.Kind {
	case FaultStatus:
		status := cmpOr(f.Status, http.StatusInternalServerError)
		if f.Body != "" {
			writeRaw(w, status, "application/json", []byte(f.Body))
			return
		}
		render(w, status, cmpOrString(f.Message, "injected failure"))
	case FaultRateLimit:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
		}
		rateLimit(w, f.Status, cmpOrString(f.Message, "Rate Limit Exceeded"))
	case FaultHTML:
		status := cmpOr(f.Status, http.StatusBadGateway)
		page := fmt.Sprintf("<!DOCTYPE html><html><head><title>%d %s</title></head><body><h1>%s</h1></body></html>",
			status, http.StatusText(status), http.StatusText(status))
		writeRaw(w, status, "text/html; charset=utf-8", []byte(page))
	case FaultMalformed:
		writeRaw(w, http.StatusOK, "application/json", []byte(`{"status": true, "data": [1, 2,`))
	case FaultTruncated:
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		writeRaw(w, rec.Code, rec.Header().Get("Content-Type"), body[:len(body)/2])
	case FaultHuge:
		size := f.Size
		if size <= 0 {
			size = defaultHugeSize
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"pad":"`))
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for left := size; left > 0; left -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(int64(len(chunk)), left)]); err != nil {
				return // the client stopped reading
			}
		}
		_, _ = w.Write([]byte(`"}`))
	case FaultSlow:
		<-r.Context().Done()
	case FaultRedirect:
		w.Header().Set("Location", f.Location)
		writeRaw(w, cmpOr(f.Status, http.StatusTemporaryRedirect), "text/plain; charset=utf-8", []byte("redirect\n"))
	}
}

// cmpOr returns v, or def when v is zero.
func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// cmpOrString returns v, or def when v is empty.
func cmpOrString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// writeRaw writes one complete answer.
func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
