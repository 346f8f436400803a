//go:build linux

package diskguard

import "fmt"

// RegionClass names a kind of region that a blank check reads. Evidence
// counts reads by class, and a Detection says in which region it found
// something.
type RegionClass string

// The region classes, in the order a check reads them.
const (
	// RegionHead is the start of the device: partition tables, the
	// superblocks of a filesystem at offset 0, and any partition that starts
	// in the first MiB (63-sector DOS, 34-sector GPT, 1 MiB aligned).
	RegionHead RegionClass = "head"
	// RegionPartitionHead is the first 68 KiB of a filesystem that starts at
	// a common partition offset beyond the head.
	RegionPartitionHead RegionClass = "partition head"
	// RegionBtrfsMirror is a btrfs backup superblock location.
	RegionBtrfsMirror RegionClass = "btrfs mirror"
	// RegionExtBackup is an ext2/3/4 backup superblock location.
	RegionExtBackup RegionClass = "ext backup superblock"
	// RegionXFSSecondary is an XFS secondary superblock location (the start
	// of an allocation group).
	RegionXFSSecondary RegionClass = "xfs secondary superblock"
	// RegionTail is the end of the device.
	RegionTail RegionClass = "tail"
	// RegionSample is one of the small reads spread evenly over the whole
	// device.
	RegionSample RegionClass = "sample"
)

// Sizes of the regions a check reads. Blankness is defined over exactly
// these regions, so each is chosen to cover a place where something that
// matters is written.
const (
	// fsHeadLen is how much of its start a filesystem needs to be
	// recognised: XFS, LUKS (including LUKS2's secondary header), ext's
	// superblock at 1 KiB, swap signatures for page sizes up to 64 KiB and
	// the btrfs primary superblock at 64 KiB. Headers of things we do not
	// name (LVM's label, md RAID 1.1/1.2 superblocks) fall in it too and then
	// show up as Unrecognized.
	fsHeadLen = 0x11000
	// headLen is read in one piece: MBR and GPT, a filesystem at offset 0,
	// and a partition starting anywhere in the first MiB (where every
	// partitioning tool puts the first one), plus any data that starts past
	// the first filesystem head.
	headLen = 1<<20 + fsHeadLen
	// superblockLen is how much is read at a backup superblock location: a
	// btrfs superblock copy, and more than an ext or XFS superblock.
	superblockLen = 0x1000
	// tailLen covers the end of the device, where the backup GPT header and
	// its partition entries and md RAID 0.90/1.0 superblocks live.
	tailLen = 128 << 10
)

// btrfsMirrors returns the offsets of the btrfs backup superblocks relative
// to the start of the filesystem, read so a filesystem whose primary
// superblock was damaged is still seen as holding btrfs.
func btrfsMirrors() [3]int64 { return [3]int64{64 << 20, 256 << 30, 1 << 50} }

// partitionBases are the offsets at which a partition commonly starts. A
// filesystem there survives the loss of its partition table, so its
// superblocks are looked for at these bases as well as at offset 0.
// 63 sectors is the old DOS layout; 1 MiB (2048 512-byte sectors) is what
// fdisk, sfdisk, parted and gdisk use today; 8 MiB is 2048 4096-byte
// sectors; 2, 4 and 16 MiB are common alignments of later partitions.
func partitionBases() []int64 {
	return []int64{63 * 512, 1 << 20, 2 << 20, 4 << 20, 8 << 20, 16 << 20}
}

// filesystemBases is offset 0 followed by the partition bases: everywhere a
// filesystem's superblocks are looked for.
func filesystemBases() []int64 { return append([]int64{0}, partitionBases()...) }

// region is the byte range [off, off+n) of a device.
type region struct {
	off, n int64
	class  RegionClass
	// detail says which instance of the class this is, e.g. "4 KiB blocks,
	// group 3"; it is computed on demand for samples.
	detail string
}

// String describes the region for messages, e.g. "ext backup superblock
// (1 KiB blocks, group 1) at 0x800400".
func (r region) String() string {
	if r.detail == "" {
		return fmt.Sprintf("%s at %#x", r.class, r.off)
	}
	return fmt.Sprintf("%s (%s) at %#x", r.class, r.detail, r.off)
}

// clip returns r cut to a device of the given size, and false if nothing of
// it is inside. It never computes off+n, which could overflow for a region
// placed near the largest int64.
func (r region) clip(size int64) (region, bool) {
	if r.off < 0 || r.off >= size || r.n <= 0 {
		return region{}, false
	}
	r.n = min(r.n, size-r.off)
	return r, true
}

// end is the offset just past the region; regions are always clipped to a
// device size first, so it cannot overflow.
func (r region) end() int64 { return r.off + r.n }

// contains reports whether o lies entirely inside r.
func (r region) contains(o region) bool {
	return o.off >= r.off && o.end() <= r.end()
}

// structuralRegions returns the fixed places where a signature lives on a
// device of the given size, clipped to the device, in reading order. A
// region that lies beyond the end of a short device is absent. One that
// lies entirely inside the head or inside an earlier region of its own
// class is dropped, since its bytes are read anyway; overlaps between
// classes are kept (they cost a few KiB) so that a finding is named by the
// most specific region, e.g. a 1 KiB-block ext backup at 8 MiB + 1 KiB
// rather than the partition head at 8 MiB that also covers it.
func structuralRegions(size int64) []region {
	var candidates []region
	candidates = append(candidates, region{off: 0, n: headLen, class: RegionHead})
	for _, base := range partitionBases() {
		candidates = append(candidates, region{off: base, n: fsHeadLen, class: RegionPartitionHead, detail: "filesystem at " + humanBytes(base)})
	}
	bases := filesystemBases()
	for _, base := range bases {
		for i, m := range btrfsMirrors() {
			candidates = append(candidates, region{off: base + m, n: superblockLen, class: RegionBtrfsMirror, detail: fmt.Sprintf("copy %d%s", i+1, ofBase(base))})
		}
	}
	for _, base := range bases {
		for _, b := range extBackups(size - base) {
			candidates = append(candidates, region{off: base + b.off, n: superblockLen, class: RegionExtBackup, detail: b.String() + ofBase(base)})
		}
	}
	for _, base := range bases {
		for _, ag := range xfsSecondaries(size, base) {
			candidates = append(candidates, region{off: base + ag.off, n: superblockLen, class: RegionXFSSecondary, detail: ag.String() + ofBase(base)})
		}
	}
	candidates = append(candidates, region{off: max(size-tailLen, 0), n: tailLen, class: RegionTail})

	out := make([]region, 0, len(candidates))
	for _, c := range candidates {
		c, ok := c.clip(size)
		if !ok || coveredBy(out, c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// coveredBy reports whether the head or a region of r's class in rs holds
// all of r.
func coveredBy(rs []region, r region) bool {
	for _, o := range rs {
		if (o.class == RegionHead || o.class == r.class) && o.contains(r) {
			return true
		}
	}
	return false
}

// ofBase names the partition a backup location belongs to, or nothing for
// a filesystem at offset 0.
func ofBase(base int64) string {
	if base == 0 {
		return ""
	}
	return " of a filesystem at " + humanBytes(base)
}

// humanBytes formats a byte count with a binary unit, exact where it can be
// ("1 MiB", "68 KiB") and to two decimals otherwise ("1.07 MiB").
func humanBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	i, div := 0, int64(1)
	for n/div >= 1024 && i < len(units)-1 {
		div *= 1024
		i++
	}
	if n%div == 0 {
		return fmt.Sprintf("%d %s", n/div, units[i])
	}
	return fmt.Sprintf("%.2f %s", float64(n)/float64(div), units[i])
}
