package rest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Example shows how an adapter uses the client: a base URL that must be
// https unless an emulator is allowed, a credential header set on every
// request, path segments escaped one by one, and a failure to get any
// answer classified as unavailability, which callers back off from.
func Example() {
	const key = "example-key"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("api_key") != key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"path":%q}`, r.URL.EscapedPath())
	}))
	defer srv.Close()

	opts := rest.Options{
		Name:           "demo",
		BaseURL:        "http://api.example/v1",
		Authorize:      func(h http.Header) { h.Set("api_key", key) },
		MaxBodyBytes:   1 << 20,
		RequestTimeout: 10 * time.Second,
	}
	// Plain http carries the key in the clear: refused unless allowed.
	_, err := rest.New(opts)
	fmt.Println(err)

	opts.BaseURL, opts.AllowInsecureHTTP = srv.URL+"/v1", true
	c, err := rest.New(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	resp, err := c.Do(ctx, "get vm", http.MethodGet, []string{"core", "virtual-machines", "vm 1"}, nil, nil)
	fmt.Println(resp.Status, resp.OK(), string(resp.Body), err)

	// No answer at all (here: the server is gone) is unavailability.
	srv.Close()
	_, err = c.Do(ctx, "get vm", http.MethodGet, []string{"core", "virtual-machines", "vm 1"}, nil, nil)
	err = rest.TransportError("demo", "get vm", err)
	fmt.Println(errors.Is(err, provider.ErrUnavailable), provider.Transient(err))

	// Logs and String methods say whether a key is set, never what it is.
	fmt.Println(rest.KeyState(key))
	// Output:
	// demo: base URL "http://api.example/v1" must be https (set AllowInsecureHTTP for a local emulator)
	// 200 true {"path":"/v1/core/virtual-machines/vm%201"} <nil>
	// true true
	// [redacted]
}
