package hostapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/driftless/driftless/hostapi"
)

func FuzzDecodeActionRequest(f *testing.F) {
	for _, s := range []string{`{"action":"stop"}`, `{"action":" Start "}`, `{"action":1}`, `{"action":"stop","x":1}`, `{}`, `[]`, `null`, `{"action":"stop"}{}`, "{\"action\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := hostapi.DecodeActionRequest(body)
		if err != nil {
			if !errors.Is(err, hostapi.ErrBadRequest) {
				t.Fatalf("error %v does not match ErrBadRequest", err)
			}
			if !utf8.ValidString(err.Error()) || len(err.Error()) > 512 {
				t.Fatalf("error text unbounded or invalid: %q", err.Error())
			}
			return
		}
		if !a.Valid() {
			t.Fatalf("decoded an invalid action %v from %q", a, body)
		}
	})
}

func FuzzDecodeHeartbeat(f *testing.F) {
	f.Add([]byte(`{"host_id":"h1","version":"1.0","bootstrap":"done","address":"10.0.0.1:443"}`), "h1")
	f.Add([]byte(`{"host_id":"h1","address":"[::1]:80"}`), "h1")
	f.Add([]byte(`{"host_id":"h2"}`), "h1")
	f.Add([]byte(`{"host_id":"h1","version":"\u0000"}`), "h1")
	f.Add([]byte(nil), "h1")
	f.Fuzz(func(t *testing.T, body []byte, id string) {
		req, err := hostapi.DecodeHeartbeat(body, id)
		if err != nil {
			if !errors.Is(err, hostapi.ErrBadRequest) {
				t.Fatalf("error %v does not match ErrBadRequest", err)
			}
			return
		}
		if req.HostID != id {
			t.Fatalf("accepted host_id %q for path id %q", req.HostID, id)
		}
		if len(req.Version) > hostapi.MaxVersion || len(req.Address) > hostapi.MaxAddress {
			t.Fatalf("accepted oversized fields: %+v", req)
		}
	})
}

func FuzzParseTokens(f *testing.F) {
	f.Add("h1 tok-1\nh2 tok-2\n")
	f.Add("# c\n\n h1\ttok\n")
	f.Add("h1 tok\nh1 tok2\n")
	f.Fuzz(func(t *testing.T, text string) {
		auth, err := hostapi.ParseTokens(strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, hostapi.ErrConfig) {
				t.Fatalf("error %v does not match ErrConfig", err)
			}
			return
		}
		// Every listed pair authenticates as listed.
		for _, line := range strings.Split(text, "\n") {
			fs := strings.Fields(line)
			if len(fs) != 2 || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if host, err := auth.Authenticate(context.Background(), fs[1]); err != nil || host != fs[0] {
				t.Fatalf("token of %q authenticates as %q, %v", fs[0], host, err)
			}
		}
	})
}

// FuzzHandler sends arbitrary requests through the whole handler: nothing
// panics, nothing is a 500, and every API answer is JSON.
func FuzzHandler(f *testing.F) {
	seeds := []struct{ method, path, body, auth string }{
		{"GET", "/api/hosts", "", ""},
		{"GET", "/api/hosts?status=off&limit=2&cursor=Z2NwLW9mZg", "", ""},
		{"GET", "/api/hosts/" + gcpRunning, "", ""},
		{"POST", "/api/hosts/" + gcpRunning + "/actions", `{"action":"stop"}`, ""},
		{"POST", "/api/hosts/" + gcpOff + "/actions", `{"action":"start"}`, ""},
		{"POST", "/api/hosts/" + fresh + "/reconcile", ``, ""},
		{"POST", "/api/hosts/" + gcpRunning + "/heartbeat", heartbeatBody(gcpRunning), "Bearer " + testTokens[gcpRunning]},
		{"POST", "/api/hosts/" + gcpOff + "/bootstrap-done", ``, "Bearer " + testTokens[gcpOff]},
		{"GET", "/api/actions/x", "", ""},
		{"DELETE", "/api/hosts/x", "", ""},
		{"GET", "/", "", ""},
		{"GET", "/static/app.js", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.body, s.auth)
	}
	e := newEnv(f, envConfig{maxActions: 8})
	f.Fuzz(func(t *testing.T, method, target, body, auth string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
			return
		}
		if path.Clean(u.Path) == "/api/events" {
			return // a stream: it answers by never ending
		}
		req, err := http.NewRequestWithContext(context.Background(), method, target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code >= 500 && w.Code != http.StatusBadGateway && w.Code != http.StatusServiceUnavailable && w.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
		}
		if strings.HasPrefix(u.Path, "/api/") && w.Code != http.StatusMovedPermanently && w.Code != http.StatusMethodNotAllowed {
			if !json.Valid(bytes.TrimSpace(w.Body.Bytes())) {
				t.Fatalf("%s %s: %d answer is not JSON: %q", method, target, w.Code, w.Body)
			}
		}
	})
}
