package emulators_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius/nebiuspb"
)

// update rewrites the golden files: go test ./fakes/emulators -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files of the emulators' answers")

// golden compares got with testdata/golden/name, or writes it with -update.
// The files are the answers in the real APIs' shapes (status codes,
// envelopes, reasons, details) as the providers' own references and SDKs
// give them; a change to one is a change to what the adapters are tested
// against, reviewed as such.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, got, want)
	}
}

// answer renders an HTTP answer for a golden file: the status line, then
// the body, indented.
func answer(t *testing.T, code int, body []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	fmt.Fprintf(&out, "HTTP %d %s\n", code, http.StatusText(code))
	if err := json.Indent(&out, body, "", "  "); err != nil {
		t.Fatalf("the body is not JSON: %s", body)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// TestGoldenHTTPAnswers pins the error answers the HTTP emulators send.
func TestGoldenHTTPAnswers(t *testing.T) {
	ctx := context.Background()
	cloud := fakes.NewCloud(nil, 1, fakes.WithDurations(fakes.Durations{}))
	gcp := emulators.NewGCP(cloud)
	t.Cleanup(gcp.Close)
	hs := emulators.NewHyperstack(cloud, "hs-key")
	t.Cleanup(hs.Close)
	lam := emulators.NewLambda(cloud, "lambda-key")
	t.Cleanup(lam.Close)
	for _, h := range []struct {
		kind string
		host provider.Host
	}{
		{fakes.GCP, gcpHost},
		{fakes.Hyperstack, provider.Host{Instance: "host-1", Volume: "1001"}},
		{fakes.Lambda, provider.Host{Instance: "0920582c7ff041399e34823a0be62549"}},
	} {
		if err := cloud.AddHost(h.kind, h.host, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := cloud.SetLocalSSD(fakes.GCP, gcpHost, true); err != nil {
		t.Fatal(err)
	}
	hsKey := http.Header{"Api_key": {"hs-key"}}
	lamKey := http.Header{"Authorization": {"Bearer lambda-key"}}
	for _, tc := range []struct {
		name, method, url, body string
		header                  http.Header
		fault                   *emulators.Fault
		srv                     *emulators.Server
	}{
		{name: "gcp-404-instance.txt", srv: gcp, method: "GET", url: "/compute/v1/projects/proj-1/zones/zone-a/instances/vm-404"},
		{name: "gcp-403-rate-limit.txt", srv: gcp, method: "GET", url: instancePath, fault: &emulators.Fault{Kind: emulators.FaultRateLimit}},
		{name: "gcp-429-rate-limit.txt", srv: gcp, method: "GET", url: instancePath, fault: &emulators.Fault{Kind: emulators.FaultRateLimit, Status: 429}},
		{name: "gcp-400-local-ssd-stop.txt", srv: gcp, method: "POST", url: instancePath + "/stop"},
		{name: "gcp-400-resume-running.txt", srv: gcp, method: "POST", url: instancePath + "/resume"},
		{name: "gcp-409-insert-exists.txt", srv: gcp, method: "POST", url: "/compute/v1/projects/proj-1/zones/zone-a/instances",
			body: `{"name":"vm-1","machineType":"zones/zone-a/machineTypes/n1-standard-1"}`},
		{name: "gcp-400-disk-in-use.txt", srv: gcp, method: "DELETE", url: "/compute/v1/projects/proj-1/zones/zone-a/disks/disk-1"},
		{name: "hyperstack-404-vm.txt", srv: hs, header: hsKey, method: "GET", url: "/v1/core/virtual-machines/999"},
		{name: "hyperstack-400-volume-attached.txt", srv: hs, header: hsKey, method: "DELETE", url: "/v1/core/volumes/1001"},
		{name: "hyperstack-400-name-not-available.txt", srv: hs, header: hsKey, method: "POST", url: "/v1/core/virtual-machines",
			body: `{"name":"host-1","volume_name":"1001","count":1}`},
		{name: "hyperstack-400-start-not-shutoff.txt", srv: hs, header: hsKey, method: "GET", url: "/v1/core/virtual-machines/%VM%/start"},
		{name: "hyperstack-429.txt", srv: hs, header: hsKey, method: "GET", url: "/v1/core/volumes/1001", fault: &emulators.Fault{Kind: emulators.FaultRateLimit}},
		{name: "hyperstack-401.txt", srv: hs, method: "GET", url: "/v1/core/volumes/1001"},
		{name: "lambda-404-instance.txt", srv: lam, header: lamKey, method: "GET", url: "/api/v1/instances/00000000000000000000000000000000"},
		{name: "lambda-400-launch.txt", srv: lam, header: lamKey, method: "POST", url: "/api/v1/instance-operations/launch", body: `{"name":"x"}`},
		{name: "lambda-429.txt", srv: lam, header: lamKey, method: "GET", url: "/api/v1/instances", fault: &emulators.Fault{Kind: emulators.FaultRateLimit}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.srv.ClearHTTPFaults()
			if tc.fault != nil {
				tc.srv.InjectHTTPFault(*tc.fault)
			}
			vm, _ := cloud.RawVM(fakes.Hyperstack, "host-1")
			url := tc.srv.URL() + strings.ReplaceAll(tc.url, "%VM%", vm.ID)
			code, _, body := get(t, ctx, tc.method, url, tc.header, tc.body)
			golden(t, tc.name, answer(t, code, body))
		})
	}
}

// TestGoldenNebiusStatuses pins the statuses and ServiceError details the
// Nebius gRPC emulator sends.
func TestGoldenNebiusStatuses(t *testing.T) {
	w := newNebiusWire(t)
	for _, tc := range []struct {
		name  string
		fault *emulators.NebiusWireFault
		id    string
	}{
		{name: "nebius-not-found.txt", id: "computeinstance-e00none"},
		{name: "nebius-too-many-requests.txt", fault: &emulators.NebiusWireFault{Kind: emulators.NebiusTooManyRequests}},
		{name: "nebius-quota-failure.txt", fault: &emulators.NebiusWireFault{Kind: emulators.NebiusQuotaFailure}},
		{name: "nebius-not-enough-resources.txt", fault: &emulators.NebiusWireFault{Kind: emulators.NebiusNotEnoughResources}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.emu.ClearWireFaults()
			if tc.fault != nil {
				w.emu.InjectWireFault(*tc.fault)
			}
			id := tc.id
			if id == "" {
				id = w.host.Instance
			}
			_, err := w.instances.Get(authed(), &nebiuspb.GetInstanceRequest{Id: id})
			st, ok := status.FromError(err)
			if !ok || err == nil {
				t.Fatalf("Get: %v, want a status", err)
			}
			b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(st.Proto())
			if err != nil {
				t.Fatal(err)
			}
			// protojson's spacing is deliberately unstable: normalize it.
			var out bytes.Buffer
			if err := json.Indent(&out, compact(t, b), "", "  "); err != nil {
				t.Fatal(err)
			}
			out.WriteByte('\n')
			golden(t, tc.name, out.Bytes())
		})
	}
}

// compact removes insignificant space from JSON.
func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
