package emulators

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
	"github.com/google/go-cmp/cmp"
)

// The masks the gcp adapter sends with its aggregated lists.
const (
	gcpInstanceFields = "items/*/instances(name,id,status,networkInterfaces/accessConfigs/natIP),items/*/warning/code,nextPageToken,unreachables"
	gcpDiskFields     = "items/*/disks(name,status),items/*/warning/code,nextPageToken,unreachables"
)

// sameJSON fails t unless got and want are the same JSON value.
func sameJSON(t *testing.T, name string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: masked answer %s: %v", name, got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: want %s: %v", name, want, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func TestFieldMask(t *testing.T) {
	doc := `{"kind":"k","id":"123","items":{` +
		`"zones/a":{"instances":[{"name":"vm-1","id":"18446744073709551615","status":"RUNNING","zone":"z","networkInterfaces":[{"name":"nic0","accessConfigs":[{"name":"n","natIP":"192.0.2.1"}]},{"name":"nic1"}],"labels":{"a":"b"}}]},` +
		`"zones/b":{"warning":{"code":"NO_RESULTS_ON_PAGE","message":"none","data":[{"key":"scope","value":"zones/b"}]}}},` +
		`"nextPageToken":"t","unreachables":["zones/c"],"selfLink":"s"}`
	tests := []struct {
		name, mask, want string
	}{
		{"one field", "kind", `{"kind":"k"}`},
		{"several", "kind,nextPageToken,unreachables", `{"kind":"k","nextPageToken":"t","unreachables":["zones/c"]}`},
		{"absent field", "nothing", `{}`},
		{"number keeps its text", "items/*/instances/id", `{"items":{"zones/a":{"instances":[{"id":"18446744073709551615"}]}}}`},
		{"wildcard scope", "items/*/warning/code", `{"items":{"zones/b":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`},
		{"whole subtree", "items/*/warning", `{"items":{"zones/b":{"warning":{"code":"NO_RESULTS_ON_PAGE","message":"none","data":[{"key":"scope","value":"zones/b"}]}}}}`},
		{"sub-selection", "items/*/instances(name,labels)", `{"items":{"zones/a":{"instances":[{"name":"vm-1","labels":{"a":"b"}}]}}}`},
		{"array elements without selection kept empty", "items/*/instances/networkInterfaces/accessConfigs/natIP",
			`{"items":{"zones/a":{"instances":[{"networkInterfaces":[{"accessConfigs":[{"natIP":"192.0.2.1"}]},{}]}]}}}`},
		{"an entry without the selected fields stays listed", "items/*/instances/hostname",
			`{"items":{"zones/a":{"instances":[{}]}}}`},
		{"scalar has no members", "kind/x", `{}`},
		{"merged paths", "items/*/instances/name,items/*/instances(status)", `{"items":{"zones/a":{"instances":[{"name":"vm-1","status":"RUNNING"}]}}}`},
		{"whole wins", "items/*/instances/name,items/*/instances", `{"items":{"zones/a":{"instances":[{"name":"vm-1","id":"18446744073709551615","status":"RUNNING","zone":"z","networkInterfaces":[{"name":"nic0","accessConfigs":[{"name":"n","natIP":"192.0.2.1"}]},{"name":"nic1"}],"labels":{"a":"b"}}]}}}`},
		{"the adapter's instance mask", gcpInstanceFields,
			`{"items":{"zones/a":{"instances":[{"name":"vm-1","id":"18446744073709551615","status":"RUNNING","networkInterfaces":[{"accessConfigs":[{"natIP":"192.0.2.1"}]},{}]}]},"zones/b":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}},"nextPageToken":"t","unreachables":["zones/c"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkMask(t, doc, tt.mask, tt.want) })
	}
}

// checkMask applies mask to doc and compares the answer with want.
func checkMask(t *testing.T, doc, mask, want string) {
	t.Helper()
	m, err := parseFieldMask(mask)
	if err != nil {
		t.Fatalf("parse %q: %v", mask, err)
	}
	got, err := maskBytes([]byte(doc), m)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, mask, got, []byte(want))
}

// TestFieldMaskNamedAndWildcard: a member named in the mask also gets
// what "*" selects of every member, and the other way round.
func TestFieldMaskNamedAndWildcard(t *testing.T) {
	doc := `{"items":{"foo":{"instances":[{"name":"vm-1","status":"RUNNING"}],"warning":{"code":"UNREACHABLE","message":"m"}},` +
		`"bar":{"instances":[{"name":"vm-2","status":"RUNNING"}],"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`
	for _, tt := range []struct{ mask, want string }{
		{"items/foo/instances,items/*/warning",
			`{"items":{"foo":{"instances":[{"name":"vm-1","status":"RUNNING"}],"warning":{"code":"UNREACHABLE","message":"m"}},"bar":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`},
		{"items/*/warning/code,items/foo/warning/message",
			`{"items":{"foo":{"warning":{"code":"UNREACHABLE","message":"m"}},"bar":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`},
		{"items/foo(instances/name),items/*(instances/status)",
			`{"items":{"foo":{"instances":[{"name":"vm-1","status":"RUNNING"}]},"bar":{"instances":[{"status":"RUNNING"}]}}}`},
		{"items/foo,items/*/warning/code",
			`{"items":{"foo":{"instances":[{"name":"vm-1","status":"RUNNING"}],"warning":{"code":"UNREACHABLE","message":"m"}},"bar":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`},
	} {
		checkMask(t, doc, tt.mask, tt.want)
	}
}

func TestParseFieldMaskRejects(t *testing.T) {
	deep := strings.Repeat("a/", maxMaskDepth) + "a"
	nested := strings.Repeat("a(", maxMaskDepth) + "a" + strings.Repeat(")", maxMaskDepth)
	for _, mask := range []string{"", ",", "a,", "a/", "/a", "a(", "a(b", "a()", "a)b", "a(b))", "a b", "a.b", "a(b,)", "a//b", deep, nested,
		strings.Repeat("a(", 100000)} {
		if _, err := parseFieldMask(mask); err == nil {
			t.Errorf("parseFieldMask(%q) accepted", mask)
		}
	}
}

// TestFieldMaskOfGoldenInstance: the adapter's benchmark answers a partial
// listing with provider/gcp/testdata/instance-fields.json; it must be what
// the emulator's mask makes of the real-size golden instance.
// TestParseFieldMaskDepth: a selection maxMaskDepth members deep, by path
// or by parentheses, is accepted; one deeper is refused, and the
// emulator answers it 400.
func TestParseFieldMaskDepth(t *testing.T) {
	for _, mask := range []string{
		strings.Repeat("a/", maxMaskDepth-1) + "a",
		strings.Repeat("a(", maxMaskDepth-1) + "a" + strings.Repeat(")", maxMaskDepth-1),
		strings.Repeat("a/", maxMaskDepth/2-1) + "a(" + strings.Repeat("a/", maxMaskDepth/2-1) + "a)",
	} {
		if _, err := parseFieldMask(mask); err != nil {
			t.Errorf("parseFieldMask(%q): %v", mask, err)
		}
	}
	cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
	srv := NewGCP(cloud)
	defer srv.Close()
	deep := strings.Repeat("items(", maxMaskDepth) + "kind" + strings.Repeat(")", maxMaskDepth)
	if status, body := fetch(t, srv.URL()+"/compute/v1/projects/proj-1/aggregated/instances?fields="+url.QueryEscape(deep)); status != http.StatusBadRequest {
		t.Errorf("a selection deeper than %d got %d %s, want 400", maxMaskDepth, status, body)
	}
}

func TestFieldMaskOfGoldenInstance(t *testing.T) {
	dir := filepath.Join("..", "..", "provider", "gcp", "testdata")
	full, err := os.ReadFile(filepath.Join(dir, "instance.json"))
	if err != nil {
		t.Fatal(err)
	}
	partial, err := os.ReadFile(filepath.Join(dir, "instance-fields.json"))
	if err != nil {
		t.Fatal(err)
	}
	page := func(kind string, inst []byte) []byte {
		return []byte(`{` + kind + `"items":{"zones/us-central1-a":{"instances":[` + string(inst) + `]}}}`)
	}
	mask, err := parseFieldMask(gcpInstanceFields)
	if err != nil {
		t.Fatal(err)
	}
	got, err := maskBytes(page(`"kind":"compute#instanceAggregatedList",`, full), mask)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "masked instance.json", got, page("", partial))
	if strings.Contains(string(got), "metadata") {
		t.Errorf("the mask kept the metadata: %s", got)
	}
}

// TestGCPListingHonoursFields: the aggregated lists answer only what the
// adapter's masks select, and refuse a selection they cannot parse.
func TestGCPListingHonoursFields(t *testing.T) {
	cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
	srv := NewGCP(cloud)
	defer srv.Close()
	for i, zone := range []string{"zone-a", "zone-a", "zone-b"} {
		h := provider.Host{Project: "proj-1", Zone: zone, Instance: fmt.Sprintf("vm-%d", i), Volume: fmt.Sprintf("disk-%d", i)}
		if err := srv.AddHost(h, true); err != nil {
			t.Fatal(err)
		}
	}
	base := srv.URL() + "/compute/v1/projects/proj-1/aggregated/"
	for _, tc := range []struct {
		collection, mask string
		entryKeys        []string
	}{
		{"instances", gcpInstanceFields, []string{"id", "name", "networkInterfaces", "status"}},
		{"disks", gcpDiskFields, []string{"name", "status"}},
	} {
		status, body := fetch(t, base+tc.collection+"?maxResults=2&fields="+url.QueryEscape(tc.mask))
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.collection, status, body)
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"items", "nextPageToken"}, slices.Sorted(maps.Keys(page))); diff != "" {
			t.Errorf("%s: top-level fields (-want +got):\n%s", tc.collection, diff)
		}
		var items map[string]struct {
			Instances, Disks []map[string]any
			Warning          map[string]any
		}
		if err := json.Unmarshal(page["items"], &items); err != nil {
			t.Fatalf("%s: items %s: %v", tc.collection, page["items"], err)
		}
		entries := append(items["zones/zone-a"].Instances, items["zones/zone-a"].Disks...)
		if diff := cmp.Diff(map[string]any{"code": "NO_RESULTS_ON_PAGE"}, items["zones/zone-b"].Warning); diff != "" {
			t.Errorf("%s: zone-b's warning (-want +got):\n%s", tc.collection, diff)
		}
		if len(entries) != 2 {
			t.Fatalf("%s: zone-a lists %d entries: %s", tc.collection, len(entries), body)
		}
		for _, e := range entries {
			if diff := cmp.Diff(tc.entryKeys, slices.Sorted(maps.Keys(e))); diff != "" {
				t.Errorf("%s: entry fields (-want +got):\n%s", tc.collection, diff)
			}
		}
		if status, body := fetch(t, base+tc.collection+"?fields="+url.QueryEscape("items(")); status != http.StatusBadRequest {
			t.Errorf("%s: an invalid selection got %d %s, want 400", tc.collection, status, body)
		}
	}
	// Without fields the answer is whole.
	if _, body := fetch(t, base+"instances"); !strings.Contains(string(body), `"selfLink"`) {
		t.Errorf("a listing without fields lost fields: %s", body)
	}
}

// fetch GETs url and returns the status and body.
func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// FuzzFieldMask: no selection panics the parser or the masking; an
// accepted one masks a listing into JSON, and a refused one is refused
// with an error.
func FuzzFieldMask(f *testing.F) {
	for _, mask := range []string{gcpInstanceFields, gcpDiskFields, "items/foo/instances,items/*/warning", "a(b(c)),*", strings.Repeat("a(", 40)} {
		f.Add(mask)
	}
	doc := []byte(`{"items":{"zones/a":{"instances":[{"name":"vm-1","networkInterfaces":[{"accessConfigs":[{"natIP":"192.0.2.1"}]},{}]}]},` +
		`"zones/b":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}},"nextPageToken":"t","unreachables":["zones/c"]}`)
	f.Fuzz(func(t *testing.T, s string) {
		mask, err := parseFieldMask(s)
		if err != nil {
			return
		}
		got, err := maskBytes(doc, mask)
		if err != nil || !json.Valid(got) {
			t.Fatalf("mask %q: %s, %v", s, got, err)
		}
	})
}
