package rest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/provider"
)

func TestNewChecksBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api.example/v1":  true,
		"http://127.0.0.1:1/v1":   false,
		"https://u:p@api.example": false,
		"https://api.example/?q":  false,
		"/relative":               false,
		"ftp://api.example":       false,
	} {
		_, err := New(Options{Name: "x", BaseURL: raw, Authorize: func(http.Header) {}})
		if (err == nil) != ok {
			t.Errorf("%q: err = %v", raw, err)
		}
		if err != nil && strings.Contains(err.Error(), "u:p") {
			t.Errorf("%q: credentials leaked into %v", raw, err)
		}
	}
	if _, err := New(Options{Name: "x", BaseURL: "http://127.0.0.1:1", AllowInsecureHTTP: true, Authorize: func(http.Header) {}}); err != nil {
		t.Errorf("explicitly allowed http refused: %v", err)
	}
}

func TestDoCapsBodiesAndRefusesRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = w.Write([]byte(strings.Repeat("x", 100)))
		case "/redirect":
			w.Header().Set("Location", "https://elsewhere.example/")
			w.WriteHeader(http.StatusFound)
		default:
			if r.Header.Get("Key") != "k" || r.URL.EscapedPath() != "/a%20b" {
				w.WriteHeader(http.StatusUnauthorized)
			}
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	c, err := New(Options{Name: "x", BaseURL: srv.URL, AllowInsecureHTTP: true, MaxBodyBytes: 10, RequestTimeout: time.Second,
		Authorize: func(h http.Header) { h.Set("Key", "k") }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if resp, err := c.Do(ctx, "get", http.MethodGet, []string{"a b"}, nil, nil); err != nil || !resp.OK() {
		t.Fatalf("escaped path with key: %v %v", resp.Status, err)
	}
	_, err = c.Do(ctx, "big", http.MethodGet, []string{"big"}, nil, nil)
	if !errors.Is(TransportError("x", "big", err), provider.ErrBadResponse) {
		t.Fatalf("oversized body: %v", err)
	}
	if resp, err := c.Do(ctx, "redirect", http.MethodGet, []string{"redirect"}, nil, nil); err != nil || resp.Status != http.StatusFound {
		t.Fatalf("redirect followed: %v %v", resp.Status, err)
	}
	_, err = c.Do(ctx, "enc", http.MethodPost, nil, nil, func() {})
	if !errors.Is(err, ErrBuildRequest) || errors.Is(TransportError("x", "enc", err), provider.ErrUnavailable) {
		t.Fatalf("unencodable body: %v", err)
	}
}
