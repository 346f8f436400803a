//go:build linux

package diskguard

import (
	"errors"
	"testing"
)

func TestKindString(t *testing.T) {
	tests := map[Kind]string{
		Unrecognized: "unrecognized", Blank: "blank", Btrfs: "btrfs", Ext: "ext", XFS: "xfs",
		LUKS: "luks", Swap: "swap", MBR: "mbr", GPT: "gpt", Kind(99): "Kind(99)",
	}
	for k, want := range tests {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestZeroKindIsNotBlank(t *testing.T) {
	// An unset Detection must never read as permission to format.
	var d Detection
	if d.Kind == Blank {
		t.Fatal("zero Detection is Blank")
	}
}

func TestParseKind(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
		ok   bool
	}{
		{"btrfs", Btrfs, true},
		{"ext4", Ext, true},
		{"ext", Ext, true},
		{"xfs", XFS, true},
		{"luks", Unrecognized, false},
		{"blank", Unrecognized, false},
		{"", Unrecognized, false},
		{"BTRFS", Unrecognized, false},
	}
	for _, tc := range tests {
		got, err := ParseKind(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseKind(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseKind(%q) error %v does not match ErrInvalidArgument", tc.in, err)
		}
		if tc.ok && !got.Formattable() {
			t.Errorf("ParseKind(%q) = %v, which is not formattable", tc.in, got)
		}
	}
}
