package emulators

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGCPFilter(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
		ok   bool
	}{
		{"", map[string]string{}, true},
		{`(labels.a = "b")`, map[string]string{"a": "b"}, true},
		{`(labels.a = "b") (labels.c-d = "")`, map[string]string{"a": "b", "c-d": ""}, true},
		{`labels.a = "b"`, nil, false},
		{`(labels.a = "b") OR (labels.c = "d")`, nil, false},
		{`(name = "x")`, nil, false},
	}
	for _, tt := range tests {
		got, err := parseGCPFilter(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseGCPFilter(%q) error = %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); tt.ok && diff != "" {
			t.Errorf("parseGCPFilter(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func FuzzParseGCPFilter(f *testing.F) {
	for _, s := range []string{"", `(labels.a = "b")`, `(labels.a = "b") (labels.c = "d")`, `((`, `(labels.a = "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseGCPFilter(s)
		if err != nil {
			return
		}
		for k, v := range got {
			if !labelOK(k, v) {
				t.Fatalf("parseGCPFilter(%q) accepted label %q=%q", s, k, v)
			}
		}
	})
}

// labelOK reports whether k and v are valid Compute Engine label syntax.
func labelOK(k, v string) bool {
	m := gcpFilterTerm.FindStringSubmatch(`(labels.` + k + ` = "` + v + `")`)
	return m != nil && m[1] == k && m[2] == v
}
