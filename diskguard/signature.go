//go:build linux

package diskguard

import (
	"encoding/binary"
	"fmt"
)

// signature is a magic byte string that identifies a Kind at a fixed offset.
type signature struct {
	kind  Kind
	off   int64
	magic string
	// primary is true for a filesystem's or partition table's main header
	// at offset 0: the only kind of match that lets EnsureFilesystem treat
	// the device as already holding the wanted filesystem.
	primary bool
	// valid, if set, must also accept the bytes around the magic. It keeps
	// a two-byte magic at a guessed backup location from giving random data
	// a filesystem's name; such data is still refused, as Unrecognized.
	valid func(snapshot) bool
	// variant names what was found; nil leaves Detection.Variant empty.
	variant func(snapshot) string
}

// fixed returns a variant func that always names the match the same way.
func fixed(name string) func(snapshot) string {
	return func(snapshot) string { return name }
}

// signatures lists what Detect looks for on a device of the given size, in
// order of precedence. Order matters where one format legitimately contains
// another's magic: a GPT disk carries a protective MBR, so GPT is checked
// before MBR. Primary headers at offset 0 come first. Backup superblocks of
// a filesystem at offset 0 come next: they are checked against the layout
// that put them there, and one of them (a 1 KiB-block ext's group 1 at
// 8 MiB + 1 KiB) sits exactly where a partition's primary would. Then come
// filesystems at partition offsets (what is left when a partition table is
// lost), the backup GPT header, and the partitions' backup superblocks.
func signatures(size int64) []signature {
	sigs := []signature{
		{kind: LUKS, off: 0, magic: luksMagic, variant: luksVariantAt(0)},
		{kind: XFS, off: 0, magic: xfsMagic},
		{kind: GPT, off: 512, magic: gptMagic},
		{kind: GPT, off: 4096, magic: gptMagic, variant: fixed("gpt (4096-byte sectors)")},
		{kind: Btrfs, off: btrfsMagicOff, magic: btrfsMagic},
		{kind: Ext, off: extSuperblockOff + extMagicOff, magic: extMagic, variant: extVariantAt(extSuperblockOff)},
	}
	for _, off := range swapMagicOffsets() {
		sigs = append(sigs,
			signature{kind: Swap, off: off, magic: "SWAPSPACE2"},
			signature{kind: Swap, off: off, magic: "SWAP-SPACE"},
		)
	}
	sigs = append(sigs, signature{kind: MBR, off: 510, magic: mbrMagic})
	for i := range sigs {
		sigs[i].primary = true
	}

	sigs = append(sigs, backupSignatures(size, 0)...)
	for _, base := range partitionBases() {
		sigs = append(sigs, partitionSignatures(base)...)
	}
	sigs = append(sigs,
		signature{kind: GPT, off: size - 512, magic: gptMagic, variant: fixed("gpt (backup header only)")},
		signature{kind: GPT, off: size - 4096, magic: gptMagic, variant: fixed("gpt (backup header only)")},
	)
	for _, base := range partitionBases() {
		sigs = append(sigs, backupSignatures(size, base)...)
	}
	return sigs
}

// Magic numbers and where they sit relative to the start of a filesystem.
const (
	luksMagic        = "LUKS\xba\xbe"
	xfsMagic         = "XFSB"
	gptMagic         = "EFI PART"
	btrfsMagic       = "_BHRfS_M"
	btrfsMagicOff    = 0x10040
	btrfsMirrorMagic = 0x40
	mbrMagic         = "\x55\xaa"
	extMagic         = "\x53\xef"
	extSuperblockOff = 1024
	extMagicOff      = 0x38
)

// swapMagicOffsets are where the swap signature ends a page, for page sizes
// up to 64 KiB.
func swapMagicOffsets() []int64 {
	return []int64{4096 - 10, 8192 - 10, 16384 - 10, 65536 - 10}
}

// partitionSignatures are the primary headers of a filesystem (or boot
// sector) that starts at base, reported as, e.g., "ext4 starting at 1 MiB".
// Partition tables are not looked for: they belong at offset 0.
func partitionSignatures(base int64) []signature {
	at := func(name func(snapshot) string, kind Kind) func(snapshot) string {
		return func(s snapshot) string {
			n := kind.String()
			if name != nil {
				if v := name(s); v != "" {
					n = v
				}
			}
			return fmt.Sprintf("%s starting at %s", n, humanBytes(base))
		}
	}
	sb := base + extSuperblockOff
	sigs := []signature{
		{kind: LUKS, off: base, magic: luksMagic, variant: at(luksVariantAt(base), LUKS)},
		{kind: XFS, off: base, magic: xfsMagic, variant: at(nil, XFS)},
		{kind: Btrfs, off: base + btrfsMagicOff, magic: btrfsMagic, variant: at(nil, Btrfs)},
		{kind: Ext, off: sb + extMagicOff, magic: extMagic, valid: extPlausible(sb), variant: at(extVariantAt(sb), Ext)},
	}
	for _, off := range swapMagicOffsets() {
		sigs = append(sigs,
			signature{kind: Swap, off: base + off, magic: "SWAPSPACE2", variant: at(nil, Swap)},
			signature{kind: Swap, off: base + off, magic: "SWAP-SPACE", variant: at(nil, Swap)},
		)
	}
	return append(sigs, signature{kind: MBR, off: base + 510, magic: mbrMagic, variant: at(fixed("boot sector"), MBR)})
}

// backupSignatures are the backup superblocks of a filesystem starting at
// base: btrfs mirrors, ext backups in sparse_super groups, and XFS
// secondaries at allocation group starts.
func backupSignatures(size, base int64) []signature {
	where := " (backup superblock only)"
	if base != 0 {
		where = fmt.Sprintf(" starting at %s (backup superblock only)", humanBytes(base))
	}
	var sigs []signature
	for _, m := range btrfsMirrors() {
		sigs = append(sigs, signature{kind: Btrfs, off: base + m + btrfsMirrorMagic, magic: btrfsMagic, variant: fixed("btrfs" + where)})
	}
	for _, b := range extBackups(size - base) {
		sb := base + b.off
		name := extVariantAt(sb)
		sigs = append(sigs, signature{
			kind: Ext, off: sb + extMagicOff, magic: extMagic,
			valid: extBackupValid(sb, b),
			variant: func(s snapshot) string {
				if v := name(s); v != "" {
					return v + where
				}
				return "ext" + where
			},
		})
	}
	for _, ag := range xfsSecondaries(size, base) {
		sigs = append(sigs, signature{
			kind: XFS, off: base + ag.off, magic: xfsMagic,
			valid:   xfsSecondaryValid(base+ag.off, ag),
			variant: fixed("xfs" + where),
		})
	}
	return sigs
}

// ext superblock fields (offsets within the superblock) and the flags that
// tell ext2, ext3 and ext4 apart, following libblkid.
const (
	extLogBlockSizeOff    = 0x18
	extBlocksPerGroupOff  = 0x20
	extBlockGroupNrOff    = 0x5a
	extCompatOff          = 0x5c
	extIncompatOff        = 0x60
	extROCompatOff        = 0x64
	extMaxLogBlockSize    = 6 // 64 KiB blocks
	extCompatHasJournal   = 0x4
	extIncompatJournalDev = 0x8
	ext3IncompatKnown     = 0x2 | 0x4 | 0x10 // filetype, recover, meta_bg
	ext3ROCompatKnown     = 0x1 | 0x2 | 0x4  // sparse_super, large_file, btree_dir
)

// le32At reads a little-endian uint32 at off if it was read.
func le32At(s snapshot, off int64) (uint32, bool) {
	b, _, ok := s.bytesAt(off, 4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

// be32At reads a big-endian uint32 at off if it was read.
func be32At(s snapshot, off int64) (uint32, bool) {
	b, _, ok := s.bytesAt(off, 4)
	if !ok {
		return 0, false
	}
	return binary.BigEndian.Uint32(b), true
}

// extPlausible accepts an ext superblock at sb whose block size is one ext
// can have, which random bytes around a stray 0xEF53 rarely are.
func extPlausible(sb int64) func(snapshot) bool {
	return func(s snapshot) bool {
		v, ok := le32At(s, sb+extLogBlockSizeOff)
		return ok && v <= extMaxLogBlockSize
	}
}

// extBackupValid accepts a backup superblock only if it describes the
// layout it was found by: the block size and blocks per group that put it
// there, and (as mke2fs records in every backup) its own group number.
func extBackupValid(sb int64, b extBackup) func(snapshot) bool {
	return func(s snapshot) bool {
		logBS, ok1 := le32At(s, sb+extLogBlockSizeOff)
		perGroup, ok2 := le32At(s, sb+extBlocksPerGroupOff)
		nr, _, ok3 := s.bytesAt(sb+extBlockGroupNrOff, 2)
		return ok1 && ok2 && ok3 &&
			int64(1024)<<logBS == b.blockSize && logBS <= extMaxLogBlockSize &&
			int64(perGroup) == 8*b.blockSize &&
			int64(binary.LittleEndian.Uint16(nr)) == b.group&0xffff
	}
}

// xfsSecondaryValid accepts a secondary superblock only if its geometry is
// the one that put it there.
func xfsSecondaryValid(off int64, ag xfsSecondary) func(snapshot) bool {
	const blockSizeOff, agBlocksOff = 4, 84
	return func(s snapshot) bool {
		bs, ok1 := be32At(s, off+blockSizeOff)
		agBlocks, ok2 := be32At(s, off+agBlocksOff)
		return ok1 && ok2 && bs == xfsBlockSize && int64(agBlocks) == ag.agBlocks
	}
}

// extVariantAt classifies the ext superblock starting at sb as ext2, ext3,
// ext4 or an external journal device, or returns "" if its feature fields
// were not read.
func extVariantAt(sb int64) func(snapshot) string {
	return func(s snapshot) string {
		compat, ok1 := le32At(s, sb+extCompatOff)
		incompat, ok2 := le32At(s, sb+extIncompatOff)
		roCompat, ok3 := le32At(s, sb+extROCompatOff)
		switch {
		case !ok1 || !ok2 || !ok3:
			return ""
		case incompat&extIncompatJournalDev != 0:
			return "ext journal device"
		case incompat&^ext3IncompatKnown != 0 || roCompat&^ext3ROCompatKnown != 0:
			return "ext4"
		case compat&extCompatHasJournal != 0:
			return "ext3"
		default:
			return "ext2"
		}
	}
}

// luksVariantAt reads the big-endian header version that follows a LUKS
// magic at off.
func luksVariantAt(off int64) func(snapshot) string {
	return func(s snapshot) string {
		b, _, ok := s.bytesAt(off+int64(len(luksMagic)), 2)
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
}
