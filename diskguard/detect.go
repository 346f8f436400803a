//go:build linux

package diskguard

import (
	"context"
	"fmt"
	"io"
	"strconv"
)

// Detection is what Detect found on a device.
type Detection struct {
	// Kind is the class of content.
	Kind Kind
	// Variant refines Kind where the signature says more, such as "ext4" or
	// "luks2", or says that only a backup copy or a filesystem at a
	// partition offset was found. Empty otherwise.
	Variant string
	// Offset is the byte offset of the signature that identified Kind; for
	// Unrecognized it is the first non-zero byte seen, and for Blank it is 0.
	Offset int64
	// Primary is true when Kind was identified by its main header at the
	// start of the device: the only case in which the device can be used
	// as it is. A backup superblock or a filesystem at a partition offset
	// says the device holds data, but not a filesystem that can be mounted
	// from it.
	Primary bool
	// Region describes the region read in which Offset lies, e.g. "head at
	// 0x0" or "ext backup superblock (4 KiB blocks, group 1) at 0x8000000";
	// empty for Blank.
	Region string
}

// String names the content for messages, e.g. "ext4", "btrfs (backup
// superblock only)" or "unrecognized data (non-zero byte at offset 0x200
// in head at 0x0)".
func (d Detection) String() string {
	switch {
	case d.Kind == Unrecognized && d.Region != "":
		return fmt.Sprintf("unrecognized data (non-zero byte at offset %#x in %s)", d.Offset, d.Region)
	case d.Kind == Unrecognized:
		return fmt.Sprintf("unrecognized data (non-zero byte at offset %#x)", d.Offset)
	case d.Variant != "":
		return d.Variant
	default:
		return d.Kind.String()
	}
}

// Where says where the content was found, e.g. "offset 0x438 in head at
// 0x0"; empty for Blank.
func (d Detection) Where() string {
	if d.Region == "" {
		return ""
	}
	return fmt.Sprintf("offset %#x in %s", d.Offset, d.Region)
}

// snapshot holds the bytes read from each checked region.
type snapshot struct {
	parts []part
}

// bytesAt returns the n bytes at off and the region they were read from,
// if a read region holds all of them. Where regions overlap it names the
// smallest, the most specific description of where the bytes are.
func (s snapshot) bytesAt(off int64, n int) ([]byte, region, bool) {
	best := -1
	for i, p := range s.parts {
		if off >= p.region.off && off-p.region.off <= int64(len(p.data))-int64(n) &&
			(best < 0 || len(p.data) < len(s.parts[best].data)) {
			best = i
		}
	}
	if best < 0 {
		return nil, region{}, false
	}
	p := s.parts[best]
	start := off - p.region.off
	return p.data[start : start+int64(n)], p.region, true
}

// match returns the first signature, in precedence order, whose magic was
// read.
func (s snapshot) match(sigs []signature) (Detection, bool) {
	for _, sig := range sigs {
		got, rg, ok := s.bytesAt(sig.off, len(sig.magic))
		if !ok || string(got) != sig.magic || (sig.valid != nil && !sig.valid(s)) {
			continue
		}
		d := Detection{Kind: sig.kind, Offset: sig.off, Primary: sig.primary, Region: rg.String()}
		if sig.variant != nil {
			d.Variant = sig.variant(s)
		}
		return d, true
	}
	return Detection{}, false
}

// firstNonZero returns an Unrecognized detection at the first non-zero
// byte, scanning regions in the order they were read.
func (s snapshot) firstNonZero() (Detection, bool) {
	for _, p := range s.parts {
		for i, b := range p.data {
			if b != 0 {
				return Detection{Kind: Unrecognized, Offset: p.region.off + int64(i), Region: p.region.String()}, true
			}
		}
	}
	return Detection{}, false
}

// Detect identifies the content of a device or image of the given size by
// its on-disk signatures, and says in its Evidence what it read.
//
// It reads the fixed regions where signatures live (see RegionClass): the
// head, filesystems at common partition offsets, backup superblocks of
// btrfs, ext and XFS, and the tail. If all of that is zero it also samples
// the whole device at regular intervals. It reports Blank only if every
// byte it read is zero, so any data it sees, recognised or not, makes the
// device not blank. On error the returned Detection is the zero value,
// whose Kind is Unrecognized.
func Detect(ctx context.Context, r io.ReaderAt, size int64) (Detection, Evidence, error) {
	return detect(ctx, r, size, true)
}

// detect is Detect with sampling optional: a first look that only needs to
// know whether a device already holds something skips it, because the
// decision to format is made by a full check anyway (see formatIfBlank).
func detect(ctx context.Context, r io.ReaderAt, size int64, sample bool) (Detection, Evidence, error) {
	if r == nil {
		return Detection{}, Evidence{}, &ArgumentError{Name: "reader", Value: "<nil>", Reason: "must not be nil"}
	}
	if size < 0 {
		return Detection{}, Evidence{}, &ArgumentError{Name: "size", Value: strconv.FormatInt(size, 10), Reason: "must not be negative"}
	}
	if err := ctx.Err(); err != nil {
		return Detection{}, Evidence{}, err
	}
	ev := Evidence{Size: size}
	var rr regionReader
	parts, err := rr.read(ctx, r, structuralRegions(size))
	if err != nil {
		return Detection{}, ev, err
	}
	ev.record(parts)
	s := snapshot{parts: parts}
	if d, ok := s.match(signatures(size)); ok {
		return d, ev, nil
	}
	if d, ok := s.firstNonZero(); ok {
		return d, ev, nil
	}
	if !sample {
		return Detection{Kind: Blank}, ev, nil
	}

	plan := planSamples(size)
	if plan.count > 0 {
		ev.SampleStride = plan.stride
	}
	batch := make([]region, 0, min(plan.count, sampleBatch))
	for first := int64(1); first <= plan.count; first += sampleBatch {
		batch = batch[:0]
		for k := first; k <= min(first+sampleBatch-1, plan.count); k++ {
			batch = append(batch, plan.sample(k))
		}
		parts, err := rr.read(ctx, r, batch)
		if err != nil {
			return Detection{}, ev, err
		}
		ev.record(parts)
		if d, ok := (snapshot{parts: parts}).firstNonZero(); ok {
			return d, ev, nil
		}
	}
	return Detection{Kind: Blank}, ev, nil
}

// DetectPath opens path read-only and detects its content. path must be an
// absolute path to a block device or a regular (image) file.
func DetectPath(ctx context.Context, path string) (Detection, Evidence, error) {
	dev, err := openHeld(ctx, path)
	if err != nil {
		return Detection{}, Evidence{}, err
	}
	defer dev.Close()
	d, ev, err := detect(ctx, dev.anchor, dev.size, true)
	if err != nil {
		return Detection{}, ev, fmt.Errorf("diskguard: detect %s: %w", path, err)
	}
	return d, ev, nil
}
