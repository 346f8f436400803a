package gcp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/google/go-cmp/cmp"
	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	"google.golang.org/protobuf/proto"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/provider"
)

// answer is one HTTP answer a listing can get.
type answer struct {
	status int
	header http.Header
	body   string
	short  bool // the body ends before its Content-Length
}

// listAnswers are the answers whose classification the lean listing must
// share with the SDK's: the emulators' golden GCP errors and what the
// conformance suite injects.
func listAnswers(t *testing.T) map[string]answer {
	answers := map[string]answer{
		"html 404":          {status: 404, header: http.Header{"Content-Type": {"text/html"}}, body: "<html><body>Not Found</body></html>"},
		"foreign 404":       {status: 404, body: `{"message":"no Route matched with those values"}`},
		"bare 503":          {status: 503},
		"google 500":        {status: 500, body: `{"error":{"code":500,"message":"Internal error. Please try again or contact Google Support. (Code: 'xyz')","errors":[{"message":"Internal error","domain":"global","reason":"backendError"}]}}`},
		"429 retry-after":   {status: 429, header: http.Header{"Retry-After": {"7"}}, body: `{"error":{"code":429,"message":"Too many","errors":[{"reason":"rateLimitExceeded"}]}}`},
		"429 date":          {status: 429, header: http.Header{"Retry-After": {"Fri, 02 Jan 2026 03:05:00 GMT"}}},
		"redirect":          {status: 302, header: http.Header{"Location": {"https://attacker.example/steal"}}},
		"401":               {status: 401, body: `{"error":{"code":401,"message":"Request had invalid authentication credentials. Bearer ya29.secret","errors":[{"reason":"required"}]}}`},
		"403 permission":    {status: 403, body: `{"error":{"code":403,"message":"Required 'compute.instances.list' permission for 'projects/proj-1'","errors":[{"reason":"forbidden"}]}}`},
		"403 quota":         {status: 403, body: `{"error":{"code":403,"message":"Quota exceeded","errors":[{"reason":"quotaExceeded"}]}}`},
		"400 bad filter":    {status: 400, body: `{"error":{"code":400,"message":"Invalid value for field 'filter'","errors":[{"reason":"invalid"}]}}`},
		"ok malformed":      {status: 200, body: `{"items":{"zones/a":{"instances":[{"name":}]}}}`},
		"ok html":           {status: 200, header: http.Header{"Content-Type": {"text/html"}}, body: "<html>maintenance</html>"},
		"ok empty":          {status: 200},
		"ok oversized":      {status: 200, body: `{"kind":"` + strings.Repeat("x", 4096) + `"}`},
		"ok short":          {status: 200, body: `{"items":{}}`, short: true},
		"ok incomplete":     {status: 200, body: `{"items":{"zones/us-central1-a":{"instances":[{"name":"vm-x"}]}}}`},
		"ok unreachable":    {status: 200, body: `{"items":{"zones/us-central1-a":{"warning":{"code":"UNREACHABLE","message":"down"}}}}`},
		"ok unreachables":   {status: 200, body: `{"items":{},"unreachables":["zones/us-central1-b"]}`},
		"ok listing":        {status: 200, body: `{"items":{"zones/us-central1-a":{"instances":[{"name":"vm-x","status":"RUNNING"}]}}}`},
		"gateway 504 plain": {status: 504, header: http.Header{"Content-Type": {"text/plain"}}, body: "upstream request timeout"},
	}
	goldens, err := filepath.Glob("../../fakes/emulators/testdata/golden/gcp-*.txt")
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden GCP answers: %v", err)
	}
	for _, path := range goldens {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		line, body, _ := strings.Cut(string(b), "\n")
		code, err := strconv.Atoi(strings.Fields(strings.TrimPrefix(line, "HTTP "))[0])
		if err != nil {
			t.Fatalf("%s: status line %q", path, line)
		}
		answers["golden "+filepath.Base(path)] = answer{status: code, header: http.Header{"Content-Type": {"application/json; charset=UTF-8"}}, body: body}
	}
	return answers
}

// TestListErrorsClassifyAsSDK: every answer fails (or succeeds) the lean
// listing with the error the SDK's AggregatedList got classified as: same
// message, classes, retry hint and googleapi error.
func TestListErrorsClassifyAsSDK(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, a := range listAnswers(t) {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range a.header {
					w.Header()[k] = v
				}
				if a.short {
					w.Header().Set("Content-Length", strconv.Itoa(len(a.body)+100))
				}
				w.WriteHeader(a.status)
				_, _ = w.Write([]byte(a.body))
			}))
			defer srv.Close()
			p, err := New(context.Background(), Config{AllowInsecureHTTP: true, Clock: clocktest.New(now), MaxBodyBytes: 2048},
				option.WithEndpoint(srv.URL), option.WithoutAuthentication())
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			call := "list instances proj-1"
			it := p.instances.AggregatedList(context.Background(), &computepb.AggregatedListInstancesRequest{
				Project: "proj-1", MaxResults: proto.Uint32(DefaultPageSize),
			}, noRetry())
			_, sdkErr := it.Next()
			if sdkErr == nil || errors.Is(sdkErr, iterator.Done) {
				// The SDK decoded the answer; what the adapter made of it.
				_, _, sdkErr = sdkVMs([]byte(a.body))
			}
			want := p.classify(call, sdkErr)
			_, got := p.ListPage(context.Background(), "proj-1", "")
			sameError(t, got, want)
		})
	}
}

// sameError fails t unless got and want are the same classified error.
func sameError(t *testing.T, got, want error) {
	t.Helper()
	if (got == nil) != (want == nil) {
		t.Fatalf("error %v, the SDK's %v", got, want)
	}
	if got == nil {
		return
	}
	if got.Error() != want.Error() {
		t.Errorf("message %q, the SDK's %q", got, want)
	}
	for _, class := range []error{provider.ErrUnavailable, provider.ErrBadResponse, provider.ErrNotFound, provider.ErrConflict,
		provider.ErrRetryableConflict, provider.ErrRefused, errIncomplete, errPartial, errBodyTooLarge} {
		if errors.Is(got, class) != errors.Is(want, class) {
			t.Errorf("errors.Is(%v): %v, the SDK's %v", class, errors.Is(got, class), errors.Is(want, class))
		}
	}
	var grl, wrl *provider.RateLimitError
	if errors.As(got, &grl) != errors.As(want, &wrl) || grl != nil && grl.RetryAfter != wrl.RetryAfter {
		t.Errorf("rate limit %+v, the SDK's %+v", grl, wrl)
	}
	var gg, wg *googleapi.Error
	if errors.As(got, &gg) != errors.As(want, &wg) {
		t.Fatalf("googleapi error %v, the SDK's %v", gg, wg)
	}
	if gg != nil {
		type view struct {
			Code    int
			Message string
			Body    string
			Errors  []googleapi.ErrorItem
		}
		if diff := cmp.Diff(view{wg.Code, wg.Message, wg.Body, wg.Errors}, view{gg.Code, gg.Message, gg.Body, gg.Errors}); diff != "" {
			t.Errorf("googleapi error (-SDK +lean):\n%s", diff)
		}
	}
	var ga, wa *apierror.APIError
	if errors.As(got, &ga) != errors.As(want, &wa) {
		t.Errorf("apierror %v, the SDK's %v", ga, wa)
	}
}

// TestListRequestIsTheSDKs: a listing sends the request the SDK's
// AggregatedList sends for it (path, filter, maxResults, pageToken and
// headers, but the SDK's x-goog-api-client telemetry), plus the fields
// mask, with and without labels to filter on.
func TestListRequestIsTheSDKs(t *testing.T) {
	type request struct {
		url    *url.URL
		header http.Header
	}
	var got []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, request{r.URL, r.Header.Clone()})
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	for _, labels := range []map[string]string{{"fleet": "a-b", "env": "prod"}, nil} {
		p, err := New(context.Background(), Config{AllowInsecureHTTP: true, PageSize: 7, Labels: labels},
			option.WithEndpoint(srv.URL), option.WithoutAuthentication())
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		for _, tc := range []struct{ token, collection, fields string }{
			{"", "instances", instanceFields}, {"tok/1+2", "instances", instanceFields}, {"tok=3", "disks", diskFields}, {"", "disks", diskFields},
		} {
			name := fmt.Sprintf("labels %v, %s token %q", labels, tc.collection, tc.token)
			got = nil
			phase := phaseInstances
			if tc.collection == "disks" {
				phase = phaseDisks
			}
			if _, err := p.ListPage(context.Background(), "proj-1", phase+tc.token); err != nil {
				t.Fatal(err)
			}
			filter, size := optional(p.filter()), uint32(p.maxResults())
			if tc.collection == "instances" {
				_, err = p.instances.AggregatedList(context.Background(), &computepb.AggregatedListInstancesRequest{
					Project: "proj-1", Filter: filter, MaxResults: &size, PageToken: optional(tc.token)}, noRetry()).Next()
			} else {
				_, err = p.disks.AggregatedList(context.Background(), &computepb.AggregatedListDisksRequest{
					Project: "proj-1", Filter: filter, MaxResults: &size, PageToken: optional(tc.token)}, noRetry()).Next()
			}
			if !errors.Is(err, iterator.Done) {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("%s: %d requests", name, len(got))
			}
			lean, sdk := got[0].url.Query(), got[1].url.Query()
			if lean.Get("fields") != tc.fields {
				t.Errorf("%s: fields %q, want %q", name, lean.Get("fields"), tc.fields)
			}
			if (labels == nil) != !sdk.Has("filter") {
				t.Errorf("%s: the SDK's filter %q", name, sdk.Get("filter"))
			}
			lean.Del("fields")
			if diff := cmp.Diff(sdk, lean); diff != "" || got[0].url.Path != got[1].url.Path {
				t.Errorf("%s: query (-SDK +lean):\n%s\npath %s, SDK %s", name, diff, got[0].url.Path, got[1].url.Path)
			}
			sdkHeader := got[1].header.Clone()
			sdkHeader.Del("X-Goog-Api-Client")
			if diff := cmp.Diff(sdkHeader, got[0].header); diff != "" {
				t.Errorf("%s: headers (-SDK +lean):\n%s", name, diff)
			}
		}
	}
}

// optional returns nil for "", as the SDK's requests leave a parameter out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// TestGoogleMessageCredentialsRedacted: a credential Google's message
// echoes (a bearer token, an OAuth access token, an API key) never
// reaches an error, whether from a listing, a probe or an operation.
func TestGoogleMessageCredentialsRedacted(t *testing.T) {
	host := provider.Host{Project: "proj-1", Zone: "us-central1-a", Instance: "vm-1", Volume: "disk-1"}
	calls := map[string]func(*Provider) error{
		"list": func(p *Provider) error { _, err := p.ListPage(context.Background(), "proj-1", ""); return err },
		"list disks": func(p *Provider) error {
			_, err := p.ListPage(context.Background(), "proj-1", phaseDisks)
			return err
		},
		"probe": func(p *Provider) error { _, err := p.Probe(context.Background(), host); return err },
	}
	for name, a := range map[string]answer{
		"401 bearer":       {status: 401, body: `{"error":{"code":401,"message":"Request had invalid authentication credentials. Bearer ya29.secret","errors":[{"reason":"required"}]}}`},
		"401 lower bearer": {status: 401, body: `{"error":{"code":401,"message":"token: bearer SeCrEt-Value.1 rejected","errors":[{"reason":"required"}]}}`},
		"403 access token": {status: 403, body: `{"error":{"code":403,"message":"access token YA29.a0Secret_x-y rejected for 'projects/proj-1'","errors":[{"reason":"forbidden"}]}}`},
		"403 api key":      {status: 403, body: `{"error":{"code":403,"message":"API key AIzaSyDsecretsecretsecretsecretsecret12 not valid","errors":[{"reason":"forbidden"}]}}`},
		"429 bearer":       {status: 429, body: `{"error":{"code":429,"message":"Too many for Bearer ya29.secret","errors":[{"reason":"rateLimitExceeded"}]}}`},
		"400 bearer":       {status: 400, body: `{"error":{"code":400,"message":"Bearer ya29.secret is not valid here","errors":[{"reason":"invalid"}]}}`},
		"404 other":        {status: 404, body: `{"error":{"code":404,"message":"The resource 'projects/proj-1' was not found (Bearer ya29.secret)","errors":[{"reason":"notFound"}]}}`},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(a.status)
			_, _ = w.Write([]byte(a.body))
		}))
		p, err := New(context.Background(), Config{AllowInsecureHTTP: true}, option.WithEndpoint(srv.URL), option.WithoutAuthentication())
		if err != nil {
			t.Fatal(err)
		}
		for call, do := range calls {
			err := do(p)
			if err == nil {
				t.Fatalf("%s, %s: no error", name, call)
			}
			for _, shown := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err)} {
				if strings.Contains(strings.ToLower(shown), "secret") {
					t.Errorf("%s, %s: the echoed credential shows: %s", name, call, shown)
				}
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("%s, %s: %v does not say what was redacted", name, call, err)
			}
		}
		_ = p.Close()
		srv.Close()
	}
	op := &computepb.Operation{Name: proto.String("op-1"), Status: computepb.Operation_DONE.Enum(), Error: &computepb.Error{
		Errors: []*computepb.Errors{{Code: proto.String("PERMISSION"), Message: proto.String("Bearer ya29.secret")}}}}
	if err := opError("start", op); err == nil || strings.Contains(strings.ToLower(fmt.Sprintf("%v %+v %#v", err, err, err)), "secret") {
		t.Errorf("operation error %v", err)
	}
	op = &computepb.Operation{Name: proto.String("op-1"), Status: computepb.Operation_DONE.Enum(),
		HttpErrorStatusCode: proto.Int32(403), HttpErrorMessage: proto.String("bearer ya29.secret")}
	if err := opError("start", op); err == nil || strings.Contains(strings.ToLower(fmt.Sprintf("%v %+v %#v", err, err, err)), "secret") {
		t.Errorf("operation error %v", err)
	}
}
