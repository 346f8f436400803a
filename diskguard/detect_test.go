//go:build linux

package diskguard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// le32 encodes an ext superblock feature field.
func le32(v uint32) []byte {
	return binary.LittleEndian.AppendUint32(nil, v)
}

// extImage is an ext superblock magic with the given feature fields.
func extImage(compat, incompat, roCompat uint32) []patch {
	return []patch{
		{off: 0x438, data: []byte{0x53, 0xef}},
		{off: extCompatOff, data: le32(compat)},
		{off: extIncompatOff, data: le32(incompat)},
		{off: extROCompatOff, data: le32(roCompat)},
	}
}

func TestDetect(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name    string
		size    int64
		patches []patch
		want    Detection
	}{
		{name: "empty device", size: 0, want: Detection{Kind: Blank}},
		{name: "zeroed device", size: 300 * mib, want: Detection{Kind: Blank}},
		{name: "one sector", size: 512, want: Detection{Kind: Blank}},
		{
			name: "data outside every checked region is not seen", size: 300 * mib,
			patches: []patch{{off: 100 * mib, data: []byte("data")}},
			want:    Detection{Kind: Blank},
		},
		{
			name: "btrfs", size: mib, patches: []patch{{off: 0x10040, data: []byte("_BHRfS_M")}},
			want: Detection{Kind: Btrfs, Offset: 0x10040},
		},
		{
			name: "btrfs backup superblock only", size: 300 * mib,
			patches: []patch{{off: btrfsMirror1 + 0x40, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: btrfsMirror1 + 0x40},
		},
		{
			name: "btrfs second backup superblock only", size: btrfsMirror2 + mib,
			patches: []patch{{off: btrfsMirror2 + 0x40, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: btrfsMirror2 + 0x40},
		},
		{name: "ext2", size: mib, patches: extImage(0, 0x2, 0x1), want: Detection{Kind: Ext, Variant: "ext2", Offset: 0x438}},
		{name: "ext3", size: mib, patches: extImage(0x4, 0x2, 0x1), want: Detection{Kind: Ext, Variant: "ext3", Offset: 0x438}},
		{name: "ext4 by extents", size: mib, patches: extImage(0x4, 0x2|0x40, 0x1), want: Detection{Kind: Ext, Variant: "ext4", Offset: 0x438}},
		{name: "ext4 by ro_compat", size: mib, patches: extImage(0, 0, 0x8), want: Detection{Kind: Ext, Variant: "ext4", Offset: 0x438}},
		{name: "ext journal device", size: mib, patches: extImage(0, 0x8, 0), want: Detection{Kind: Ext, Variant: "ext journal device", Offset: 0x438}},
		{
			name: "ext magic on a device too short for the feature fields", size: 0x43a,
			patches: []patch{{off: 0x438, data: []byte{0x53, 0xef}}},
			want:    Detection{Kind: Ext, Offset: 0x438},
		},
		{name: "xfs", size: mib, patches: []patch{{off: 0, data: []byte("XFSB")}}, want: Detection{Kind: XFS}},
		{name: "luks1", size: mib, patches: []patch{{off: 0, data: []byte("LUKS\xba\xbe\x00\x01")}}, want: Detection{Kind: LUKS, Variant: "luks1"}},
		{name: "luks2", size: mib, patches: []patch{{off: 0, data: []byte("LUKS\xba\xbe\x00\x02")}}, want: Detection{Kind: LUKS, Variant: "luks2"}},
		{name: "luks unknown version", size: mib, patches: []patch{{off: 0, data: []byte("LUKS\xba\xbe\x00\x09")}}, want: Detection{Kind: LUKS}},
		{name: "swap", size: mib, patches: []patch{{off: 4086, data: []byte("SWAPSPACE2")}}, want: Detection{Kind: Swap, Offset: 4086}},
		{name: "old swap", size: mib, patches: []patch{{off: 4086, data: []byte("SWAP-SPACE")}}, want: Detection{Kind: Swap, Offset: 4086}},
		{name: "swap with 64 KiB pages", size: mib, patches: []patch{{off: 65526, data: []byte("SWAPSPACE2")}}, want: Detection{Kind: Swap, Offset: 65526}},
		{name: "mbr", size: mib, patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}}, want: Detection{Kind: MBR, Offset: 510}},
		{name: "mbr on a one-sector device", size: 512, patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}}, want: Detection{Kind: MBR, Offset: 510}},
		{
			name: "gpt wins over its protective mbr", size: mib,
			patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}, {off: 512, data: []byte("EFI PART")}},
			want:    Detection{Kind: GPT, Offset: 512},
		},
		{
			name: "gpt with 4096-byte sectors", size: mib,
			patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}, {off: 4096, data: []byte("EFI PART")}},
			want:    Detection{Kind: GPT, Variant: "gpt (4096-byte sectors)", Offset: 4096},
		},
		{
			name: "gpt backup header only", size: 300 * mib,
			patches: []patch{{off: 300*mib - 512, data: []byte("EFI PART")}},
			want:    Detection{Kind: GPT, Variant: "gpt (backup header only)", Offset: 300*mib - 512},
		},
		{
			name: "unrecognized byte in the head", size: mib,
			patches: []patch{{off: 0x1234, data: []byte{7}}},
			want:    Detection{Kind: Unrecognized, Offset: 0x1234},
		},
		{
			name: "unrecognized byte in the tail", size: 300 * mib,
			patches: []patch{{off: 300*mib - 1, data: []byte{1}}},
			want:    Detection{Kind: Unrecognized, Offset: 300*mib - 1},
		},
		{
			name: "unrecognized byte at the btrfs backup location", size: 300 * mib,
			patches: []patch{{off: btrfsMirror1 + 5, data: []byte{1}}},
			want:    Detection{Kind: Unrecognized, Offset: btrfsMirror1 + 5},
		},
		{
			name: "btrfs magic cut off by the end of a short device", size: 0x10044,
			patches: []patch{{off: 0x10040, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Unrecognized, Offset: 0x10040},
		},
		{
			name: "signature beyond the end of the device is absent", size: 0x10000,
			patches: []patch{{off: 0x10040, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Blank},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect(sparseImage{size: tc.size, patches: tc.patches}, tc.size)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Detect mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectReaderShorterThanSize(t *testing.T) {
	// The caller's size may overstate what can be read (a device that
	// shrank); the missing part is absent, not an error.
	img := make([]byte, 4096)
	copy(img, "XFSB")
	got, err := Detect(bytes.NewReader(img), 1<<30)
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if diff := cmp.Diff(Detection{Kind: XFS}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// failingReader fails every read, like a device with I/O errors.
type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("input/output error") }

func TestDetectErrors(t *testing.T) {
	tests := []struct {
		name   string
		r      io.ReaderAt
		size   int64
		target error
	}{
		{name: "nil reader", r: nil, size: 1, target: ErrInvalidArgument},
		{name: "negative size", r: bytes.NewReader(nil), size: -1, target: ErrInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Detect(tc.r, tc.size)
			if !errors.Is(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.target)
			}
			var argErr *ArgumentError
			if !errors.As(err, &argErr) {
				t.Fatalf("err = %T, want *ArgumentError", err)
			}
		})
	}
	t.Run("read error is never blank", func(t *testing.T) {
		got, err := Detect(failingReader{}, 1<<20)
		if err == nil {
			t.Fatal("want an error")
		}
		if got.Kind == Blank {
			t.Fatalf("failed read reported %v", got)
		}
	})
}

func TestEverySignatureIsInACheckedRegion(t *testing.T) {
	// Blankness is judged over the checked regions only, so a signature
	// outside them could be missed and its device formatted.
	for _, size := range []int64{512, 4096, 0x10048, 0x11000, 1 << 20, btrfsMirror1 + superblockLen, 300 << 20, btrfsMirror2 + superblockLen, 1 << 41} {
		regions := checkedRegions(size)
		for _, sig := range signatures(size) {
			end := sig.off + int64(len(sig.magic))
			if sig.off < 0 || end > size {
				continue
			}
			covered := false
			for _, r := range regions {
				covered = covered || sig.off >= r.off && end <= r.off+r.n
			}
			if !covered {
				t.Errorf("size %d: %s signature at %#x is outside the checked regions %v", size, sig.kind, sig.off, regions)
			}
		}
	}
}

func TestCheckedRegionsStayInsideDevice(t *testing.T) {
	for _, size := range []int64{0, 1, 511, 4096, 0x11000, 1 << 20, 300 << 20, 1 << 41} {
		for _, r := range checkedRegions(size) {
			if r.off < 0 || r.n <= 0 || r.off+r.n > size {
				t.Errorf("size %d: region %+v is not inside the device", size, r)
			}
		}
	}
}

func TestDetectionString(t *testing.T) {
	tests := []struct {
		d    Detection
		want string
	}{
		{Detection{Kind: Blank}, "blank"},
		{Detection{Kind: Btrfs, Offset: 0x10040}, "btrfs"},
		{Detection{Kind: Ext, Variant: "ext4", Offset: 0x438}, "ext4"},
		{Detection{Kind: Unrecognized, Offset: 0x200}, "unrecognized data (non-zero byte at offset 0x200)"},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestDetectPath(t *testing.T) {
	ctx := context.Background()
	img := sparseImage{size: 1 << 20, patches: []patch{{off: 0, data: []byte("XFSB")}}}.writeFile(t, t.TempDir())
	got, err := DetectPath(ctx, img)
	if err != nil {
		t.Fatalf("DetectPath: %v", err)
	}
	if diff := cmp.Diff(Detection{Kind: XFS}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	errTests := []struct {
		name   string
		ctx    context.Context
		path   string
		target error
	}{
		{name: "empty path", ctx: ctx, path: "", target: ErrInvalidArgument},
		{name: "relative path", ctx: ctx, path: "disk.img", target: ErrInvalidArgument},
		{name: "directory", ctx: ctx, path: t.TempDir(), target: ErrInvalidArgument},
		{name: "character device", ctx: ctx, path: os.DevNull, target: ErrInvalidArgument},
		{name: "missing file", ctx: ctx, path: "/nonexistent/diskguard.img", target: fs.ErrNotExist},
		{name: "canceled context", ctx: canceled, path: img, target: context.Canceled},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectPath(tc.ctx, tc.path)
			if !errors.Is(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.target)
			}
			if got.Kind == Blank {
				t.Fatalf("failed detection reported %v", got)
			}
		})
	}
}
