//go:build linux

package diskguard

import "fmt"

// Kind is the class of content found on a device.
//
// The zero value is Unrecognized, not Blank, on purpose: a Detection that was
// never filled in (for example because reading the device failed) must never
// look like permission to format.
type Kind int

// The kinds Detect can report.
const (
	// Unrecognized means some checked byte is non-zero but no known signature
	// matched. Such a device may hold data and is never formatted.
	Unrecognized Kind = iota
	// Blank means every checked region is all zero bytes.
	Blank
	// Btrfs is a btrfs filesystem.
	Btrfs
	// Ext is an ext2, ext3 or ext4 filesystem; Detection.Variant says which.
	Ext
	// XFS is an XFS filesystem.
	XFS
	// LUKS is a LUKS encrypted volume header.
	LUKS
	// Swap is a Linux swap area.
	Swap
	// MBR is a DOS partition table (or any boot sector ending in 0x55AA,
	// which includes FAT and NTFS volumes).
	MBR
	// GPT is a GUID partition table.
	GPT
)

// String returns the lower-case name used in messages and accepted by
// ParseKind.
func (k Kind) String() string {
	switch k {
	case Unrecognized:
		return "unrecognized"
	case Blank:
		return "blank"
	case Btrfs:
		return "btrfs"
	case Ext:
		return "ext"
	case XFS:
		return "xfs"
	case LUKS:
		return "luks"
	case Swap:
		return "swap"
	case MBR:
		return "mbr"
	case GPT:
		return "gpt"
	default:
		return fmt.Sprintf("Kind(%d)", int(k))
	}
}

// Formattable reports whether EnsureFilesystem can create this kind, which
// keeps callers from asking for "luks" or "gpt" and getting a surprise.
func (k Kind) Formattable() bool {
	return k == Btrfs || k == Ext || k == XFS
}

// ParseKind maps a filesystem name from a command line or config file to a
// formattable Kind. "ext4" and "ext" both mean Ext, because ext4 is what the
// provided formatter creates.
func ParseKind(name string) (Kind, error) {
	switch name {
	case "btrfs":
		return Btrfs, nil
	case "ext4", "ext":
		return Ext, nil
	case "xfs":
		return XFS, nil
	default:
		return Unrecognized, &ArgumentError{Name: "filesystem", Value: name, Reason: "want btrfs, ext4 or xfs"}
	}
}
