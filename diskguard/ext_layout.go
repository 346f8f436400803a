//go:build linux

package diskguard

import (
	"fmt"
	"slices"
)

// extBackup is the location of one ext2/3/4 backup superblock, relative to
// the start of the filesystem.
type extBackup struct {
	off       int64
	blockSize int64
	group     int64
}

// String says which backup it is, e.g. "4 KiB blocks, group 3".
func (b extBackup) String() string {
	return fmt.Sprintf("%s blocks, group %d", humanBytes(b.blockSize), b.group)
}

// extBlockSizes are the block sizes mke2fs picks by default: 1 KiB for
// small filesystems (the "small" and "floppy" types) and 4 KiB otherwise;
// 2 KiB is there for filesystems made with -b 2048.
func extBlockSizes() []int64 { return []int64{1024, 2048, 4096} }

// extBackups returns where mke2fs's default layout puts backup superblocks
// in a filesystem of fsSize bytes, for every block size in extBlockSizes.
//
// A block group holds 8 × blocksize blocks (one bitmap block's worth), so
// group g starts at block first + g × 8 × blocksize, where first is 1 for
// 1 KiB blocks (block 0 is the boot block) and 0 otherwise. With
// sparse_super, which every mke2fs has set by default since 1.42, only
// groups 1 and powers of 3, 5 and 7 carry a backup. Filesystems made
// without sparse_super have a backup in every group, a superset of these.
func extBackups(fsSize int64) []extBackup {
	var out []extBackup
	for _, bs := range extBlockSizes() {
		groupBytes := 8 * bs * bs
		first := int64(0)
		if bs == 1024 {
			first = 1
		}
		if fsSize <= first*bs {
			continue
		}
		ngroups := (fsSize-first*bs-1)/groupBytes + 1
		for _, g := range sparseSuperGroups(ngroups) {
			out = append(out, extBackup{off: first*bs + g*groupBytes, blockSize: bs, group: g})
		}
	}
	return out
}

// sparseSuperGroups returns, in increasing order, the groups below ngroups
// that hold a backup superblock under sparse_super: 1 and every power of 3,
// 5 and 7.
func sparseSuperGroups(ngroups int64) []int64 {
	var out []int64
	if ngroups > 1 {
		out = append(out, 1)
	}
	for _, base := range []int64{3, 5, 7} {
		// The bound keeps p*base from overflowing.
		for p := base; p < ngroups; p *= base {
			out = append(out, p)
			if p > (1<<62)/base {
				break
			}
		}
	}
	slices.Sort(out)
	return out
}
