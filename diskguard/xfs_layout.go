//go:build linux

package diskguard

import "fmt"

// XFS layout constants, as mkfs.xfs uses them for its default geometry.
const (
	// xfsBlockSize is mkfs.xfs's default block size.
	xfsBlockSize = 4096
	// xfsMaxAGBytes is the largest allocation group (1 TiB); mkfs.xfs uses
	// one block less than that as its maximum AG size.
	xfsMaxAGBytes = 1 << 40
	// xfsSingleDiskAGLog: on one disk of 128 MiB to 4 TiB mkfs.xfs makes
	// 2^2 = 4 allocation groups.
	xfsSingleDiskAGLog = 2
	// xfsMultiDiskAGLog: on striped storage it aims for up to 2^5 = 32.
	xfsMultiDiskAGLog = 5
	// xfsMaxSecondaries bounds how many allocation groups of one guessed
	// geometry are read. The first few are enough to recognise the
	// filesystem; a very large one would otherwise cost a read per TiB.
	xfsMaxSecondaries = 32
	// gptReservedTail is what a GPT keeps at the end of a disk (the backup
	// header and its 128 entries), which a partition that runs to the end
	// of the disk stops short of.
	gptReservedTail = 33 * 512
)

// xfsSecondary is the location of one XFS secondary superblock, relative
// to the start of the filesystem.
type xfsSecondary struct {
	off      int64
	ag       int64
	agBlocks int64
}

// String says which secondary it is, e.g. "ag 1, 19200-block groups".
func (s xfsSecondary) String() string {
	return fmt.Sprintf("ag %d, %d-block groups", s.ag, s.agBlocks)
}

// xfsSecondaries returns where mkfs.xfs's default geometry puts the
// secondary superblocks (one at the start of every allocation group but
// the first) of a filesystem starting at base on a device of the given
// size.
//
// An XFS filesystem records its geometry only in its superblocks, so when
// the primary is gone the others can only be found by redoing mkfs.xfs's
// arithmetic for the size it was given. For a filesystem at offset 0 that
// is the device size, and both the single-disk and the striped geometry
// are tried. A filesystem at a partition base was given its partition's
// size, which is unknown once the partition table is gone; the two sizes
// tried are the rest of the device (how a DOS partition runs to the end)
// and the rest up to the GPT's reserved tail, rounded down to whole MiB
// (how sfdisk and parted end the last GPT partition).
func xfsSecondaries(size, base int64) []xfsSecondary {
	type guess struct {
		fsSize    int64
		multiDisk bool
	}
	var guesses []guess
	if base == 0 {
		guesses = []guess{{size, false}, {size, true}}
	} else {
		guesses = []guess{{size - base, false}, {(size-gptReservedTail)&^(1<<20-1) - base, false}}
	}
	var out []xfsSecondary
	seen := map[int64]bool{}
	for _, g := range guesses {
		dblocks := g.fsSize / xfsBlockSize
		if dblocks <= 0 {
			continue
		}
		agBlocks, agCount := xfsDefaultGeometry(dblocks, g.multiDisk)
		for ag := int64(1); ag < min(agCount, xfsMaxSecondaries+1); ag++ {
			off := ag * agBlocks * xfsBlockSize
			if seen[off] {
				continue
			}
			seen[off] = true
			out = append(out, xfsSecondary{off: off, ag: ag, agBlocks: agBlocks})
		}
	}
	return out
}

// xfsDefaultGeometry is the allocation group size (in blocks) and count
// that mkfs.xfs chooses for a data section of dblocks blocks when it is not
// told otherwise: four groups on one disk between 128 MiB and 4 TiB, groups
// of the maximum size beyond, and more, smaller groups on striped storage.
// The test compares it with what `mkfs.xfs -N` reports.
func xfsDefaultGeometry(dblocks int64, multiDisk bool) (agBlocks, agCount int64) {
	const (
		tib = (1 << 40) / xfsBlockSize
		gib = (1 << 30) / xfsBlockSize
		mib = (1 << 20) / xfsBlockSize
	)
	maxAG := int64((xfsMaxAGBytes - 1) / xfsBlockSize)
	shift := 0
	switch {
	case dblocks >= 32*tib, !multiDisk && dblocks >= 4*tib:
		agBlocks = maxAG
	case !multiDisk && dblocks >= 128*mib:
		shift = xfsSingleDiskAGLog
	default:
		shift = xfsMultiDiskAGLog
		for _, limit := range []int64{512 * gib, 8 * gib} {
			if dblocks <= limit {
				shift--
			}
		}
		for _, limit := range []int64{128 * mib, 64 * mib, 32 * mib} {
			if dblocks < limit {
				shift--
			}
		}
		shift = max(shift, 0)
	}
	if agBlocks == 0 {
		// Round up so the remainder is not lost, as mkfs.xfs does.
		agBlocks = dblocks >> shift
		if dblocks&(1<<shift-1) != 0 && agBlocks < maxAG {
			agBlocks++
		}
	}
	agBlocks = max(agBlocks, 1)
	agCount = dblocks / agBlocks
	if dblocks%agBlocks != 0 {
		agCount++
	}
	return agBlocks, agCount
}
