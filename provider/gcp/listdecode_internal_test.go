package gcp

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/driftless/driftless/provider"
)

// sdkOptions are the options the SDK's aggregated lists decode with.
var sdkOptions = protojson.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true}

// errSDKDecode marks a body the SDK's protojson decoding refuses.
var errSDKDecode = errors.New("the SDK refuses the body")

// vmCall and volumeCall name the listings the tests decode, as the
// adapter names them for project proj-1.
const (
	vmCall     = "list instances proj-1"
	volumeCall = "list disks proj-1"
)

// sdkVMs is the reference: what the adapter made of an instance listing
// when the SDK decoded it (protojson into computepb, scopes in key order).
func sdkVMs(body []byte) ([]provider.ListedVM, string, error) {
	var resp computepb.InstanceAggregatedList
	if err := sdkOptions.Unmarshal(body, &resp); err != nil {
		return nil, "", fmt.Errorf("%w: %w", errSDKDecode, err)
	}
	var vms []provider.ListedVM
	for _, k := range slices.Sorted(maps.Keys(resp.GetItems())) {
		v := resp.GetItems()[k]
		if v.GetWarning().GetCode() == computepb.Warning_UNREACHABLE.String() {
			return nil, "", errUnreachable(vmCall, k)
		}
		zone, ok := zoneOf(k)
		if !ok && len(v.GetInstances()) == 0 {
			continue
		}
		if !ok {
			return nil, "", &callError{vmCall, provider.ErrBadResponse, "entries under scope " + quote(k) + ", not a zone", errIncomplete}
		}
		for _, inst := range v.GetInstances() {
			if inst.GetName() == "" || inst.Status == nil {
				return nil, "", errIncomplete
			}
			vms = append(vms, provider.ListedVM{Instance: inst.GetName(), Zone: zone, VM: InstanceStates.Normalize(inst.GetStatus()),
				Raw: inst.GetStatus(), Address: natIP(inst), VMID: vmID(inst)})
		}
	}
	if err := checkReachable(vmCall, resp.GetUnreachables()); err != nil {
		return nil, "", err
	}
	return vms, resp.GetNextPageToken(), nil
}

// sdkVolumes is sdkVMs for a disk listing.
func sdkVolumes(body []byte) ([]provider.ListedVolume, string, error) {
	var resp computepb.DiskAggregatedList
	if err := sdkOptions.Unmarshal(body, &resp); err != nil {
		return nil, "", fmt.Errorf("%w: %w", errSDKDecode, err)
	}
	var vols []provider.ListedVolume
	for _, k := range slices.Sorted(maps.Keys(resp.GetItems())) {
		v := resp.GetItems()[k]
		if v.GetWarning().GetCode() == computepb.Warning_UNREACHABLE.String() {
			return nil, "", errUnreachable(volumeCall, k)
		}
		zone, ok := zoneOf(k)
		if !ok && (len(v.GetDisks()) == 0 || strings.HasPrefix(k, "regions/") && k != "regions/") {
			continue
		}
		if !ok {
			return nil, "", &callError{volumeCall, provider.ErrBadResponse, "entries under scope " + quote(k) + ", not a zone", errIncomplete}
		}
		for _, d := range v.GetDisks() {
			if d.GetName() == "" || d.Status == nil {
				return nil, "", errIncomplete
			}
			vols = append(vols, provider.ListedVolume{Volume: d.GetName(), Zone: zone, State: DiskStates.Normalize(d.GetStatus()), Raw: d.GetStatus()})
		}
	}
	if err := checkReachable(volumeCall, resp.GetUnreachables()); err != nil {
		return nil, "", err
	}
	return vols, resp.GetNextPageToken(), nil
}

// leanVMs is what the adapter makes of an instance listing now.
func leanVMs(body []byte) ([]provider.ListedVM, string, error) {
	ls, err := decodeListing(body, "instances", readInstance)
	if err != nil {
		return nil, "", err
	}
	vms, err := listedVMs(vmCall, ls)
	if err != nil {
		return nil, "", err
	}
	return vms, ls.next, nil
}

// leanVolumes is leanVMs for a disk listing.
func leanVolumes(body []byte) ([]provider.ListedVolume, string, error) {
	ls, err := decodeListing(body, "disks", readDisk)
	if err != nil {
		return nil, "", err
	}
	vols, err := listedVolumes(volumeCall, ls)
	if err != nil {
		return nil, "", err
	}
	return vols, ls.next, nil
}

// sameAsSDK fails t unless the lean decoding of body means what the SDK's
// meant: wherever the SDK accepts a body, the same entries, next token and
// error; where it refuses one, the lean decoder may accept it only for
// fields the adapter does not read (it does not type-check them).
func sameAsSDK[E any](t *testing.T, name string, body []byte, sdk, lean func([]byte) ([]E, string, error)) {
	t.Helper()
	wantEntries, wantNext, wantErr := sdk(body)
	gotEntries, gotNext, gotErr := lean(body)
	if errors.Is(wantErr, errSDKDecode) {
		if gotErr != nil && !errors.Is(gotErr, errMalformed) && !errors.Is(gotErr, errIncomplete) && !errors.Is(gotErr, errPartial) {
			t.Errorf("%s: lean error %v is of no known kind", name, gotErr)
		}
		return
	}
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
		t.Fatalf("%s: %q\nlean error %v, SDK error %v", name, body, gotErr, wantErr)
	}
	for _, class := range []error{errIncomplete, errPartial, provider.ErrUnavailable, provider.ErrBadResponse} {
		if errors.Is(gotErr, class) != errors.Is(wantErr, class) {
			t.Errorf("%s: lean error %v and SDK error %v differ on %v", name, gotErr, wantErr, class)
		}
	}
	if diff := cmp.Diff(wantEntries, gotEntries, cmpopts.EquateEmpty()); diff != "" || gotNext != wantNext {
		t.Errorf("%s: %q\nentries (-SDK +lean):\n%s\nnext %q, SDK %q", name, body, diff, gotNext, wantNext)
	}
}

// listBodies are listing answers the decoders must agree on: real-size
// pages, the fields in their proto spelling, nulls, escapes, odd ids,
// scopes out of order, and malformed variants of each.
func listBodies(t testing.TB) map[string]string {
	bodies := map[string]string{
		"empty":                `{}`,
		"no items":             `{"items":{}}`,
		"null items":           `{"items":null,"nextPageToken":null,"unreachables":null}`,
		"disks":                `{"items":{"zones/us-central1-a":{"disks":[{"name":"disk-1","status":"READY","sizeGb":"100"}]},"zones/b":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}},"nextPageToken":"t2"}`,
		"unsorted scopes":      `{"items":{"zones/z":{"instances":[{"name":"a","status":"RUNNING"}]},"zones/a":{"instances":[{"name":"b","status":"TERMINATED","id":7}]}}}`,
		"region scope":         `{"items":{"regions/us-central1":{"instances":[{"status":"RUNNING"}]},"zones/a":{"instances":[{"name":"b","status":"RUNNING"}]}}}`,
		"region empty":         `{"items":{"regions/us-central1":{"instances":[],"warning":{"code":"NO_RESULTS_ON_PAGE"}},"zones/a":{"instances":[{"name":"b","status":"RUNNING"}]}}}`,
		"region unreachable":   `{"items":{"zones/a":{"instances":[{"name":"b","status":"RUNNING"}]},"regions/r":{"warning":{"code":"UNREACHABLE"}}}}`,
		"zoneless unreachable": `{"items":{"zones/":{"warning":{"code":"UNREACHABLE"}},"zones/a":{"instances":[{"name":"b","status":"RUNNING"}]}}}`,
		"zoneless entries":     `{"items":{"zones/":{"instances":[{"name":"b","status":"RUNNING"}]}}}`,
		"regions/ entries":     `{"items":{"regions/":{"instances":[{"name":"b","status":"RUNNING"}]}}}`,
		"proto names":          `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","network_interfaces":[{"access_configs":[{"nat_i_p":"198.51.100.1"}]}]}]}},"next_page_token":"n"}`,
		"escaped key":          `{"items":{"zones/a":{"instances":[{"n\u0061me":"x","status":"RUN\u004eING","id":"12"}]}}}`,
		"escaped zone":         `{"items":{"zones\/a\u00e9":{"instances":[{"name":"x\ud83d\ude00","status":"RUNNING"}]}}}`,
		"null fields":          `{"items":{"zones/a":{"instances":[{"name":"x","status":"","id":null,"networkInterfaces":null}],"warning":null}}}`,
		"null status":          `{"items":{"zones/a":{"instances":[{"name":"x","status":null}]}}}`,
		"empty name":           `{"items":{"zones/a":{"instances":[{"name":"","status":"RUNNING"}]}}}`,
		"second nat":           `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","networkInterfaces":[{"accessConfigs":[{"name":"n"},{"natIP":""}]},{"accessConfigs":[{"natIP":"192.0.2.9"},{"natIP":"192.0.2.10"}]}]}]}}}`,
		"id number":            `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":18446744073709551615}]}}}`,
		"id exponent":          `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":1e3}]}}}`,
		"id exponent str":      `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":"1.5e1"}]}}}`,
		"id leading zero":      `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":"007"}]}}}`,
		"id negative":          `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":-1}]}}}`,
		"id too big":           `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":"18446744073709551616"}]}}}`,
		"id bool":              `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":true}]}}}`,
		"id spaced":            `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":" 1"}]}}}`,
		"unreachable":          `{"items":{"zones/b":{"instances":[{"name":"x","status":"RUNNING"}]},"zones/a":{"warning":{"code":"UNREACHABLE","message":"down"}}}}`,
		"unreachables":         `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING"}]}},"unreachables":["zones/c","zones/d"]}`,
		"incomplete":           `{"items":{"zones/a":{"instances":[{"name":"x"}]}}}`,
		"incomplete first":     `{"items":{"zones/b":{"warning":{"code":"UNREACHABLE"}},"zones/a":{"instances":[{"status":"RUNNING"}]}}}`,
		"dup field":            `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","status":"TERMINATED"}]}}}`,
		"dup spelling":         `{"nextPageToken":"a","next_page_token":"b"}`,
		"dup scope":            `{"items":{"zones/a":{"warning":{"code":"UNREACHABLE"}},"zones/a":{"instances":[]}}}`,
		"dup items":            `{"items":{},"items":{}}`,
		"dup name":             `{"items":{"zones/a":{"instances":[{"name":"x","name":"y","status":"RUNNING"}]}}}`,
		"dup warning":          `{"items":{"zones/a":{"warning":{"code":"UNREACHABLE"},"warning":{"code":"NO_RESULTS_ON_PAGE"}}}}`,
		"dup code":             `{"items":{"zones/a":{"warning":{"code":"UNREACHABLE","code":"NO_RESULTS_ON_PAGE"}}}}`,
		"dup unreachables":     `{"unreachables":["zones/b"],"unreachables":[]}`,
		"dup collection":       `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING"}],"instances":[]}}}`,
		"dup interfaces":       `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","networkInterfaces":[],"network_interfaces":[{"accessConfigs":[{"natIP":"192.0.2.1"}]}]}]}}}`,
		"dup access":           `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","networkInterfaces":[{"accessConfigs":[],"access_configs":[{"natIP":"192.0.2.1"}]}]}]}}}`,
		"dup nat":              `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","networkInterfaces":[{"accessConfigs":[{"natIP":"192.0.2.1","nat_i_p":"192.0.2.2"}]}]}]}}}`,
		"dup id":               `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":"1","id":"2"}]}}}`,
		"case differs":         `{"items":{"zones/a":{"instances":[{"name":"x","NAME":"y","Status":"z","status":"RUNNING"}]}}}`,
		"unknown types":        `{"kind":5,"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","disks":"no","tags":{"items":[1,2.5e-3,true,false,null,{"a":[]}]}}]}}}`,
		"top null":             `null`,
		"top array":            `[]`,
		"trailing":             `{} {}`,
		"trailing comma":       `{"items":{},}`,
		"null scope":           `{"items":{"zones/a":null}}`,
		"null entry":           `{"items":{"zones/a":{"instances":[null]}}}`,
		"null unreachable":     `{"unreachables":[null]}`,
		"number status":        `{"items":{"zones/a":{"instances":[{"name":"x","status":1}]}}}`,
		"array items":          `{"items":[]}`,
		"bad utf8":             "{\"items\":{\"zones/a\":{\"instances\":[{\"name\":\"x\xff\",\"status\":\"RUNNING\"}]}}}",
		"bad utf8 unknown":     "{\"kind\":\"\xc3\x28\"}",
		"lone surrogate":       `{"kind":"\ud800"}`,
		"low surrogate":        `{"items":{"zones/a":{"instances":[{"name":"\udc00","status":"RUNNING"}]}}}`,
		"control char":         "{\"kind\":\"a\tb\"}",
		"bad escape":           `{"kind":"\x"}`,
		"bad number":           `{"kind":01}`,
		"bare exponent":        `{"kind":[0e,1E+],"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","id":2e}]}}}`,
		"exponent at end":      `{"kind":0e`,
		"bad fraction":         `{"kind":1.}`,
		"bad literal":          `{"kind":nul}`,
		"deep unknown":         `{"kind":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`,
		"html":                 `<html><body>Error</body></html>`,
		"truncated":            `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUN`,
		"empty body":           ``,
		"spaces":               " \t\r\n{ \"items\" : { \"zones/a\" : { \"instances\" : [ { \"name\" : \"x\" , \"status\" : \"RUNNING\" } ] } } } \n",
		"warning no code":      `{"items":{"zones/a":{"warning":{"message":"m","data":[{"key":"scope","value":"zones/a"}]}}}}`,
		"warning code null":    `{"items":{"zones/a":{"warning":{"code":null}}}}`,
	}
	for _, file := range []string{"instance.json", "instance-fields.json"} {
		golden, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		inst := strings.ReplaceAll(string(golden), "NAME", "vm-1")
		bodies["golden "+file] = `{"items":{"zones/us-central1-a":{"instances":[` + inst + `,` + inst + `]},"zones/us-central1-b":{"warning":{"code":"NO_RESULTS_ON_PAGE"}}},"nextPageToken":"tok"}`
		bodies["golden truncated "+file] = bodies["golden "+file][:len(bodies["golden "+file])/2]
	}
	return bodies
}

func TestListDecodeMatchesSDK(t *testing.T) {
	for name, body := range listBodies(t) {
		sameAsSDK(t, name+" (instances)", []byte(body), sdkVMs, leanVMs)
		sameAsSDK(t, name+" (disks)", []byte(strings.ReplaceAll(body, "instances", "disks")), sdkVolumes, leanVolumes)
	}
}

// TestListDecodeRefusesWhatSDKRefuses: the lean decoder is no more
// lenient than protojson on what the adapter reads.
func TestListDecodeRefusesWhatSDKRefuses(t *testing.T) {
	bodies := listBodies(t)
	// Refused in both listings (the disk listing's body has "disks" for
	// "instances"): a field the adapter reads sent twice could hide an
	// UNREACHABLE warning or an entry behind a later value.
	both := []string{
		"dup field", "dup name", "dup spelling", "dup scope", "dup items", "dup warning", "dup code", "dup unreachables",
		"dup collection", "top null", "top array", "trailing", "trailing comma",
		"null scope", "null entry", "null unreachable", "number status", "array items", "bad utf8", "bad utf8 unknown",
		"lone surrogate", "low surrogate", "control char", "bad escape", "bad number", "bad literal", "html", "truncated",
		"empty body",
	}
	// Refused in the instance listing only: the disk listing does not
	// read these fields of an entry.
	instancesOnly := []string{
		"dup interfaces", "dup access", "dup nat", "dup id",
		"id leading zero", "id negative", "id too big", "id bool", "id spaced",
	}
	refused := func(name string, body []byte, sdk, lean func([]byte) error) {
		t.Helper()
		if err := sdk(body); !errors.Is(err, errSDKDecode) {
			t.Errorf("%s: the SDK accepts %q (%v): not a case of refusal", name, body, err)
		}
		if err := lean(body); !errors.Is(err, errMalformed) {
			t.Errorf("%s: lean decoding of %q: %v, want errMalformed", name, body, err)
		}
	}
	sdkI := func(b []byte) error { _, _, err := sdkVMs(b); return err }
	leanI := func(b []byte) error { _, _, err := leanVMs(b); return err }
	sdkD := func(b []byte) error { _, _, err := sdkVolumes(b); return err }
	leanD := func(b []byte) error { _, _, err := leanVolumes(b); return err }
	for _, name := range append(both, instancesOnly...) {
		if _, ok := bodies[name]; !ok {
			t.Fatalf("no body %q", name)
		}
		refused(name+" (instances)", []byte(bodies[name]), sdkI, leanI)
	}
	for _, name := range both {
		refused(name+" (disks)", []byte(strings.ReplaceAll(bodies[name], "instances", "disks")), sdkD, leanD)
	}
}

// TestListDecodeUnreadFieldsOnlyWellFormed: where the lean decoder is
// more lenient than protojson, as the package doc says — a field it does
// not read is not type-checked nor held to protojson's nesting limit —
// it still reads the listing right; malformed JSON there is refused.
func TestListDecodeUnreadFieldsOnlyWellFormed(t *testing.T) {
	const entry = `{"name":"x","status":"RUNNING"}`
	for name, body := range map[string]string{
		"wrong type":      `{"items":{"zones/a":{"instances":[{"name":"x","status":"RUNNING","disks":"no"}]}}}`,
		"deeper than 10k": `{"kind":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `,"items":{"zones/a":{"instances":[` + entry + `]}}}`,
	} {
		if _, _, err := sdkVMs([]byte(body)); !errors.Is(err, errSDKDecode) {
			t.Errorf("%s: the SDK accepts it (%v): not a case of leniency", name, err)
		}
		vms, _, err := leanVMs([]byte(body))
		if err != nil || len(vms) != 1 || vms[0].Instance != "x" {
			t.Errorf("%s: lean decoding %v, %v; want vm x", name, vms, err)
		}
		if _, _, err := leanVMs([]byte(strings.Replace(body, "]", "}", 1))); !errors.Is(err, errMalformed) {
			t.Errorf("%s, malformed: lean decoding %v, want errMalformed", name, err)
		}
	}
}

// FuzzListDecode: no input panics the listing decoder, and wherever the
// SDK's decoding accepts a body the lean one means the same by it.
func FuzzListDecode(f *testing.F) {
	for _, body := range listBodies(f) {
		f.Add([]byte(body))
	}
	goldens, _ := filepath.Glob("../../fakes/emulators/testdata/golden/gcp-*.txt")
	for _, path := range goldens {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		_, body, _ := strings.Cut(string(b), "\n")
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsSDK(t, "instances", body, sdkVMs, leanVMs)
		sameAsSDK(t, "disks", body, sdkVolumes, leanVolumes)
	})
}
