package lambda

import (
	"net/http"
	"testing"
	"time"
)

// fuzzSeeds are answers the decoders must take apart without panicking.
var fuzzSeeds = []string{
	`{"data":{"id":"a","status":"active","ip":"1.2.3.4"}}`,
	`{"data":[{"id":"a","status":"active"}]}`,
	`{"data":{"restarted_instances":[{"id":"a"}]}}`,
	`{"data":{"instance_ids":["0920582c7ff041399e34823a0be62549"]}}`, `{"data":{"instance_ids":[""]}}`, `{"data":{"instance_ids":"x"}}`,
	`{"error":{"code":"global/object-does-not-exist","message":"x"}}`,
	`<html></html>`, `{"data":null}`, `{"data":{}} {}`, ``, `null`, `[]`, `{"data":[null]}`,
}

func FuzzDecodeInstance(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if in, err := decodeInstance(b); err == nil && in.ID == "" {
			t.Fatalf("decodeInstance accepted an instance without an id: %+v", in)
		}
	})
}

func FuzzDecodeInstances(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := decodeInstances(b)
		if err != nil {
			return
		}
		for _, in := range ins {
			if in.ID == "" {
				t.Fatalf("decodeInstances accepted an instance without an id")
			}
		}
		_, _ = decodeAction(b, "restarted_instances")
	})
}

func FuzzDecodeLaunch(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ids, err := decodeLaunch(b)
		if err != nil {
			return
		}
		for _, id := range ids {
			if id == "" {
				t.Fatal("decodeLaunch accepted an empty instance id")
			}
		}
	})
}

func FuzzStatusError(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(404, []byte(s), "")
		f.Add(429, []byte(s), "3")
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, b []byte, retry string) {
		err := statusError("fuzz", status, http.Header{"Retry-After": {retry}}, b, now)
		if err == nil || len(err.Error()) > 1000 {
			t.Fatalf("statusError = %v", err)
		}
		if d := retryAfter(http.Header{"Retry-After": {retry}}, now); d <= 0 || d > maxRetryAfter {
			t.Fatalf("retryAfter(%q) = %v", retry, d)
		}
	})
}
