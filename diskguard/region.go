//go:build linux

package diskguard

// Offsets and lengths of the regions Detect reads. Blankness is defined over
// exactly these regions, so each is chosen to cover a place where something
// that matters is written.
const (
	// headLen covers the first 68 KiB: MBR and GPT headers, XFS, LUKS
	// (including LUKS2's secondary header), ext's superblock at 1 KiB, swap
	// signatures for page sizes up to 64 KiB, the btrfs primary superblock at
	// 64 KiB, and headers of things we do not name (LVM's label, md RAID
	// 1.1/1.2 superblocks) which then show up as Unrecognized.
	headLen = 0x11000
	// superblockLen is the size of a btrfs superblock copy.
	superblockLen = 0x1000
	// btrfsMirror1 and btrfsMirror2 are the btrfs backup superblock
	// locations, read so a disk whose primary superblock was damaged is still
	// seen as holding btrfs.
	btrfsMirror1 = 64 << 20
	btrfsMirror2 = 256 << 30
	// tailLen covers the end of the device, where the backup GPT header and
	// md RAID 0.90/1.0 superblocks live.
	tailLen = 128 << 10
)

// region is the byte range [off, off+n) of a device.
type region struct {
	off, n int64
}

// checkedRegions returns the regions of a device of the given size that
// Detect reads, clipped to the device. A region that lies beyond the end of
// a short device is simply absent.
func checkedRegions(size int64) []region {
	candidates := []region{
		{0, headLen},
		{btrfsMirror1, superblockLen},
		{btrfsMirror2, superblockLen},
		{size - tailLen, tailLen},
	}
	out := make([]region, 0, len(candidates))
	for _, c := range candidates {
		start := max(c.off, 0)
		end := min(c.off+c.n, size)
		if end > start {
			out = append(out, region{off: start, n: end - start})
		}
	}
	return out
}
