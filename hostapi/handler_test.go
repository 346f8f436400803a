package hostapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/store"
)

// panickyStore panics on List, as a broken store might.
type panickyStore struct{ store.Store }

func (panickyStore) List(context.Context, store.Filter) ([]hoststate.Record, error) {
	panic("store blew up")
}

func TestPanicIsA500(t *testing.T) {
	e := newEnv(t, envConfig{store: func(m *store.MemStore) store.Store { return panickyStore{m} }})
	a := e.do("GET", "/api/hosts", "")
	if a.status != http.StatusInternalServerError {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if p := a.problem(t); p.Code != "internal" || strings.Contains(p.Error, "blew up") {
		t.Errorf("problem %+v: want a bare internal error", p)
	}
}

func TestNewRefusesIncompleteConfig(t *testing.T) {
	e := newEnv(t, envConfig{})
	for name, cfg := range map[string]hostapi.Config{
		"no store":    {Registry: e.reg},
		"no registry": {Store: e.store},
		"interval past stale": {Store: e.store, Registry: e.reg,
			Policy: hoststate.Policy{StaleAfter: 60e9}, HeartbeatInterval: 60e9},
	} {
		if _, err := hostapi.New(cfg); !errors.Is(err, hostapi.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
}

func TestDashboardPage(t *testing.T) {
	e := newEnv(t, envConfig{})
	a := e.do("GET", "/", "")
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %q", a.status, a.header.Get("Content-Type"))
	}
	page := string(a.body)
	for _, want := range []string{"<title>driftless</title>", `src="static/app.js"`, `id="initial">{"hosts":[`, `"id":"` + gcpRunning + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	for _, asset := range []string{"/static/app.js", "/static/style.css"} {
		if a := e.do("GET", asset, ""); a.status != http.StatusOK || len(a.body) < 100 {
			t.Errorf("%s: %d, %d bytes", asset, a.status, len(a.body))
		}
	}
	if a := e.do("GET", "/static/", ""); a.status != http.StatusNotFound {
		t.Errorf("directory listing: %d", a.status)
	}
	// Nothing on the page loads from elsewhere: it works offline.
	for _, asset := range []string{"/", "/static/app.js", "/static/style.css"} {
		body := string(e.do("GET", asset, "").body)
		for _, far := range []string{"http://", "https://", "//cdn"} {
			if i := strings.Index(body, far); i >= 0 && !strings.Contains(body[i:min(len(body), i+40)], "www.w3.org/2000/svg") {
				t.Errorf("%s refers to %q", asset, body[i:min(len(body), i+40)])
			}
		}
	}
}

// A host id that is markup lands on the page as data, never as markup.
func TestDashboardEscapes(t *testing.T) {
	e := newEnv(t, envConfig{})
	id := `</script><script>alert(1)</script>`
	if _, err := e.store.Update(t.Context(), store.Write{Record: hoststate.Record{ID: id, Provider: "gcp"}}); err != nil {
		t.Fatal(err)
	}
	page := string(e.do("GET", "/", "").body)
	if strings.Contains(page, id) {
		t.Errorf("the id is on the page unescaped")
	}
}

// Paging by cursor visits every host once, in id order, whatever the page
// size and the ids.
func TestPagingProperty(t *testing.T) {
	reg := newEnv(t, envConfig{}).reg
	rapid.Check(t, func(t *rapid.T) {
		valid := func(id string) bool { return store.ValidID(id) == nil }
		ids := rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z0-9/ é-]{1,12}`).Filter(valid), 0, 30, rapid.ID).Draw(t, "ids")
		limit := rapid.IntRange(1, 8).Draw(t, "limit")
		mem := store.NewMemStore(store.MemConfig{})
		for _, id := range ids {
			if _, err := mem.Update(context.Background(), store.Write{Record: hoststate.Record{ID: id}}); err != nil {
				t.Fatal(err)
			}
		}
		h, err := hostapi.New(hostapi.Config{Store: mem, Registry: reg})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		cursor := ""
		for range len(ids) + 2 {
			q := "/api/hosts?limit=" + strconv.Itoa(limit)
			if cursor != "" {
				q += "&cursor=" + url.QueryEscape(cursor)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", q, nil))
			var list wireList
			if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil {
				t.Fatalf("%s: %v: %s", q, err, w.Body)
			}
			for _, h := range list.Hosts {
				got = append(got, h.ID)
			}
			if cursor = list.Next; cursor == "" {
				break
			}
		}
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("paged %q, want %q", got, want)
		}
	})
}
