package hyperstack

import "testing"

// fuzzSeeds are answers the decoders must take apart without panicking.
var fuzzSeeds = []string{
	`{"status":true,"instance":{"id":1,"name":"a","status":"ACTIVE"}}`,
	`{"status":true,"instances":[{"id":1,"name":"a","status":"ACTIVE"}],"count":1}`,
	`{"status":true,"volume":{"id":5,"name":"v","status":"in-use"}}`,
	`{"status":true,"volumes":[],"count":0}`,
	`{"status":true,"instance":{"id":1,"name":"a","status":"ACTIVE","labels":["driftless-managed=true",{"label":"x=y"}]}}`,
	`{"status":true,"instance":{"id":1,"labels":[1]}}`, `{"status":true,"instance":{"id":1,"labels":{"a":"b"}}}`,
	`{"status":true,"volume":{"id":5,"status":"in-use","attachments":[{"instance_id":7,"status":"ATTACHED"}]}}`,
	`{"status":true,"instances":[]}`, `{"status":true,"instances":[{"id":1}],"count":0}`,
	`{"status":false,"message":"x","error_reason":"not_found"}`,
	`{"message":"Internal Server Error"}`,
	`<html></html>`, `{"status":true,"instance":null}`, `{"status":true} {}`, ``, `null`, `[]`,
}

func FuzzDecodeVMList(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vms, count, err := decodeVMList(b)
		if err != nil {
			return
		}
		if count < int64(len(vms)) {
			t.Fatalf("decodeVMList accepted a page of %d with count %d", len(vms), count)
		}
		for _, v := range vms {
			if v.ID <= 0 {
				t.Fatalf("decodeVMList accepted a VM without a positive id: %+v", v)
			}
		}
	})
}

func FuzzDecodeVolume(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, err := decodeVolume(b); err == nil && v.ID <= 0 {
			t.Fatalf("decodeVolume accepted a volume without a positive id: %+v", v)
		}
		_, _, _ = decodeVolumeList(b)
	})
}

func FuzzStatusError(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(404, []byte(s))
		f.Add(500, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		err := statusError("fuzz", status, b)
		if err == nil {
			t.Fatal("statusError returned nil")
		}
		if n := len(err.Error()); n > 1000 {
			t.Fatalf("error message of %d bytes", n)
		}
	})
}
