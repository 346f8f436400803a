package hostapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

func TestListHosts(t *testing.T) {
	e := newEnv(t, envConfig{})
	a := e.do("GET", "/api/hosts", "")
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var list wireList
	a.decode(t, &list)
	byID := map[string]wireHost{}
	var ids []string
	for _, h := range list.Hosts {
		byID[h.ID] = h
		ids = append(ids, h.ID)
	}
	if want := []string{fresh, gcpOff, gcpRunning, silent, hsRunning, lambdaRunning}; !cmp.Equal(ids, want) {
		t.Errorf("ids %v, want %v (id order)", ids, want)
	}
	offered := map[string][]hoststate.Action{
		gcpRunning:    {hoststate.ActionStop, hoststate.ActionReboot, hoststate.ActionDeprovision},
		gcpOff:        {hoststate.ActionStart, hoststate.ActionReprovision, hoststate.ActionDeprovision},
		lambdaRunning: {hoststate.ActionReboot, hoststate.ActionDeprovision}, // Lambda cannot stop
	}
	for id, want := range offered {
		if diff := cmp.Diff(want, byID[id].Offered); diff != "" {
			t.Errorf("%s offered (-want +got):\n%s", id, diff)
		}
	}
	if h := byID[gcpRunning]; h.Provider != "gcp" || h.Status != hoststate.StatusRunning || h.Label != "running / active" {
		t.Errorf("gcp-running = %+v", h)
	}
	if h := byID[silent]; !h.hasFlag(hoststate.FlagStale) || h.Label != "running / host offline" {
		t.Errorf("silent host not stale: %+v", h)
	}
	if h := byID[fresh]; !h.hasFlag(hoststate.FlagUnknown) {
		t.Errorf("fresh host not flagged unknown: %+v", h)
	}
	if !list.Now.Equal(t0) {
		t.Errorf("now %v, want the server clock's %v", list.Now, t0)
	}
	// The wire form names flags and enums, and carries no reference.
	for _, needle := range []string{`"flags":["stale"`, `"status":"running"`, `"offered":["stop","reboot","deprovision"]`} {
		if !strings.Contains(string(a.body), needle) {
			t.Errorf("body lacks %s", needle)
		}
	}
	for _, secret := range []string{"proj", "zone-a", "-disk"} {
		if strings.Contains(string(a.body), secret) {
			t.Errorf("body shows the provider reference %q", secret)
		}
	}
}

func TestListHostsFilters(t *testing.T) {
	e := newEnv(t, envConfig{})
	tests := []struct {
		query string
		want  []string
	}{
		{"status=off", []string{gcpOff}},
		{"status=off,unknown", []string{fresh, gcpOff}},
		{"status=off&status=unknown", []string{fresh, gcpOff}},
		{"provider=lambda", []string{lambdaRunning}},
		{"provider=gcp&status=running", []string{gcpRunning, silent}},
		{"provider=nobody", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			a := e.do("GET", "/api/hosts?"+tc.query, "")
			var list wireList
			a.decode(t, &list)
			var ids []string
			for _, h := range list.Hosts {
				ids = append(ids, h.ID)
			}
			if !cmp.Equal(ids, tc.want) {
				t.Errorf("got %v, want %v", ids, tc.want)
			}
			if !strings.Contains(string(a.body), `"hosts":[`) {
				t.Errorf("hosts is not a list: %s", a.body)
			}
		})
	}
}

func TestListHostsPaging(t *testing.T) {
	e := newEnv(t, envConfig{})
	var got []string
	cursor := ""
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatal("paging does not end")
		}
		q := "/api/hosts?limit=4"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var list wireList
		e.do("GET", q, "").decode(t, &list)
		if len(list.Hosts) > 4 {
			t.Fatalf("page of %d hosts with limit 4", len(list.Hosts))
		}
		for _, h := range list.Hosts {
			got = append(got, h.ID)
		}
		if list.Next == "" {
			break
		}
		cursor = list.Next
	}
	want := []string{fresh, gcpOff, gcpRunning, silent, hsRunning, lambdaRunning}
	if !cmp.Equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
}

func TestListHostsBadQuery(t *testing.T) {
	e := newEnv(t, envConfig{})
	for _, q := range []string{
		"status=sleeping", "limit=0", "limit=-1", "limit=1001", "limit=ten",
		"cursor=%25%25", "cursor=" + strings.Repeat("A", 400), "provider=" + strings.Repeat("x", 100),
		"cursor=", // empty is fine: see below
	} {
		a := e.do("GET", "/api/hosts?"+q, "")
		if q == "cursor=" {
			if a.status != http.StatusOK {
				t.Errorf("%s: status %d", q, a.status)
			}
			continue
		}
		if a.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", q, a.status, a.body)
			continue
		}
		if p := a.problem(t); p.Code != "bad_request" {
			t.Errorf("%s: code %q", q, p.Code)
		}
	}
}

func TestGetHost(t *testing.T) {
	e := newEnv(t, envConfig{})
	a := e.do("GET", "/api/hosts/"+gcpRunning, "")
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var d wireDetail
	a.decode(t, &d)
	if d.Host.ID != gcpRunning || d.Host.Status != hoststate.StatusRunning {
		t.Errorf("host %+v", d.Host)
	}
	if len(d.History) != 1 || d.History[0].To != hoststate.StatusRunning {
		t.Errorf("history %+v, want the one write that created the host", d.History)
	}
	if len(d.Timeline.Status) == 0 || d.Timeline.Status[len(d.Timeline.Status)-1].Value != "running" {
		t.Errorf("timeline %+v does not end running", d.Timeline)
	}
}

func TestGetHostErrors(t *testing.T) {
	e := newEnv(t, envConfig{})
	tests := []struct {
		path   string
		status int
		code   string
	}{
		{"/api/hosts/nobody", http.StatusNotFound, "not_found"},
		{"/api/hosts/" + strings.Repeat("x", 300), http.StatusBadRequest, "bad_request"},
		{"/api/hosts/%FF", http.StatusBadRequest, "bad_request"},
		{"/api/nothing", http.StatusNotFound, "not_found"},
		{"/api/actions/nope", http.StatusNotFound, "not_found"},
	}
	for _, tc := range tests {
		a := e.do("GET", tc.path, "")
		if a.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.path, a.status, tc.status, a.body)
			continue
		}
		if p := a.problem(t); p.Code != tc.code {
			t.Errorf("%s: code %q, want %q", tc.path, p.Code, tc.code)
		}
	}
}

// A host id may hold a slash: escaped in the path, it is one segment.
func TestHostIDWithSlash(t *testing.T) {
	e := newEnv(t, envConfig{})
	a := e.do("GET", "/api/hosts/"+url.PathEscape("a/b"), "")
	if a.status != http.StatusNotFound {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if !strings.Contains(a.problem(t).Error, `"a/b"`) {
		t.Errorf("the id was not read as a/b: %s", a.body)
	}
}

func TestOfferedIsNeverNull(t *testing.T) {
	e := newEnv(t, envConfig{})
	var list wireList
	e.do("GET", "/api/hosts", "").decode(t, &list)
	for _, h := range list.Hosts {
		if h.Offered == nil {
			t.Errorf("%s: offered is null", h.ID)
		}
		if h.ID == hsRunning && !slices.Contains(h.Offered, hoststate.ActionReboot) {
			t.Errorf("hyperstack running host offers %v", h.Offered)
		}
	}
}

// A self-host's view carries its connector's latest report, with when the
// store received it; other hosts carry none.
func TestConnectorReportInTheView(t *testing.T) {
	e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
		return []provider.Provider{c.Provider(fakes.GCP), c.Provider(fakes.SelfHost)}
	}})
	ctx := context.Background()
	const id = "selfhost-1"
	ref := hostRef(fakes.SelfHost, id)
	if _, err := e.store.Update(ctx, store.Write{Record: hoststate.Record{ID: id, Provider: fakes.SelfHost, Ref: ref, Status: hoststate.StatusRunning}}); err != nil {
		t.Fatal(err)
	}
	var d wireDetail
	e.do("GET", "/api/hosts/"+id, "").decode(t, &d)
	if d.Host.ConnectorReport != nil {
		t.Fatalf("no report yet, the view has %+v", d.Host.ConnectorReport)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.store.PutReport(ctx, id, store.Report{State: "running", Address: "192.0.2.7"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	e.do("GET", "/api/hosts/"+id, "").decode(t, &d)
	want := &store.Report{State: "running", Address: "192.0.2.7", At: t0.Add(time.Minute)}
	if diff := cmp.Diff(want, d.Host.ConnectorReport); diff != "" {
		t.Errorf("connector report (-want +got):\n%s", diff)
	}
	var g wireDetail
	e.do("GET", "/api/hosts/"+gcpRunning, "").decode(t, &g)
	if g.Host.ConnectorReport != nil {
		t.Errorf("a GCP host's view has a connector report: %+v", g.Host.ConnectorReport)
	}
}

// reportCounter counts how a handler reads connector reports.
type reportCounter struct {
	*store.MemStore
	one, many atomic.Int32
}

func (c *reportCounter) Report(ctx context.Context, id string) (store.Report, error) {
	c.one.Add(1)
	return c.MemStore.Report(ctx, id)
}

func (c *reportCounter) Reports(ctx context.Context, ids []string) (map[string]store.Report, error) {
	c.many.Add(1)
	return c.MemStore.Reports(ctx, ids)
}

// The host list and the dashboard read a page's connector reports in one
// store call, not one per self-host, and each view carries its own.
func TestHostListReadsReportsInOneCall(t *testing.T) {
	counter := &reportCounter{}
	e := newEnv(t, envConfig{
		providers: func(c *fakes.Cloud) []provider.Provider {
			return []provider.Provider{c.Provider(fakes.GCP), c.Provider(fakes.SelfHost)}
		},
		store: func(m *store.MemStore) store.Store { counter.MemStore = m; return counter },
	})
	ctx := context.Background()
	want := map[string]string{}
	for i := range 5 {
		id := fmt.Sprintf("selfhost-%d", i)
		if _, err := e.store.Update(ctx, store.Write{Record: hoststate.Record{ID: id, Provider: fakes.SelfHost, Ref: hostRef(fakes.SelfHost, id), Status: hoststate.StatusRunning}}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			addr := fmt.Sprintf("192.0.2.%d", 10+i)
			if _, err := e.store.PutReport(ctx, id, store.Report{State: "running", Address: addr}); err != nil {
				t.Fatal(err)
			}
			want[id] = addr
		}
	}
	var l wireList
	e.do("GET", "/api/hosts", "").decode(t, &l)
	got := map[string]string{}
	for _, h := range l.Hosts {
		if h.ConnectorReport != nil {
			got[h.ID] = h.ConnectorReport.Address
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("connector reports in the list (-want +got):\n%s", diff)
	}
	if one, many := counter.one.Load(), counter.many.Load(); one != 0 || many != 1 {
		t.Errorf("the list read reports with %d Report and %d Reports calls, want 0 and 1", one, many)
	}
	e.do("GET", "/", "")
	if one, many := counter.one.Load(), counter.many.Load(); one != 0 || many != 2 {
		t.Errorf("the dashboard read reports with %d Report and %d Reports calls (in all), want 0 and 2", one, many)
	}
}
