package hostapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// t0 is when every test's fake clock starts.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// The fleet every env holds. Tokens are the daemons' bearer tokens.
const (
	gcpRunning    = "gcp-running"
	gcpOff        = "gcp-off"
	lambdaRunning = "lambda-running"
	hsRunning     = "hs-running"
	silent        = "gcp-silent" // running, never heartbeats: stale
	fresh         = "gcp-fresh"  // in the cloud but never observed
)

// tokens are the host daemons' tokens in every env.
var testTokens = map[string]string{
	gcpRunning: "tok-gcp-running-0123456789",
	gcpOff:     "tok-gcp-off-0123456789",
	hsRunning:  "tok-hs-running-0123456789",
}

// env is a fake cloud, a store, the shared registry, Actions, a reconciler
// and the handler over them.
type env struct {
	t       testing.TB
	clock   *clocktest.Clock
	cloud   *fakes.Cloud
	store   *store.MemStore
	reg     *kernel.Registry
	actions *waiter.Actions
	rec     *reconcile.Reconciler
	h       *hostapi.Handler
}

// envConfig tweaks an env.
type envConfig struct {
	// providers replaces the cloud's providers.
	providers func(c *fakes.Cloud) []provider.Provider
	secrets   []string
	store     func(*store.MemStore) store.Store
	keepAlive time.Duration
	// maxActions bounds the remembered actions.
	maxActions int
}

// hostRef returns a valid reference for kind named after id.
func hostRef(kind, id string) provider.Host {
	switch kind {
	case fakes.GCP:
		return provider.Host{Project: "proj", Zone: "zone-a", Instance: id, Volume: id + "-disk"}
	case fakes.Lambda:
		return provider.Host{Region: "region-1", Instance: id}
	case fakes.Hyperstack: // a Hyperstack volume is a decimal id
		h := fnv.New32a()
		h.Write([]byte(id))
		return provider.Host{Region: "region-1", Instance: id, Volume: fmt.Sprint(1 + h.Sum32()%1_000_000)}
	case fakes.SelfHost:
		return provider.Host{Project: "connector-1", Instance: id}
	}
	return provider.Host{Project: "proj", Region: "region-1", Instance: id, Volume: id + "-vol"}
}

func newEnv(t testing.TB, cfg envConfig) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, clock: clocktest.New(t0)}
	e.cloud = fakes.NewCloud(e.clock, 3)
	e.store = store.NewMemStore(store.MemConfig{Now: e.clock.Now})
	type host struct {
		id, kind string
		running  bool
		status   hoststate.Status
		seen     bool
	}
	fleet := []host{
		{gcpRunning, fakes.GCP, true, hoststate.StatusRunning, true},
		{gcpOff, fakes.GCP, false, hoststate.StatusOff, false},
		{lambdaRunning, fakes.Lambda, true, hoststate.StatusRunning, true},
		{hsRunning, fakes.Hyperstack, true, hoststate.StatusRunning, true},
		{silent, fakes.GCP, true, hoststate.StatusRunning, false},
		{fresh, fakes.GCP, true, hoststate.StatusUnknown, false},
	}
	for _, h := range fleet {
		ref := hostRef(h.kind, h.id)
		if err := e.cloud.AddHost(h.kind, ref, h.running); err != nil {
			t.Fatal(err)
		}
		rec := hoststate.Record{ID: h.id, Provider: h.kind, Ref: ref, Status: h.status, BootstrapDone: true}
		if h.status != hoststate.StatusUnknown {
			// Observed long ago, so a silent daemon is stale at once.
			rec.Since = t0.Add(-time.Hour)
			tr := e.cloud.Truth(h.kind, ref)
			rec.Observed, rec.ObservedVolume, rec.ProviderStatus, rec.Address = tr.VM, tr.Volume, tr.RawVM, tr.Address
			rec.ObservedAt = t0.Add(-time.Minute)
		}
		if h.seen {
			rec.LastSeen = t0
		}
		if _, err := e.store.Update(ctx, store.Write{Record: rec, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	var provs []provider.Provider
	if cfg.providers != nil {
		provs = cfg.providers(e.cloud)
	} else {
		for _, k := range []string{fakes.GCP, fakes.Lambda, fakes.Hyperstack} {
			provs = append(provs, e.cloud.Provider(k))
		}
	}
	var err error
	e.reg, err = kernel.New(kernel.Config{Providers: provs, RateLimit: 1000, Burst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var st store.Store = e.store
	if cfg.store != nil {
		st = cfg.store(e.store)
	}
	e.actions, err = waiter.New(waiter.Config{Store: st, Registry: e.reg, Clock: e.clock, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.actions.Close)
	e.rec, err = reconcile.New(reconcile.Config{Store: st, Clock: e.clock, Registry: e.reg})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := hostapi.NewStaticTokens(testTokens)
	if err != nil {
		t.Fatal(err)
	}
	e.h, err = hostapi.New(hostapi.Config{
		Store: st, Registry: e.reg, Actions: e.actions, Reconciler: e.rec, Authenticator: auth,
		Clock: e.clock, Secrets: cfg.secrets, KeepAlive: cfg.keepAlive, MaxActions: cfg.maxActions,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.h.Close)
	return e
}

// answer is one recorded response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// decode unmarshals the body into v, failing the test if it is not JSON.
func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("body is not the JSON expected (%v): %s", err, a.body)
	}
}

// problem decodes an error answer.
func (a answer) problem(t testing.TB) hostapi.Problem {
	t.Helper()
	var p hostapi.Problem
	a.decode(t, &p)
	return p
}

// do sends one request to the handler in-process.
func (e *env) do(method, path, body string, header ...string) answer {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(context.Background(), method, path, rd)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	return answer{status: w.Code, header: w.Header(), body: bytes.Clone(w.Body.Bytes())}
}

// get returns the stored record of id.
func (e *env) get(id string) hoststate.Record {
	e.t.Helper()
	r, err := e.store.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// bearer is an Authorization header pair for host id's token.
func bearer(id string) []string {
	return []string{"Authorization", "Bearer " + testTokens[id]}
}

// wireHost is hostapi.Host as a client decodes it: hoststate.HostView's
// flags and liveness marshal as words that it does not unmarshal.
type wireHost struct {
	ID            string             `json:"id"`
	Status        hoststate.Status   `json:"status"`
	Reason        string             `json:"reason"`
	Action        hoststate.Action   `json:"action"`
	Offered       []hoststate.Action `json:"offered"`
	Observed      hoststate.VMState  `json:"observed"`
	Liveness      string             `json:"liveness"`
	Label         string             `json:"label"`
	Flags         []string           `json:"flags"`
	LastSeen      time.Time          `json:"last_seen"`
	Provider      string             `json:"provider"`
	BootstrapDone bool               `json:"bootstrap_done"`
	ProbeError    string             `json:"probe_error"`
	PendingCount  int                `json:"pending_count"`
	Version       uint64             `json:"version"`
	// ConnectorReport is a self-host connector's latest report.
	ConnectorReport *store.Report `json:"connector_report"`
}

// hasFlag reports whether h carries the flag named f.
func (h wireHost) hasFlag(f hoststate.Flags) bool { return slices.Contains(h.Flags, f.String()) }

// wireList is hostapi.HostList on the client side.
type wireList struct {
	Hosts []wireHost `json:"hosts"`
	Next  string     `json:"next"`
	Now   time.Time  `json:"now"`
}

// wireDetail is hostapi.HostDetail on the client side.
type wireDetail struct {
	Host     wireHost           `json:"host"`
	History  []store.Transition `json:"history"`
	Timeline hostapi.Timeline   `json:"timeline"`
}
