//go:build linux

package diskguard

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// realImageSize is large enough for every mkfs here (mkfs.xfs wants
// 300 MiB); the files are sparse, so it costs almost no disk.
const realImageSize = 300 << 20

// runTool runs a system tool on an image, feeding stdin, and fails the test
// with its output if it fails.
func runTool(t *testing.T, stdin string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(requireTool(t, name), args...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// realImageCase is an image built by a real tool and what Detect must say.
type realImageCase struct {
	name  string
	build func(t *testing.T, img string)
	want  Detection
}

// realImageCases builds each image with the real tool, so detection is
// checked against what those tools write rather than against our own idea
// of the format.
func realImageCases() []realImageCase {
	return []realImageCase{
		{"blank sparse file", func(*testing.T, string) {}, Detection{Kind: Blank}},
		{"mkfs.btrfs", func(t *testing.T, img string) { runTool(t, "", "mkfs.btrfs", "-q", img) }, Detection{Kind: Btrfs, Offset: 0x10040}},
		{"mkfs.ext2", func(t *testing.T, img string) { runTool(t, "", "mkfs.ext2", "-q", img) }, Detection{Kind: Ext, Variant: "ext2", Offset: 0x438}},
		{"mkfs.ext3", func(t *testing.T, img string) { runTool(t, "", "mkfs.ext3", "-q", img) }, Detection{Kind: Ext, Variant: "ext3", Offset: 0x438}},
		{"mkfs.ext4", func(t *testing.T, img string) { runTool(t, "", "mkfs.ext4", "-q", img) }, Detection{Kind: Ext, Variant: "ext4", Offset: 0x438}},
		{"mkfs.xfs", func(t *testing.T, img string) { runTool(t, "", "mkfs.xfs", "-q", img) }, Detection{Kind: XFS}},
		{"mkswap", func(t *testing.T, img string) { runTool(t, "", "mkswap", img) }, Detection{Kind: Swap, Offset: 4086}},
		{
			"sfdisk dos label",
			func(t *testing.T, img string) { runTool(t, "label: dos\n,100MiB,L\n", "sfdisk", "--quiet", img) },
			Detection{Kind: MBR, Offset: 510},
		},
		{
			"sfdisk gpt label",
			func(t *testing.T, img string) { runTool(t, "label: gpt\n,100MiB,L\n", "sfdisk", "--quiet", img) },
			Detection{Kind: GPT, Offset: 512},
		},
		{
			"ext4 then btrfs over it",
			func(t *testing.T, img string) {
				runTool(t, "", "mkfs.ext4", "-q", img)
				runTool(t, "", "mkfs.btrfs", "-q", "-f", img)
			},
			Detection{Kind: Btrfs, Offset: 0x10040},
		},
	}
}

func TestDetectRealImages(t *testing.T) {
	for _, tc := range realImageCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			img := blankFile(t, realImageSize)
			tc.build(t, img)

			got, err := DetectPath(ctx, img)
			if err != nil {
				t.Fatalf("DetectPath: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("DetectPath mismatch (-want +got):\n%s", diff)
			}

			for _, want := range formattable() {
				rec := &recordingFormatter{stamp: func(Kind) []patch { return nil }}
				res, err := EnsureFilesystem(ctx, img, want, rec)
				calls := rec.Calls()
				switch got.Kind {
				case Blank:
					// The recorder writes nothing, so verification must fail;
					// what matters here is that mkfs was reached exactly once.
					if len(calls) != 1 || !errors.Is(err, ErrVerifyFailed) {
						t.Errorf("want=%v on blank: calls=%v err=%v", want, calls, err)
					}
				case want:
					if len(calls) != 0 || err != nil || res.Formatted {
						t.Errorf("want=%v on %v: calls=%v res=%+v err=%v, want a no-op", want, got, calls, res, err)
					}
				default:
					if len(calls) != 0 || !errors.Is(err, ErrNotBlank) {
						t.Errorf("want=%v on %v: calls=%v err=%v, want a refusal", want, got, calls, err)
					}
				}
			}
		})
	}
}

func TestEnsureFilesystemWithRealMkfs(t *testing.T) {
	for _, want := range formattable() {
		t.Run(want.String(), func(t *testing.T) {
			t.Parallel()
			name, _, err := mkfsCommand(want)
			if err != nil {
				t.Fatal(err)
			}
			requireTool(t, name)
			ctx := context.Background()
			dev := blankFile(t, realImageSize)

			first, err := EnsureFilesystem(ctx, dev, want, MkfsFormatter{})
			if err != nil {
				t.Fatalf("first EnsureFilesystem: %v", err)
			}
			if !first.Formatted || first.Before.Kind != Blank || first.After.Kind != want {
				t.Fatalf("first result = %+v, want blank formatted as %v", first, want)
			}

			second, err := EnsureFilesystem(ctx, dev, want, MkfsFormatter{})
			if err != nil {
				t.Fatalf("second EnsureFilesystem: %v", err)
			}
			if diff := cmp.Diff(Result{Device: dev, Want: want, Before: first.After}, second); diff != "" {
				t.Errorf("second call is not a no-op (-want +got):\n%s", diff)
			}

			for _, other := range formattable() {
				if other == want {
					continue
				}
				_, err := EnsureFilesystem(ctx, dev, other, MkfsFormatter{})
				var refused *RefusedError
				if !errors.As(err, &refused) || refused.Found.Kind != want {
					t.Errorf("EnsureFilesystem(want=%v) on %v: err = %v, want a refusal naming %v", other, want, err, want)
				}
			}
			after, err := DetectPath(ctx, dev)
			if err != nil || after != first.After {
				t.Errorf("device changed after refusals: %v, %v; want %v", after, err, first.After)
			}
		})
	}
}

func TestMkfsFormatterRejectsUnformattableKinds(t *testing.T) {
	for _, k := range []Kind{Unrecognized, Blank, LUKS, Swap, MBR, GPT} {
		err := MkfsFormatter{}.Format(context.Background(), "/nonexistent", k)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Format(%v) = %v, want ErrInvalidArgument", k, err)
		}
	}
}

func TestMkfsFormatterReportsToolFailure(t *testing.T) {
	requireTool(t, "mkfs.ext4")
	err := MkfsFormatter{}.Format(context.Background(), "/nonexistent/dir/disk.img", Ext)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("err = %v, want it to wrap *exec.ExitError", err)
	}
}
