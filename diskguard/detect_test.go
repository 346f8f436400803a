//go:build linux

package diskguard

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// le32 encodes a little-endian (ext) superblock field.
func le32(v uint32) []byte {
	return binary.LittleEndian.AppendUint32(nil, v)
}

// be32 encodes a big-endian (XFS) superblock field.
func be32(v uint32) []byte {
	return binary.BigEndian.AppendUint32(nil, v)
}

// extImage is an ext superblock magic starting at 1 KiB with the given
// feature fields.
func extImage(compat, incompat, roCompat uint32) []patch {
	return extSuperblockAt(extSuperblockOff, compat, incompat, roCompat)
}

// extSuperblockAt is an ext superblock magic starting at sb with the given
// feature fields.
func extSuperblockAt(sb int64, compat, incompat, roCompat uint32) []patch {
	return []patch{
		{off: sb + extMagicOff, data: []byte(extMagic)},
		{off: sb + extCompatOff, data: le32(compat)},
		{off: sb + extIncompatOff, data: le32(incompat)},
		{off: sb + extROCompatOff, data: le32(roCompat)},
	}
}

// extBackupAt is an ext4 backup superblock for group g of a filesystem with
// blocks of bs bytes starting at base, with the fields mke2fs writes.
func extBackupAt(base, bs, g int64) []patch {
	first := int64(0)
	if bs == 1024 {
		first = 1
	}
	sb := base + first*bs + g*8*bs*bs
	logBS := uint32(0)
	for 1024<<logBS < bs {
		logBS++
	}
	return append(extSuperblockAt(sb, 0x4, 0x2|0x40, 0x1),
		patch{off: sb + extLogBlockSizeOff, data: le32(logBS)},
		patch{off: sb + extBlocksPerGroupOff, data: le32(uint32(8 * bs))},
		patch{off: sb + extBlockGroupNrOff, data: binary.LittleEndian.AppendUint16(nil, uint16(g))},
	)
}

// xfsSecondaryAt is an XFS superblock copy at off of a filesystem whose
// allocation groups hold agBlocks blocks.
func xfsSecondaryAt(off int64, agBlocks uint32) []patch {
	return []patch{
		{off: off, data: []byte(xfsMagic)},
		{off: off + 4, data: be32(xfsBlockSize)},
		{off: off + 84, data: be32(agBlocks)},
	}
}

func TestDetect(t *testing.T) {
	const mib = 1 << 20
	const tailOf300MiB = "tail at 0x12be0000"
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
			// Sampling is bounded: a short run of data between samples and
			// away from every superblock location is not read.
			name: "data outside every checked region is not seen", size: 300 * mib,
			patches: []patch{{off: 100*mib + 300<<10, data: []byte("data")}},
			want:    Detection{Kind: Blank},
		},
		{name: "btrfs", size: mib, patches: []patch{{off: 0x10040, data: []byte("_BHRfS_M")}}, want: primaryAt(Btrfs, "", 0x10040)},
		{
			name: "btrfs backup superblock only", size: 300 * mib,
			patches: []patch{{off: 64*mib + 0x40, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: 64*mib + 0x40, Region: "btrfs mirror (copy 1) at 0x4000000"},
		},
		{
			name: "btrfs second backup superblock only", size: 256<<30 + mib,
			patches: []patch{{off: 256<<30 + 0x40, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: 256<<30 + 0x40, Region: "btrfs mirror (copy 2) at 0x4000000000"},
		},
		{
			name: "btrfs third backup superblock only", size: 1<<50 + mib,
			patches: []patch{{off: 1<<50 + 0x40, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Btrfs, Variant: "btrfs (backup superblock only)", Offset: 1<<50 + 0x40, Region: "btrfs mirror (copy 3) at 0x4000000000000"},
		},
		{name: "ext2", size: mib, patches: extImage(0, 0x2, 0x1), want: primaryAt(Ext, "ext2", 0x438)},
		{name: "ext3", size: mib, patches: extImage(0x4, 0x2, 0x1), want: primaryAt(Ext, "ext3", 0x438)},
		{name: "ext4 by extents", size: mib, patches: extImage(0x4, 0x2|0x40, 0x1), want: primaryAt(Ext, "ext4", 0x438)},
		{name: "ext4 by ro_compat", size: mib, patches: extImage(0, 0, 0x8), want: primaryAt(Ext, "ext4", 0x438)},
		{name: "ext journal device", size: mib, patches: extImage(0, 0x8, 0), want: primaryAt(Ext, "ext journal device", 0x438)},
		{
			name: "ext magic on a device too short for the feature fields", size: 0x43a,
			patches: []patch{{off: 0x438, data: []byte{0x53, 0xef}}},
			want:    primaryAt(Ext, "", 0x438),
		},
		{name: "xfs", size: mib, patches: []patch{{off: 0, data: []byte("XFSB")}}, want: primaryAt(XFS, "", 0)},
		{name: "luks1", size: mib, patches: []patch{{off: 0, data: []byte("LUKS\xba\xbe\x00\x01")}}, want: primaryAt(LUKS, "luks1", 0)},
		{name: "luks2", size: mib, patches: []patch{{off: 0, data: []byte("LUKS\xba\xbe\x00\x02")}}, want: primaryAt(LUKS, "luks2", 0)},
		{name: "luks unknown version", size: mib, patches: []patch{{off: 0, data: []byte("LUKS\xba\xbe\x00\x09")}}, want: primaryAt(LUKS, "", 0)},
		{name: "swap", size: mib, patches: []patch{{off: 4086, data: []byte("SWAPSPACE2")}}, want: primaryAt(Swap, "", 4086)},
		{name: "old swap", size: mib, patches: []patch{{off: 4086, data: []byte("SWAP-SPACE")}}, want: primaryAt(Swap, "", 4086)},
		{name: "swap with 64 KiB pages", size: mib, patches: []patch{{off: 65526, data: []byte("SWAPSPACE2")}}, want: primaryAt(Swap, "", 65526)},
		{name: "mbr", size: mib, patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}}, want: primaryAt(MBR, "", 510)},
		{
			name: "mbr on a one-sector device", size: 512, patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}},
			want: primaryAt(MBR, "", 510),
		},
		{
			name: "gpt wins over its protective mbr", size: mib,
			patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}, {off: 512, data: []byte("EFI PART")}},
			want:    primaryAt(GPT, "", 512),
		},
		{
			name: "gpt wins over the filesystem in its first partition", size: 300 * mib,
			patches: append([]patch{{off: 510, data: []byte{0x55, 0xaa}}, {off: 512, data: []byte("EFI PART")}}, extSuperblockAt(mib+1024, 0x4, 0x42, 1)...),
			want:    primaryAt(GPT, "", 512),
		},
		{
			name: "gpt with 4096-byte sectors", size: mib,
			patches: []patch{{off: 510, data: []byte{0x55, 0xaa}}, {off: 4096, data: []byte("EFI PART")}},
			want:    primaryAt(GPT, "gpt (4096-byte sectors)", 4096),
		},
		{
			name: "gpt backup header only", size: 300 * mib,
			patches: []patch{{off: 300*mib - 512, data: []byte("EFI PART")}},
			want:    Detection{Kind: GPT, Variant: "gpt (backup header only)", Offset: 300*mib - 512, Region: tailOf300MiB},
		},
		{
			name: "ext4 at 1 MiB, partition table gone", size: 300 * mib,
			patches: append(extSuperblockAt(mib+1024, 0x4, 0x42, 1), patch{off: mib + 1024 + extLogBlockSizeOff, data: le32(2)}),
			want:    Detection{Kind: Ext, Variant: "ext4 starting at 1 MiB", Offset: mib + 0x438, Region: headRegion},
		},
		{
			name: "ext4 at 63 sectors", size: 300 * mib,
			patches: extSuperblockAt(63*512+1024, 0x4, 0x42, 1),
			want:    Detection{Kind: Ext, Variant: "ext4 starting at 31.50 KiB", Offset: 63*512 + 0x438, Region: headRegion},
		},
		{
			name: "implausible ext block size at a partition offset is not ext", size: 300 * mib,
			patches: append(extSuperblockAt(mib+1024, 0x4, 0x42, 1), patch{off: mib + 1024 + extLogBlockSizeOff, data: le32(99)}),
			want:    Detection{Kind: Unrecognized, Offset: mib + 1024 + extLogBlockSizeOff, Region: headRegion},
		},
		{
			name: "xfs at 8 MiB (2048 4096-byte sectors)", size: 300 * mib,
			patches: []patch{{off: 8 * mib, data: []byte("XFSB")}},
			want:    Detection{Kind: XFS, Variant: "xfs starting at 8 MiB", Offset: 8 * mib, Region: "partition head (filesystem at 8 MiB) at 0x800000"},
		},
		{
			name: "btrfs at 16 MiB", size: 300 * mib,
			patches: []patch{{off: 16*mib + 0x10040, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Btrfs, Variant: "btrfs starting at 16 MiB", Offset: 16*mib + 0x10040, Region: "partition head (filesystem at 16 MiB) at 0x1000000"},
		},
		{
			name: "ext4 backup superblock only, 1 KiB blocks", size: 300 * mib,
			patches: extBackupAt(0, 1024, 1),
			want: Detection{
				Kind: Ext, Variant: "ext4 (backup superblock only)", Offset: 8*mib + 1024 + 0x38,
				Region: "ext backup superblock (1 KiB blocks, group 1) at 0x800400",
			},
		},
		{
			name: "ext4 backup superblock only, 2 KiB blocks, group 3", size: 300 * mib,
			patches: extBackupAt(0, 2048, 3),
			want: Detection{
				Kind: Ext, Variant: "ext4 (backup superblock only)", Offset: 96*mib + 0x38,
				Region: "ext backup superblock (2 KiB blocks, group 3) at 0x6000000",
			},
		},
		{
			name: "ext4 backup superblock only, 4 KiB blocks, group 49", size: 7 << 30,
			patches: extBackupAt(0, 4096, 49),
			want: Detection{
				Kind: Ext, Variant: "ext4 (backup superblock only)", Offset: 49*128*mib + 0x38,
				Region: "ext backup superblock (4 KiB blocks, group 49) at 0x188000000",
			},
		},
		{
			name: "ext4 backup of a filesystem at 1 MiB", size: 300 * mib,
			patches: extBackupAt(mib, 4096, 1),
			want: Detection{
				Kind: Ext, Variant: "ext4 starting at 1 MiB (backup superblock only)", Offset: 129*mib + 0x38,
				Region: "ext backup superblock (4 KiB blocks, group 1 of a filesystem at 1 MiB) at 0x8100000",
			},
		},
		{
			name: "ext backup magic with the wrong group number is data", size: 300 * mib,
			patches: append(extBackupAt(0, 4096, 1), patch{off: 128*mib + extBlockGroupNrOff, data: []byte{9, 0}}),
			want:    Detection{Kind: Unrecognized, Offset: 128*mib + extLogBlockSizeOff, Region: "ext backup superblock (4 KiB blocks, group 1) at 0x8000000"},
		},
		{
			name: "xfs secondary superblock only", size: 300 * mib,
			patches: xfsSecondaryAt(19200*4096, 19200),
			want: Detection{
				Kind: XFS, Variant: "xfs (backup superblock only)", Offset: 19200 * 4096,
				Region: "xfs secondary superblock (ag 1, 19200-block groups) at 0x4b00000",
			},
		},
		{
			name: "xfs secondary superblock of a striped layout", size: 300 * mib,
			patches: xfsSecondaryAt(3*9600*4096, 9600),
			want: Detection{
				Kind: XFS, Variant: "xfs (backup superblock only)", Offset: 3 * 9600 * 4096,
				Region: "xfs secondary superblock (ag 3, 9600-block groups) at 0x7080000",
			},
		},
		{
			name: "unrecognized byte in the head", size: mib,
			patches: []patch{{off: 0x1234, data: []byte{7}}},
			want:    Detection{Kind: Unrecognized, Offset: 0x1234, Region: headRegion},
		},
		{
			name: "data past the first 68 KiB", size: 300 * mib,
			patches: []patch{{off: 100 << 10, data: []byte("data")}},
			want:    Detection{Kind: Unrecognized, Offset: 100 << 10, Region: headRegion},
		},
		{
			name: "unrecognized byte in the tail", size: 300 * mib,
			patches: []patch{{off: 300*mib - 1, data: []byte{1}}},
			want:    Detection{Kind: Unrecognized, Offset: 300*mib - 1, Region: tailOf300MiB},
		},
		{
			name: "unrecognized byte at the btrfs backup location", size: 300 * mib,
			patches: []patch{{off: 64*mib + 5, data: []byte{1}}},
			want:    Detection{Kind: Unrecognized, Offset: 64*mib + 5, Region: "btrfs mirror (copy 1) at 0x4000000"},
		},
		{
			name: "data found only by sampling", size: 1 << 40,
			patches: []patch{{off: 700*1024*mib + 17, data: []byte{1}}},
			want:    Detection{Kind: Unrecognized, Offset: 700*1024*mib + 17, Region: "sample at 0xaf00000000"},
		},
		{
			name: "btrfs magic cut off by the end of a short device", size: 0x10044,
			patches: []patch{{off: 0x10040, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Unrecognized, Offset: 0x10040, Region: headRegion},
		},
		{
			name: "signature beyond the end of the device is absent", size: 0x10000,
			patches: []patch{{off: 0x10040, data: []byte("_BHRfS_M")}},
			want:    Detection{Kind: Blank},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Detect(context.Background(), sparseImage{size: tc.size, patches: tc.patches}, tc.size)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Detect mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectOutsideRegionCaseIsOutside(t *testing.T) {
	// Keeps the "not seen" case above honest as the regions change.
	const off, size = 100<<20 + 300<<10, 300 << 20
	for _, r := range checkedRegions(size) {
		if off >= r.off && off < r.end() {
			t.Fatalf("offset %#x is inside %s; pick another for the test", int64(off), r)
		}
	}
}

func TestDetectEvidence(t *testing.T) {
	ctx := context.Background()
	const size = 1 << 40
	blank, ev, err := Detect(ctx, sparseImage{size: size}, size)
	if err != nil || blank.Kind != Blank {
		t.Fatalf("Detect = %v, %v; want blank", blank, err)
	}
	var total int64
	classes := map[RegionClass]ClassReads{}
	for _, r := range ev.Reads {
		total += r.Bytes
		classes[r.Class] = r
	}
	if total != ev.BytesRead {
		t.Errorf("classes add up to %d bytes, BytesRead = %d", total, ev.BytesRead)
	}
	for _, c := range []RegionClass{RegionHead, RegionPartitionHead, RegionBtrfsMirror, RegionExtBackup, RegionXFSSecondary, RegionTail, RegionSample} {
		if classes[c].Regions == 0 {
			t.Errorf("no %s read on a blank 1 TiB device: %v", c, ev)
		}
	}
	want := ClassReads{Class: RegionSample, Regions: size/sampleStride - 1, Bytes: (size/sampleStride - 1) * sampleLen}
	if diff := cmp.Diff(want, classes[RegionSample]); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
	if ev.Size != size || ev.SampleStride != sampleStride {
		t.Errorf("evidence = %+v, want size %d stride %d", ev, int64(size), sampleStride)
	}
	if ev.BytesRead > 80<<20 {
		t.Errorf("read %d bytes of a blank 1 TiB device, want it bounded to about 70 MiB", ev.BytesRead)
	}
	if s := ev.String(); !strings.HasPrefix(s, "read ") || !strings.Contains(s, "sample 16383 every 64 MiB (") {
		t.Errorf("String() = %q", s)
	}

	// Finding something in a fixed region stops the check before sampling.
	ext := sparseImage{size: size, patches: extImage(0x4, 0x42, 1)}
	_, ev, err = Detect(ctx, ext, size)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ev.Reads {
		if r.Class == RegionSample {
			t.Errorf("sampled a device whose head holds ext4: %v", ev)
		}
	}
	if ev.SampleStride != 0 {
		t.Errorf("SampleStride = %d without sampling", ev.SampleStride)
	}
}

func TestDetectReaderShorterThanSize(t *testing.T) {
	// The caller's size may overstate what can be read (a device that
	// shrank); the missing part is absent, not an error.
	img := make([]byte, 4096)
	copy(img, "XFSB")
	got, _, err := Detect(context.Background(), bytes.NewReader(img), 1<<30)
	if err != nil {
		t.Fatalf("Detect: %v", err)
	}
	if diff := cmp.Diff(primaryAt(XFS, "", 0), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// failingReader fails every read at or past failAt, like a device with I/O
// errors.
type failingReader struct{ failAt int64 }

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.failAt {
		return 0, errors.New("input/output error")
	}
	clear(p)
	return len(p), nil
}

func TestDetectErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		r      io.ReaderAt
		size   int64
		target error
	}{
		{name: "nil reader", ctx: context.Background(), r: nil, size: 1, target: ErrInvalidArgument},
		{name: "negative size", ctx: context.Background(), r: bytes.NewReader(nil), size: -1, target: ErrInvalidArgument},
		{name: "canceled", ctx: canceled, r: sparseImage{size: 1 << 30}, size: 1 << 30, target: context.Canceled},
		{name: "canceled on an empty device", ctx: canceled, r: bytes.NewReader(nil), size: 0, target: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Detect(tc.ctx, tc.r, tc.size)
			if !errors.Is(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.target)
			}
			if got.Kind == Blank {
				t.Fatalf("failed detection reported %v", got)
			}
		})
	}
	for _, failAt := range []int64{0, 200 << 20, 600 << 30} {
		t.Run(fmt.Sprintf("read error at %#x is never blank", failAt), func(t *testing.T) {
			got, _, err := Detect(context.Background(), failingReader{failAt: failAt}, 1<<40)
			if err == nil {
				t.Fatal("want an error")
			}
			if got.Kind == Blank {
				t.Fatalf("failed read reported %v", got)
			}
		})
	}
}

func TestEverySignatureIsInACheckedRegion(t *testing.T) {
	// Blankness is judged over the checked regions only, so a signature
	// outside them could be missed and its device formatted.
	for _, size := range []int64{512, 4096, 0x10048, headLen, 1 << 20, 64<<20 + superblockLen, 300 << 20, 7 << 30, 256<<30 + superblockLen, 1 << 41} {
		regions := structuralRegions(size)
		for _, sig := range signatures(size) {
			end := sig.off + int64(len(sig.magic))
			if sig.off < 0 || end > size {
				continue
			}
			covered := false
			for _, r := range regions {
				covered = covered || sig.off >= r.off && end <= r.end()
			}
			if !covered {
				t.Errorf("size %d: %s signature at %#x is outside the checked regions", size, sig.kind, sig.off)
			}
		}
	}
}

func TestCheckedRegionsStayInsideDevice(t *testing.T) {
	for _, size := range []int64{0, 1, 511, 4096, 0x11000, 1 << 20, 300 << 20, 1 << 41, 1<<62 + 12345} {
		regions := structuralRegions(size)
		if size < 1<<50 {
			regions = checkedRegions(size)
		}
		for _, r := range regions {
			if r.off < 0 || r.n <= 0 || r.end() > size {
				t.Errorf("size %d: region %+v is not inside the device", size, r)
			}
		}
	}
}

func TestSamplingIsBounded(t *testing.T) {
	for _, size := range []int64{1 << 30, 1 << 40, 2 << 40, 16 << 40, 1 << 50, 1<<63 - 1} {
		p := planSamples(size)
		if p.count > maxSamples {
			t.Errorf("size %d: %d samples, want at most %d", size, p.count, maxSamples)
		}
		if p.stride%(1<<20) != 0 || p.stride < sampleStride {
			t.Errorf("size %d: stride %d is not a whole number of MiB of at least %d", size, p.stride, sampleStride)
		}
		if p.count > 0 && p.sample(p.count).off >= size {
			t.Errorf("size %d: last sample %v is past the end", size, p.sample(p.count))
		}
	}
	if got := planSamples(1 << 40); got.stride != sampleStride || got.count != 16383 {
		t.Errorf("1 TiB plan = %+v, want 16383 samples every 64 MiB", got)
	}
}

func TestStructuralRegionsAreFewAndSmall(t *testing.T) {
	// What every check reads before sampling: it must stay cheap, because
	// the no-op on every boot pays it.
	for _, size := range []int64{300 << 20, 1 << 40, 64 << 40, 1<<63 - 1} {
		var n int64
		rs := structuralRegions(size)
		for _, r := range rs {
			n += r.n
		}
		if len(rs) > 2000 || n > 8<<20 {
			t.Errorf("size %d: %d structural regions, %d bytes", size, len(rs), n)
		}
	}
}

func TestDetectionString(t *testing.T) {
	tests := []struct {
		d         Detection
		want      string
		wantWhere string
	}{
		{Detection{Kind: Blank}, "blank", ""},
		{primaryAt(Btrfs, "", 0x10040), "btrfs", "offset 0x10040 in head at 0x0"},
		{primaryAt(Ext, "ext4", 0x438), "ext4", "offset 0x438 in head at 0x0"},
		{Detection{Kind: Unrecognized, Offset: 0x200}, "unrecognized data (non-zero byte at offset 0x200)", ""},
		{
			Detection{Kind: Unrecognized, Offset: 0x200, Region: headRegion},
			"unrecognized data (non-zero byte at offset 0x200 in head at 0x0)", "offset 0x200 in head at 0x0",
		},
	}
	for _, tc := range tests {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.d, got, tc.want)
		}
		if got := tc.d.Where(); got != tc.wantWhere {
			t.Errorf("%#v.Where() = %q, want %q", tc.d, got, tc.wantWhere)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	tests := map[int64]string{
		0: "0 B", 512: "512 B", 1024: "1 KiB", 63 * 512: "31.50 KiB", 1 << 20: "1 MiB",
		headLen: "1.07 MiB", 300 << 20: "300 MiB", 1 << 40: "1 TiB", 1<<63 - 1: "8.00 EiB",
	}
	for n, want := range tests {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDetectPath(t *testing.T) {
	ctx := context.Background()
	img := sparseImage{size: 1 << 20, patches: []patch{{off: 0, data: []byte("XFSB")}}}.writeFile(t, t.TempDir())
	got, ev, err := DetectPath(ctx, img)
	if err != nil {
		t.Fatalf("DetectPath: %v", err)
	}
	if diff := cmp.Diff(primaryAt(XFS, "", 0), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ev.Size != 1<<20 || ev.BytesRead != 1<<20 {
		t.Errorf("evidence %v: want the whole 1 MiB image read once", ev)
	}

	fifo := t.TempDir() + "/fifo"
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
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
		{name: "fifo (must not hang)", ctx: ctx, path: fifo, target: ErrInvalidArgument},
		{name: "missing file", ctx: ctx, path: "/nonexistent/diskguard.img", target: fs.ErrNotExist},
		{name: "canceled context", ctx: canceled, path: img, target: context.Canceled},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := DetectPath(tc.ctx, tc.path)
			if !errors.Is(err, tc.target) {
				t.Fatalf("err = %v, want %v", err, tc.target)
			}
			if got.Kind == Blank {
				t.Fatalf("failed detection reported %v", got)
			}
		})
	}
}
