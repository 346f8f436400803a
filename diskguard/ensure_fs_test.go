//go:build linux

package diskguard

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreEvidence leaves the evidence, tested on its own, out of Result
// comparisons.
var ignoreEvidence = cmpopts.IgnoreFields(Result{}, "Evidence")

func TestEnsureFilesystemFormatsBlankOnceThenNoOp(t *testing.T) {
	for _, want := range formattable() {
		t.Run(want.String(), func(t *testing.T) {
			ctx := context.Background()
			dev := blankFile(t, 300<<20)
			rec := &recordingFormatter{}

			first, err := EnsureFilesystem(ctx, dev, want, rec)
			if err != nil {
				t.Fatalf("first EnsureFilesystem: %v", err)
			}
			after := primaryPatch(want)
			wantFirst := Result{
				Device: dev, Resolved: dev, Want: want, Before: Detection{Kind: Blank}, Formatted: true,
				After: primaryAt(want, refineVariantOf(want), after.off),
			}
			if diff := cmp.Diff(wantFirst, first, ignoreEvidence); diff != "" {
				t.Errorf("first result (-want +got):\n%s", diff)
			}

			second, err := EnsureFilesystem(ctx, dev, want, rec)
			if err != nil {
				t.Fatalf("second EnsureFilesystem: %v", err)
			}
			if second.Formatted || second.Before.Kind != want {
				t.Errorf("second result = %+v, want a no-op on %v", second, want)
			}
			if diff := cmp.Diff([]formatCall{{Device: dev, Kind: want}}, rec.Calls()); diff != "" {
				t.Errorf("formatter calls (-want +got):\n%s", diff)
			}
		})
	}
}

// refineVariantOf is the variant Detect reports for a bare primary
// signature written by recordingFormatter.
func refineVariantOf(k Kind) string {
	if k == Ext {
		return "ext2"
	}
	return ""
}

func TestEnsureFilesystemRefusesNonBlank(t *testing.T) {
	ctx := context.Background()
	images := []struct {
		name    string
		patches []patch
		found   Detection
	}{
		{"btrfs", []patch{primaryPatch(Btrfs)}, primaryAt(Btrfs, "", 0x10040)},
		{"ext", []patch{primaryPatch(Ext)}, primaryAt(Ext, "ext2", 0x438)},
		{"xfs", []patch{primaryPatch(XFS)}, primaryAt(XFS, "", 0)},
		{"luks", []patch{primaryPatch(LUKS)}, primaryAt(LUKS, "", 0)},
		{"swap", []patch{primaryPatch(Swap)}, primaryAt(Swap, "", 4086)},
		{"mbr", []patch{primaryPatch(MBR)}, primaryAt(MBR, "", 510)},
		{"gpt", []patch{primaryPatch(GPT)}, primaryAt(GPT, "", 512)},
		{"unrecognized", []patch{{off: 9000, data: []byte{0xff}}}, Detection{Kind: Unrecognized, Offset: 9000, Region: headRegion}},
		{
			"btrfs backup only, even when btrfs is wanted", []patch{{off: 64<<20 + 0x40, data: []byte(btrfsMagic)}},
			Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: 64<<20 + 0x40, Region: "btrfs mirror (copy 1) at 0x4000000"},
		},
		{
			"ext at a partition offset, even when ext is wanted", extSuperblockAt(1<<20+1024, 0, 0x2, 0x1),
			Detection{Kind: Ext, Variant: "ext2 starting at 1 MiB", Offset: 1<<20 + 0x438, Region: headRegion},
		},
		{
			"data found by sampling", []patch{{off: 192 << 20, data: []byte{1}}},
			Detection{Kind: Unrecognized, Offset: 192 << 20, Region: "sample at 0xc000000"},
		},
	}
	for _, img := range images {
		for _, want := range formattable() {
			t.Run(img.name+"/want-"+want.String(), func(t *testing.T) {
				dev := sparseImage{size: 300 << 20, patches: img.patches}.writeFile(t, t.TempDir())
				rec := &recordingFormatter{}
				res, err := EnsureFilesystem(ctx, dev, want, rec)
				if calls := rec.Calls(); len(calls) != 0 {
					t.Fatalf("formatter was called: %v", calls)
				}
				if diff := cmp.Diff(Result{Device: dev, Resolved: dev, Want: want, Before: img.found}, res, ignoreEvidence); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
				if img.found.Kind == want && img.found.Primary {
					if err != nil {
						t.Fatalf("want a no-op, got %v", err)
					}
					return
				}
				var refused *RefusedError
				if !errors.As(err, &refused) || !errors.Is(err, ErrNotBlank) {
					t.Fatalf("err = %v, want *RefusedError matching ErrNotBlank", err)
				}
				if diff := cmp.Diff(&RefusedError{Device: dev, Want: want, Found: img.found}, refused); diff != "" {
					t.Errorf("refusal (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestFormatIfBlankIsTheChokePoint(t *testing.T) {
	// formatIfBlank must refuse on its own, without trusting that its
	// caller looked first: this is what happens if a disk is attached or
	// written between EnsureFilesystem's first look and mkfs.
	ctx := context.Background()
	for _, k := range []Kind{Btrfs, Ext, XFS, LUKS, Swap, MBR, GPT} {
		t.Run(k.String(), func(t *testing.T) {
			path := sparseImage{size: 1 << 20, patches: []patch{primaryPatch(k)}}.writeFile(t, t.TempDir())
			dev, err := openHeld(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			rec := &recordingFormatter{}
			recheck, _, formatted, err := formatIfBlank(ctx, dev, Btrfs, rec, hooks{})
			if formatted || len(rec.Calls()) != 0 {
				t.Fatalf("formatted a device holding %v", recheck)
			}
			if recheck.Kind != k {
				t.Errorf("re-check saw %v, want %v", recheck, k)
			}
			if k != Btrfs && !errors.Is(err, ErrNotBlank) {
				t.Errorf("err = %v, want ErrNotBlank", err)
			}
		})
	}
}

func TestEnsureFilesystemVerifiesAfterFormatting(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		stamp func(Kind) []patch
		found Detection
	}{
		{"mkfs wrote nothing", func(Kind) []patch { return nil }, Detection{Kind: Blank}},
		{"mkfs wrote another filesystem", func(Kind) []patch { return []patch{primaryPatch(XFS)} }, primaryAt(XFS, "", 0)},
		{
			"mkfs wrote only a backup superblock", func(Kind) []patch { return []patch{{off: 64<<20 + 0x40, data: []byte(btrfsMagic)}} },
			Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: 64<<20 + 0x40, Region: "btrfs mirror (copy 1) at 0x4000000"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dev := blankFile(t, 100<<20)
			res, err := EnsureFilesystem(ctx, dev, Btrfs, &recordingFormatter{stamp: tc.stamp})
			var verr *VerifyError
			if !errors.As(err, &verr) || !errors.Is(err, ErrVerifyFailed) {
				t.Fatalf("err = %v, want *VerifyError matching ErrVerifyFailed", err)
			}
			if diff := cmp.Diff(&VerifyError{Device: dev, Want: Btrfs, Found: tc.found}, verr); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if res.Formatted {
				t.Error("Result.Formatted is true after a failed verification")
			}
		})
	}
}

func TestEnsureFilesystemFormatterError(t *testing.T) {
	boom := errors.New("mkfs exploded")
	dev := blankFile(t, 1<<20)
	res, err := EnsureFilesystem(context.Background(), dev, Ext, &recordingFormatter{err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
	if res.Formatted {
		t.Error("Result.Formatted is true after mkfs failed")
	}
}

func TestEnsureFilesystemArguments(t *testing.T) {
	ctx := context.Background()
	dev := blankFile(t, 1<<20)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		device string
		want   Kind
		nilFmt bool
		target error
	}{
		{name: "nil formatter", ctx: ctx, device: dev, want: Btrfs, nilFmt: true, target: ErrInvalidArgument},
		{name: "empty device", ctx: ctx, device: "", want: Btrfs, target: ErrInvalidArgument},
		{name: "relative device", ctx: ctx, device: "sdb", want: Btrfs, target: ErrInvalidArgument},
		{name: "want luks", ctx: ctx, device: dev, want: LUKS, target: ErrInvalidArgument},
		{name: "want blank", ctx: ctx, device: dev, want: Blank, target: ErrInvalidArgument},
		{name: "want unrecognized", ctx: ctx, device: dev, want: Unrecognized, target: ErrInvalidArgument},
		{name: "want gpt", ctx: ctx, device: dev, want: GPT, target: ErrInvalidArgument},
		{name: "canceled context", ctx: canceled, device: dev, want: Btrfs, target: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingFormatter{}
			var f Formatter = rec
			if tc.nilFmt {
				f = nil
			}
			_, err := EnsureFilesystem(tc.ctx, tc.device, tc.want, f)
			if !errors.Is(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.target)
			}
			if len(rec.Calls()) != 0 {
				t.Fatalf("formatter called: %v", rec.Calls())
			}
		})
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		found  Detection
		want   Kind
		format bool
		target error
	}{
		{"blank", Detection{Kind: Blank}, Btrfs, true, nil},
		{"wanted already", Detection{Kind: Btrfs, Primary: true}, Btrfs, false, nil},
		{"wanted, but only a backup superblock", Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)"}, Btrfs, false, ErrNotBlank},
		{"wanted, but at a partition offset", Detection{Kind: Ext, Variant: "ext4 starting at 1 MiB"}, Ext, false, ErrNotBlank},
		{"other filesystem", Detection{Kind: Ext, Variant: "ext4"}, Btrfs, false, ErrNotBlank},
		{"zero detection", Detection{}, Btrfs, false, ErrNotBlank},
		{"partition table", Detection{Kind: GPT}, XFS, false, ErrNotBlank},
		{"unformattable want", Detection{Kind: Blank}, Swap, false, ErrInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format, err := Decide("/dev/sdb", tc.found, tc.want)
			if format != tc.format || !errors.Is(err, tc.target) || (tc.target == nil) != (err == nil) {
				t.Fatalf("Decide = %v, %v; want %v, %v", format, err, tc.format, tc.target)
			}
		})
	}
}

func TestResultString(t *testing.T) {
	tests := []struct {
		r    Result
		want string
	}{
		{Result{Device: "/dev/sdb", Want: Btrfs, Before: Detection{Kind: Btrfs}}, "already btrfs: nothing to do"},
		{
			Result{Device: "/dev/sdb", Want: Ext, Before: Detection{Kind: Blank}, Formatted: true, After: Detection{Kind: Ext, Variant: "ext4"}},
			"formatted blank /dev/sdb as ext4",
		},
	}
	for _, tc := range tests {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
