//go:build linux

package diskguard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// realImageSize is large enough for every mkfs here (mkfs.xfs wants
// 300 MiB); the files are sparse, so it costs almost no disk.
const realImageSize = 300 << 20

// runTool runs a system tool on an image, feeding stdin, and fails the test
// with its output if it fails. It returns the output.
func runTool(t *testing.T, stdin string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(requireTool(t, name), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// zeroRange overwrites n bytes at off with zeros, as dd from /dev/zero
// would.
func zeroRange(t *testing.T, img string, off, n int64) {
	t.Helper()
	f, err := os.OpenFile(img, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, n), off); err != nil {
		t.Fatal(err)
	}
}

// fsImage builds a filesystem with a real mkfs in a sparse file of the
// given size and returns its path.
func fsImage(t *testing.T, size int64, tool string, args ...string) string {
	t.Helper()
	img := blankFile(t, size)
	runTool(t, "", tool, append(args, img)...)
	return img
}

// embed copies src into img at off, skipping all-zero chunks so sparse
// images stay sparse: a filesystem in a partition, built without needing a
// loop device.
func embed(t *testing.T, img, src string, off int64) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(img, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	buf := make([]byte, 1<<20)
	zero := make([]byte, len(buf))
	for pos := int64(0); ; pos += int64(len(buf)) {
		n, err := in.ReadAt(buf, pos)
		if n > 0 && !bytes.Equal(buf[:n], zero[:n]) {
			if _, werr := out.WriteAt(buf[:n], off+pos); werr != nil {
				t.Fatal(werr)
			}
		}
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// xfsAGBlocks reads sb_agblocks from an XFS superblock at off.
func xfsAGBlocks(t *testing.T, img string, off int64) int64 {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 4)
	if _, err := f.ReadAt(b, off+84); err != nil {
		t.Fatal(err)
	}
	return int64(binary.BigEndian.Uint32(b))
}

// realImageCase is an image built by real tools and what Detect must say
// about it. build returns the expected detection; loose compares only its
// Kind, for random data whose first non-zero byte is not fixed.
type realImageCase struct {
	name  string
	size  int64
	build func(t *testing.T, img string) Detection
	loose bool
}

// static is a build step whose expectation does not depend on the image.
func static(want Detection, steps ...func(t *testing.T, img string)) func(*testing.T, string) Detection {
	return func(t *testing.T, img string) Detection {
		for _, s := range steps {
			s(t, img)
		}
		return want
	}
}

// tool is a build step that runs a real tool with the image as the last
// argument.
func tool(name string, args ...string) func(*testing.T, string) {
	return func(t *testing.T, img string) { runTool(t, "", name, append(args, img)...) }
}

// label is a build step that writes a partition table with sfdisk.
func label(script string) func(*testing.T, string) {
	return func(t *testing.T, img string) { runTool(t, script, "sfdisk", "--quiet", img) }
}

// zero is a build step that zeroes [off, off+n); a negative off counts
// from the end of the image.
func zero(off, n int64) func(*testing.T, string) {
	return func(t *testing.T, img string) {
		if off < 0 {
			info, err := os.Stat(img)
			if err != nil {
				t.Fatal(err)
			}
			off += info.Size()
		}
		zeroRange(t, img, off, n)
	}
}

// embedFS is a build step that makes a filesystem of the given size with a
// real mkfs and places it at off, as if in a partition starting there.
func embedFS(off, size int64, mkfs string, args ...string) func(*testing.T, string) {
	return func(t *testing.T, img string) { embed(t, img, fsImage(t, size, mkfs, args...), off) }
}

// ext4At is a build step that makes an ext4 filesystem of the given size
// at off with mke2fs's own offset option, as if in a partition there.
func ext4At(off, size int64) func(*testing.T, string) {
	return func(t *testing.T, img string) {
		runTool(t, "", "mkfs.ext4", "-q", "-E", "offset="+strconv.FormatInt(off, 10), img, strconv.FormatInt(size>>10, 10)+"k")
	}
}

// randomData is a build step that writes n random bytes at off with dd.
func randomData(off, n int64) func(*testing.T, string) {
	return func(t *testing.T, img string) {
		runTool(t, "", "dd", "if=/dev/urandom", "of="+img, "bs=4096", "conv=notrunc", "status=none",
			"seek="+strconv.FormatInt(off/4096, 10), "count="+strconv.FormatInt(n/4096, 10))
	}
}

// realImageCases builds each image with the real tool, so detection is
// checked against what those tools write rather than against our own idea
// of the format.
func realImageCases() []realImageCase {
	return []realImageCase{
		{name: "blank sparse file", build: static(Detection{Kind: Blank})},
		{name: "mkfs.btrfs", build: static(primaryAt(Btrfs, "", 0x10040), tool("mkfs.btrfs", "-q"))},
		{name: "mkfs.ext2", build: static(primaryAt(Ext, "ext2", 0x438), tool("mkfs.ext2", "-q"))},
		{name: "mkfs.ext3", build: static(primaryAt(Ext, "ext3", 0x438), tool("mkfs.ext3", "-q"))},
		{name: "mkfs.ext4", build: static(primaryAt(Ext, "ext4", 0x438), tool("mkfs.ext4", "-q"))},
		{name: "mkfs.xfs", build: static(primaryAt(XFS, "", 0), tool("mkfs.xfs", "-q"))},
		{name: "mkswap", build: static(primaryAt(Swap, "", 4086), tool("mkswap"))},
		{name: "sfdisk dos label", build: static(primaryAt(MBR, "", 510), label("label: dos\n,100MiB,L\n"))},
		{name: "sfdisk gpt label", build: static(primaryAt(GPT, "", 512), label("label: gpt\n,100MiB,L\n"))},
		{name: "ext4 then btrfs over it", build: static(primaryAt(Btrfs, "", 0x10040), tool("mkfs.ext4", "-q"), tool("mkfs.btrfs", "-q", "-f"))},
	}
}

// damagedImageCases are layouts that once passed for blank: a filesystem
// whose partition table or primary superblock is gone, and data away from
// the fixed regions. Every one must be refused.
func damagedImageCases() []realImageCase {
	const mib = 1 << 20
	ext4At1MiB := Detection{Kind: Ext, Variant: "ext4 starting at 1 MiB", Offset: mib + 0x438, Region: headRegion}
	ext1KBackup := Detection{
		Kind: Ext, Variant: "ext4 (backup superblock only)", Offset: 8*mib + 1024 + 0x38,
		Region: "ext backup superblock (1 KiB blocks, group 1) at 0x800400",
	}
	ext4KBackup := Detection{
		Kind: Ext, Variant: "ext4 (backup superblock only)", Offset: 128*mib + 0x38,
		Region: "ext backup superblock (4 KiB blocks, group 1) at 0x8000000",
	}
	xfsBackup := Detection{
		Kind: XFS, Variant: "xfs (backup superblock only)", Offset: 19200 * 4096,
		Region: "xfs secondary superblock (ag 1, 19200-block groups) at 0x4b00000",
	}
	btrfsBackup := Detection{
		Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: 64*mib + 0x40,
		Region: "btrfs mirror (copy 1) at 0x4000000",
	}
	return []realImageCase{
		{
			name: "ext4 at 1 MiB, gpt removed by wipefs",
			build: static(ext4At1MiB, label("label: gpt\n,,L\n"),
				ext4At(mib, 298*mib), tool("wipefs", "-q", "-a", "-f")),
		},
		{
			name: "ext4 at 1 MiB, gpt headers and entries zeroed",
			build: static(ext4At1MiB, label("label: gpt\n,,L\n"),
				ext4At(mib, 298*mib), zero(0, 34*512), zero(-33*512, 33*512)),
		},
		{
			name:  "ext4 at 1 MiB, dos table zeroed",
			build: static(ext4At1MiB, label("label: dos\n,,L\n"), ext4At(mib, 299*mib), zero(0, 512)),
		},
		{
			name: "btrfs at 1 MiB, gpt removed by wipefs",
			build: static(Detection{Kind: Btrfs, Variant: "btrfs starting at 1 MiB", Offset: mib + 0x10040, Region: headRegion},
				label("label: gpt\n,,L\n"), embedFS(mib, 298*mib, "mkfs.btrfs", "-q"), tool("wipefs", "-q", "-a", "-f")),
		},
		{
			name: "xfs at 1 MiB, dos table zeroed", size: 400 * mib,
			build: static(Detection{Kind: XFS, Variant: "xfs starting at 1 MiB", Offset: mib, Region: headRegion},
				label("label: dos\n,,L\n"), embedFS(mib, 399*mib, "mkfs.xfs", "-q"), zero(0, 512)),
		},
		{
			name: "xfs at 1 MiB, dos table and the partition's head zeroed", size: 400 * mib,
			build: func(t *testing.T, img string) Detection {
				label("label: dos\n,,L\n")(t, img)
				embedFS(mib, 399*mib, "mkfs.xfs", "-q")(t, img)
				ag := xfsAGBlocks(t, img, mib)
				zero(0, headLen)(t, img)
				off := mib + ag*4096
				return Detection{
					Kind: XFS, Variant: "xfs starting at 1 MiB (backup superblock only)", Offset: off,
					Region: fmt.Sprintf("xfs secondary superblock (ag 1, %d-block groups of a filesystem at 1 MiB) at %#x", ag, off),
				}
			},
		},
		{name: "ext4 (1 KiB blocks), first 68 KiB zeroed", build: static(ext1KBackup, tool("mkfs.ext4", "-q"), zero(0, fsHeadLen))},
		{
			name: "ext4 (2 KiB blocks), first 68 KiB zeroed",
			build: static(Detection{
				Kind: Ext, Variant: "ext4 (backup superblock only)", Offset: 32*mib + 0x38,
				Region: "ext backup superblock (2 KiB blocks, group 1) at 0x2000000",
			}, tool("mkfs.ext4", "-q", "-b", "2048"), zero(0, fsHeadLen)),
		},
		{name: "ext4 (4 KiB blocks), first 68 KiB zeroed", size: 1 << 30, build: static(ext4KBackup, tool("mkfs.ext4", "-q"), zero(0, fsHeadLen))},
		{name: "ext4 (4 KiB blocks), first 17 MiB zeroed", size: 1 << 30, build: static(ext4KBackup, tool("mkfs.ext4", "-q"), zero(0, 17*mib))},
		{name: "ext4 removed by wipefs", size: 1 << 30, build: static(ext4KBackup, tool("mkfs.ext4", "-q"), tool("wipefs", "-q", "-a"))},
		{name: "ext4 (1 KiB blocks) removed by wipefs", build: static(ext1KBackup, tool("mkfs.ext4", "-q"), tool("wipefs", "-q", "-a"))},
		{name: "xfs, first 68 KiB zeroed", build: static(xfsBackup, tool("mkfs.xfs", "-q"), zero(0, fsHeadLen))},
		{name: "xfs, first 17 MiB zeroed", build: static(xfsBackup, tool("mkfs.xfs", "-q"), zero(0, 17*mib))},
		{name: "xfs removed by wipefs", build: static(xfsBackup, tool("mkfs.xfs", "-q"), tool("wipefs", "-q", "-a"))},
		{name: "btrfs, first 68 KiB zeroed", build: static(btrfsBackup, tool("mkfs.btrfs", "-q"), zero(0, fsHeadLen))},
		{name: "btrfs removed by wipefs", build: static(btrfsBackup, tool("mkfs.btrfs", "-q"), tool("wipefs", "-q", "-a"))},
		{
			name: "gpt with its primary header zeroed",
			build: static(Detection{Kind: GPT, Variant: "gpt (backup header only)", Offset: realImageSize - 512, Region: "tail at 0x12be0000"},
				label("label: gpt\n,,L\n"), zero(0, mib)),
		},
		{name: "data starting at 100 KiB", build: static(Detection{Kind: Unrecognized}, randomData(100<<10, 16<<10)), loose: true},
		{name: "data starting at 200 MiB", build: static(Detection{Kind: Unrecognized}, randomData(200*mib, 64*mib)), loose: true},
	}
}

func TestDetectRealImages(t *testing.T) {
	cases := append(realImageCases(), damagedImageCases()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			size := tc.size
			if size == 0 {
				size = realImageSize
			}
			img := blankFile(t, size)
			want := tc.build(t, img)

			got, _, err := DetectPath(ctx, img)
			if err != nil {
				t.Fatalf("DetectPath: %v", err)
			}
			switch {
			case tc.loose:
				if got.Kind != want.Kind {
					t.Fatalf("DetectPath = %v, want %v", got, want.Kind)
				}
			default:
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("DetectPath mismatch (-want +got):\n%s", diff)
				}
			}

			for _, want := range formattable() {
				rec := &recordingFormatter{stamp: func(Kind) []patch { return nil }}
				res, err := EnsureFilesystem(ctx, img, want, rec)
				calls := rec.Calls()
				switch {
				case got.Kind == Blank:
					// The recorder writes nothing, so verification must fail;
					// what matters here is that mkfs was reached exactly once.
					if len(calls) != 1 || !errors.Is(err, ErrVerifyFailed) {
						t.Errorf("want=%v on blank: calls=%v err=%v", want, calls, err)
					}
				case got.Kind == want && got.Primary:
					if len(calls) != 0 || err != nil || res.Formatted {
						t.Errorf("want=%v on %v: calls=%v res=%+v err=%v, want a no-op", want, got, calls, res, err)
					}
				default:
					var refused *RefusedError
					if len(calls) != 0 || !errors.As(err, &refused) {
						t.Fatalf("want=%v on %v: calls=%v err=%v, want a refusal", want, got, calls, err)
					}
					if diff := cmp.Diff(got, refused.Found); diff != "" {
						t.Errorf("want=%v: refusal names another finding (-detect +refusal):\n%s", want, diff)
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
			if !first.Formatted || first.Before.Kind != Blank || first.After.Kind != want || !first.After.Primary {
				t.Fatalf("first result = %+v, want blank formatted as %v", first, want)
			}
			if first.Evidence.SampleStride == 0 || first.Evidence.BytesRead == 0 {
				t.Errorf("formatting was not based on a full check: %v", first.Evidence)
			}

			second, err := EnsureFilesystem(ctx, dev, want, MkfsFormatter{})
			if err != nil {
				t.Fatalf("second EnsureFilesystem: %v", err)
			}
			if diff := cmp.Diff(Result{Device: dev, Resolved: dev, Want: want, Before: first.After}, second, ignoreEvidence); diff != "" {
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
			after, _, err := DetectPath(ctx, dev)
			if err != nil || after != first.After {
				t.Errorf("device changed after refusals: %v, %v; want %v", after, err, first.After)
			}
		})
	}
}

func TestMkfsFormatterRejectsUnformattableKinds(t *testing.T) {
	for _, k := range []Kind{Unrecognized, Blank, LUKS, Swap, MBR, GPT} {
		err := MkfsFormatter{}.Format(context.Background(), Target{Device: "/nonexistent"}, k)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Format(%v) = %v, want ErrInvalidArgument", k, err)
		}
	}
	if err := (MkfsFormatter{}).Format(context.Background(), Target{Device: "/nonexistent"}, Ext); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Format without a file = %v, want ErrInvalidArgument", err)
	}
}

func TestMkfsFormatterReportsToolFailure(t *testing.T) {
	requireTool(t, "mkfs.ext4")
	// A directory is no device: mkfs.ext4 fails on it.
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	err = MkfsFormatter{}.Format(context.Background(), Target{Device: dir.Name(), File: dir}, Ext)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("err = %v, want it to wrap *exec.ExitError", err)
	}
}

func TestXFSGeometryMatchesMkfs(t *testing.T) {
	// The secondary superblocks are found only if xfsDefaultGeometry is
	// what mkfs.xfs really does. -N prints the geometry without writing.
	requireTool(t, "mkfs.xfs")
	re := regexp.MustCompile(`agcount=(\d+), agsize=(\d+) blks`)
	for _, size := range []int64{300 << 20, 301 << 20, 513 << 20, 1 << 30, 1000000001, 10 << 30, 100 << 30, 1 << 40, 3 << 40, 4 << 40, 5 << 40} {
		t.Run(humanBytes(size), func(t *testing.T) {
			t.Parallel()
			img := filepath.Join(t.TempDir(), "xfs.img")
			f, err := os.Create(img)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(size); err != nil {
				f.Close()
				t.Skipf("cannot create a %d-byte sparse file here: %v", size, err)
			}
			f.Close()
			m := re.FindStringSubmatch(runTool(t, "", "mkfs.xfs", "-N", img))
			if m == nil {
				t.Fatal("no geometry in mkfs.xfs -N output")
			}
			count, _ := strconv.ParseInt(m[1], 10, 64)
			agBlocks, _ := strconv.ParseInt(m[2], 10, 64)
			gotBlocks, gotCount := xfsDefaultGeometry(size/xfsBlockSize, false)
			// mkfs.xfs drops a last group too small to be useful; counting
			// it anyway only means one more region read.
			if gotBlocks != agBlocks || (gotCount != count && gotCount != count+1) {
				t.Errorf("geometry = %d groups of %d blocks, mkfs.xfs says %d of %d", gotCount, gotBlocks, count, agBlocks)
			}
		})
	}
}

func TestExtBackupsMatchMke2fs(t *testing.T) {
	// The backups are found only if extBackups is where mke2fs puts them.
	requireTool(t, "dumpe2fs")
	re := regexp.MustCompile(`Backup superblock at (\d+)`)
	tests := []struct {
		size int64
		bs   int64
		args []string
	}{
		{300 << 20, 1024, nil},
		{1 << 30, 2048, []string{"-b", "2048"}},
		{5 << 30, 4096, nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%s blocks", humanBytes(tc.size), humanBytes(tc.bs)), func(t *testing.T) {
			t.Parallel()
			img := fsImage(t, tc.size, "mkfs.ext4", append([]string{"-q"}, tc.args...)...)
			var want []int64
			for _, m := range re.FindAllStringSubmatch(runTool(t, "", "dumpe2fs", img), -1) {
				block, _ := strconv.ParseInt(m[1], 10, 64)
				want = append(want, block*tc.bs)
			}
			var got []int64
			for _, b := range extBackups(tc.size) {
				if b.blockSize == tc.bs {
					got = append(got, b.off)
				}
			}
			if len(want) == 0 {
				t.Fatal("dumpe2fs lists no backup superblocks")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("backup superblock offsets (-dumpe2fs +extBackups):\n%s", diff)
			}
		})
	}
}
