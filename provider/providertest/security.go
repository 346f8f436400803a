package providertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/driftless/driftless/provider"
)

// testRedirect: an adapter never follows a redirect: the probe fails and
// the place it points to receives nothing — above all not the adapter's
// credentials.
func testRedirect(w *world) {
	h := w.Host(0)
	w.create(h, true)
	var reached atomic.Int64
	trap := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		reached.Add(1)
		rw.WriteHeader(http.StatusOK)
	}))
	defer trap.Close()
	err := w.failedProbe(h, Fault{Kind: Redirect, Location: trap.URL + "/steal"})
	if errors.Is(err, provider.ErrNotFound) {
		w.t.Errorf("a redirect: %v; want an error that is not absence", err)
	}
	if n := reached.Load(); n != 0 {
		w.t.Errorf("the adapter followed the redirect: %d requests reached its target", n)
	}
}

// testRedaction: the adapter's Provider and Config print without the
// credential through every fmt verb, JSON and slog, by value and by
// pointer, and none of the renderings fails.
func testRedaction(w *world) {
	values := []any{w.Provider}
	if w.Config != nil {
		v := reflect.ValueOf(w.Config)
		ptr := reflect.New(v.Type())
		ptr.Elem().Set(v)
		values = append(values, w.Config, ptr.Interface())
	}
	var out bytes.Buffer
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		if b, err := json.Marshal(v); err != nil {
			// A value JSON cannot render is one a caller's logger cannot
			// either: it must render, without the secret.
			if _, isProvider := v.(provider.Provider); !isProvider {
				w.t.Errorf("JSON of %T: %v", v, err)
			}
		} else {
			out.Write(b)
		}
		slog.New(slog.NewJSONHandler(&out, nil)).Info("render", "value", v)
		slog.New(slog.NewTextHandler(&out, nil)).Info("render", "value", v)
	}
	if w.Secret == "" {
		return
	}
	for _, form := range []string{w.Secret, fmt.Sprintf("%x", w.Secret), fmt.Sprintf("%X", w.Secret)} {
		if strings.Contains(out.String(), form) {
			w.t.Fatalf("the credential shows in a rendering:\n%s", out.String())
		}
	}
}

// testSecretEcho: a provider that echoes the credential back in an error
// message (quoting a rejected key) does not get it into the adapter's
// error.
func testSecretEcho(w *world) {
	if w.Secret == "" {
		w.t.Skip("the adapter holds no credential")
	}
	h := w.Host(0)
	w.create(h, true)
	err := w.failedProbe(h, Fault{Kind: Refused, Status: http.StatusBadRequest, Message: "the key " + w.Secret + " is not valid here"})
	if msg := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(msg, w.Secret) {
		w.t.Errorf("the echoed credential shows in the error: %s", msg)
	}
}

// testCallTimeout: every call has its own deadline: a provider that never
// answers fails the call within about the adapter's per-call timeout even
// when the caller's context allows hours, and the failure is
// unavailability.
func testCallTimeout(w *world) {
	if w.CallTimeout == 0 {
		w.t.Skip("the harness sets no per-call timeout")
	}
	h := w.Host(0)
	w.create(h, true)
	if w.Inject == nil || !w.Inject(Fault{Kind: Hang}) {
		w.t.Skip("the harness cannot inject a hang")
	}
	ctx, cancel := context.WithTimeout(w.ctx(), time.Hour)
	defer cancel()
	began := time.Now()
	_, err := w.Provider.Probe(ctx, h)
	took := time.Since(began)
	if !errors.Is(err, provider.ErrUnavailable) {
		w.t.Errorf("a hung probe: %v, want provider.ErrUnavailable", err)
	}
	if limit := 20*w.CallTimeout + 5*time.Second; took > limit {
		w.t.Errorf("a hung probe took %s with a per-call timeout of %s", took, w.CallTimeout)
	}
}
