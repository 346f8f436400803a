package emulators

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// maxRequestBody bounds request bodies: the emulated APIs take small JSON.
const maxRequestBody = 1 << 20

// errorRenderer writes the provider's error answer for status and message.
type errorRenderer func(w http.ResponseWriter, status int, message string)

// Server is one running emulator: an httptest server in front of a
// fakes.Cloud. Close it when done.
type Server struct {
	srv    *httptest.Server
	cloud  *fakes.Cloud
	kind   string
	base   string
	render errorRenderer
	// rateLimit writes the provider's rate-limit answer; status 0 means
	// its usual one (429; Compute Engine: 403 rateLimitExceeded).
	rateLimit errorRenderer
	mux       *http.ServeMux
	// requests counts every request received, recognized or not.
	requests atomic.Int64

	mu     sync.Mutex
	faults []*Fault
}

// newServer builds the common part of an emulator serving its API under
// base; routes registers the provider's handlers, and auth (nil for none)
// vets each request before anything else.
func newServer(cloud *fakes.Cloud, kind, base string, render errorRenderer, auth func(*http.Request) bool, routes func(*Server)) *Server {
	s := &Server{cloud: cloud, kind: kind, base: base, render: render, mux: http.NewServeMux()}
	s.rateLimit = func(w http.ResponseWriter, status int, message string) {
		render(w, cmpOr(status, http.StatusTooManyRequests), message)
	}
	routes(s)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		if auth != nil && !auth(r) {
			render(w, http.StatusUnauthorized, "invalid API key")
			return
		}
		if f := s.takeFault(r); f != nil {
			f.apply(w, r, s.mux, render, s.rateLimit)
			return
		}
		if _, pattern := s.mux.Handler(r); pattern == "" {
			// What a front end answers for a path it does not route: not
			// the provider's envelope, so never a resource's absence.
			writeRaw(w, http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
			return
		}
		s.mux.ServeHTTP(w, r)
	}))
	return s
}

// URL is the emulator's root URL (http://127.0.0.1:port): the endpoint
// of the Compute Engine SDK.
func (s *Server) URL() string { return s.srv.URL }

// BaseURL is the root of the emulated API, as the adapters' BaseURL takes
// it: URL() plus "/v1" for Hyperstack, "/api/v1" for Lambda, nothing for
// Compute Engine.
func (s *Server) BaseURL() string { return s.srv.URL + s.base }

// Close shuts the emulator down, ending answers still pending.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Cloud returns the simulated cloud behind the emulator.
func (s *Server) Cloud() *fakes.Cloud { return s.cloud }

// AddHost adds a host of the emulated kind to the cloud (see
// fakes.Cloud.AddHost); hosts added to the cloud directly are served
// alike.
func (s *Server) AddHost(h provider.Host, running bool) error {
	return s.cloud.AddHost(s.kind, h, running)
}

// Requests returns how many requests the emulator has received, whatever
// they asked and however they were answered: a test of input validation
// checks that it did not move.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// InjectHTTPFault adds an HTTP-level fault; faults apply in the order they
// were added, one per request.
func (s *Server) InjectHTTPFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearHTTPFaults removes every HTTP-level fault.
func (s *Server) ClearHTTPFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching r, counting it down.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(r) {
			continue
		}
		if f.Skip > 0 {
			f.Skip--
			continue
		}
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

// call counts one API call on the cloud and, when the cloud draws a fault
// for it, answers as the provider would and returns false.
func (s *Server) call(w http.ResponseWriter, method string) bool {
	err := s.cloud.InjectFault(s.kind, method)
	if err == nil {
		return true
	}
	var rl *provider.RateLimitError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((rl.RetryAfter+time.Second-1)/time.Second)))
		}
		s.rateLimit(w, 0, "Rate Limit Exceeded")
	case errors.Is(err, context.DeadlineExceeded):
		s.render(w, http.StatusGatewayTimeout, "upstream request timeout")
	default:
		s.render(w, http.StatusServiceUnavailable, "service unavailable")
	}
	return false
}

// writeJSON writes a 200 answer.
func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

// writeJSONStatus writes a JSON answer with status.
func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "emulator: encode answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, "application/json", b)
}
