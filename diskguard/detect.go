//go:build linux

package diskguard

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// Detection is what Detect found on a device.
type Detection struct {
	// Kind is the class of content.
	Kind Kind
	// Variant refines Kind where the signature says more, such as "ext4" or
	// "luks2", or notes that only a backup copy was found. Empty otherwise.
	Variant string
	// Offset is the byte offset of the signature that identified Kind; for
	// Unrecognized it is the first non-zero byte seen, and for Blank it is 0.
	Offset int64
}

// String names the content for messages, e.g. "ext4", "btrfs" or
// "unrecognized data (non-zero byte at offset 0x200)".
func (d Detection) String() string {
	switch {
	case d.Kind == Unrecognized:
		return fmt.Sprintf("unrecognized data (non-zero byte at offset %#x)", d.Offset)
	case d.Variant != "":
		return d.Variant
	default:
		return d.Kind.String()
	}
}

// signature is a magic byte string that identifies a Kind at a fixed offset.
type signature struct {
	kind    Kind
	off     int64
	magic   string
	variant string
}

// signatures lists what Detect looks for on a device of the given size, in
// order of precedence. Order matters where one format legitimately contains
// another's magic: a GPT disk carries a protective MBR, so GPT is checked
// before MBR; backup copies come last so a primary header always wins.
func signatures(size int64) []signature {
	sigs := []signature{
		{kind: LUKS, off: 0, magic: "LUKS\xba\xbe"},
		{kind: XFS, off: 0, magic: "XFSB"},
		{kind: GPT, off: 512, magic: "EFI PART"},
		{kind: GPT, off: 4096, magic: "EFI PART", variant: "gpt (4096-byte sectors)"},
		{kind: Btrfs, off: 0x10040, magic: "_BHRfS_M"},
		{kind: Ext, off: 0x438, magic: "\x53\xef"},
	}
	for _, page := range []int64{4096, 8192, 16384, 65536} {
		sigs = append(sigs,
			signature{kind: Swap, off: page - 10, magic: "SWAPSPACE2"},
			signature{kind: Swap, off: page - 10, magic: "SWAP-SPACE"},
		)
	}
	sigs = append(sigs,
		signature{kind: MBR, off: 510, magic: "\x55\xaa"},
		signature{kind: Btrfs, off: btrfsMirror1 + 0x40, magic: "_BHRfS_M", variant: "btrfs (backup superblock only)"},
		signature{kind: Btrfs, off: btrfsMirror2 + 0x40, magic: "_BHRfS_M", variant: "btrfs (backup superblock only)"},
		signature{kind: GPT, off: size - 512, magic: "EFI PART", variant: "gpt (backup header only)"},
		signature{kind: GPT, off: size - 4096, magic: "EFI PART", variant: "gpt (backup header only)"},
	)
	return sigs
}

// snapshot holds the bytes read from each checked region.
type snapshot struct {
	parts []part
}

// part is the data read from one region; it may be shorter than the region
// when the device ended early.
type part struct {
	off  int64
	data []byte
}

// bytesAt returns the n bytes at off if one read region holds all of them.
func (s snapshot) bytesAt(off int64, n int) ([]byte, bool) {
	if off < 0 {
		return nil, false
	}
	for _, p := range s.parts {
		if off >= p.off && off+int64(n) <= p.off+int64(len(p.data)) {
			start := off - p.off
			return p.data[start : start+int64(n)], true
		}
	}
	return nil, false
}

// firstNonZero returns the offset of the first non-zero byte, scanning
// regions in the order they were read.
func (s snapshot) firstNonZero() (int64, bool) {
	for _, p := range s.parts {
		for i, b := range p.data {
			if b != 0 {
				return p.off + int64(i), true
			}
		}
	}
	return 0, false
}

// readRegions reads each region from r. A read that stops at end of file is
// not an error: that part of a short device is not there.
func readRegions(r io.ReaderAt, regions []region) (snapshot, error) {
	var s snapshot
	for _, rg := range regions {
		buf := make([]byte, rg.n)
		n, err := r.ReadAt(buf, rg.off)
		if err != nil && !errors.Is(err, io.EOF) {
			return snapshot{}, fmt.Errorf("diskguard: read %d bytes at offset %#x: %w", rg.n, rg.off, err)
		}
		s.parts = append(s.parts, part{off: rg.off, data: buf[:n]})
	}
	return s, nil
}

// Detect identifies the content of a device or image of the given size by
// its on-disk signatures, reading only the regions described in region.go.
//
// It reports Blank only if every byte it read is zero, so any data in those
// regions, recognised or not, makes the device not blank. On error the
// returned Detection is the zero value, whose Kind is Unrecognized.
func Detect(r io.ReaderAt, size int64) (Detection, error) {
	if r == nil {
		return Detection{}, &ArgumentError{Name: "reader", Value: "<nil>", Reason: "must not be nil"}
	}
	if size < 0 {
		return Detection{}, &ArgumentError{Name: "size", Value: strconv.FormatInt(size, 10), Reason: "must not be negative"}
	}
	s, err := readRegions(r, checkedRegions(size))
	if err != nil {
		return Detection{}, err
	}
	for _, sig := range signatures(size) {
		got, ok := s.bytesAt(sig.off, len(sig.magic))
		if !ok || string(got) != sig.magic {
			continue
		}
		d := Detection{Kind: sig.kind, Variant: sig.variant, Offset: sig.off}
		if d.Variant == "" {
			d.Variant = refineVariant(s, sig.kind)
		}
		return d, nil
	}
	if off, ok := s.firstNonZero(); ok {
		return Detection{Kind: Unrecognized, Offset: off}, nil
	}
	return Detection{Kind: Blank}, nil
}

// refineVariant reads the version or feature fields next to a matched
// signature so messages can say "ext4" or "luks2" rather than just the kind.
func refineVariant(s snapshot, k Kind) string {
	switch k {
	case Ext:
		return extVariant(s)
	case LUKS:
		return luksVariant(s)
	default:
		return ""
	}
}

// ext superblock feature fields (absolute offsets: superblock at 1024) and
// the flags that tell ext2, ext3 and ext4 apart, following libblkid.
const (
	extCompatOff   = 1024 + 0x5c
	extIncompatOff = 1024 + 0x60
	extROCompatOff = 1024 + 0x64

	extCompatHasJournal  = 0x4
	extIncompatJournDev  = 0x8
	ext3IncompatKnown    = 0x2 | 0x4 | 0x10 // filetype, recover, meta_bg
	ext3ROCompatKnown    = 0x1 | 0x2 | 0x4  // sparse_super, large_file, btree_dir
	extFeatureFieldBytes = 4
)

// extVariant classifies an ext superblock as ext2, ext3, ext4 or an external
// journal device.
func extVariant(s snapshot) string {
	field := func(off int64) (uint32, bool) {
		b, ok := s.bytesAt(off, extFeatureFieldBytes)
		if !ok {
			return 0, false
		}
		return binary.LittleEndian.Uint32(b), true
	}
	compat, ok1 := field(extCompatOff)
	incompat, ok2 := field(extIncompatOff)
	roCompat, ok3 := field(extROCompatOff)
	switch {
	case !ok1 || !ok2 || !ok3:
		return ""
	case incompat&extIncompatJournDev != 0:
		return "ext journal device"
	case incompat&^ext3IncompatKnown != 0 || roCompat&^ext3ROCompatKnown != 0:
		return "ext4"
	case compat&extCompatHasJournal != 0:
		return "ext3"
	default:
		return "ext2"
	}
}

// luksVariant reads the big-endian header version that follows the LUKS
// magic.
func luksVariant(s snapshot) string {
	b, ok := s.bytesAt(6, 2)
	if !ok {
		return ""
	}
	switch binary.BigEndian.Uint16(b) {
	case 1:
		return "luks1"
	case 2:
		return "luks2"
	default:
		return ""
	}
}

// DetectPath opens path read-only and detects its content. path must be an
// absolute path to a block device or a regular (image) file.
func DetectPath(ctx context.Context, path string) (Detection, error) {
	return detectFile(ctx, path, 0)
}

// detectFile is DetectPath with extra open(2) flags, so the final re-check
// before formatting can ask for O_EXCL.
func detectFile(ctx context.Context, path string, extraFlags int) (Detection, error) {
	if err := checkDevicePath(path); err != nil {
		return Detection{}, err
	}
	if err := ctx.Err(); err != nil {
		return Detection{}, fmt.Errorf("diskguard: detect %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|extraFlags, 0)
	if err != nil {
		return Detection{}, fmt.Errorf("diskguard: detect: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Detection{}, fmt.Errorf("diskguard: detect: %w", err)
	}
	mode := info.Mode()
	isBlock := mode&os.ModeDevice != 0 && mode&os.ModeCharDevice == 0
	if !mode.IsRegular() && !isBlock {
		return Detection{}, &ArgumentError{Name: "device", Value: path, Reason: "not a block device or regular file"}
	}
	// Seek, not Stat, because a block device's Stat size is 0.
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return Detection{}, fmt.Errorf("diskguard: size of %s: %w", path, err)
	}
	d, err := Detect(f, size)
	if err != nil {
		return Detection{}, fmt.Errorf("diskguard: detect %s: %w", path, err)
	}
	return d, nil
}

// checkDevicePath rejects paths that would be resolved against the working
// directory, since a bootstrap run from an unexpected directory must not end
// up examining (and formatting) a different file.
func checkDevicePath(path string) error {
	switch {
	case path == "":
		return &ArgumentError{Name: "device", Value: path, Reason: "must not be empty"}
	case !filepath.IsAbs(path):
		return &ArgumentError{Name: "device", Value: path, Reason: "must be an absolute path"}
	default:
		return nil
	}
}
