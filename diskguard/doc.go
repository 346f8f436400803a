//go:build linux

// Package diskguard makes sure a host bootstrap can never format a data disk
// that already holds data, and that the project directories on it end up
// owned by the right user.
//
// # Why
//
// A bootstrap once decided whether to run mkfs by looking for a sentinel file
// on the mounted data disk. After the disk was detached and reattached the
// sentinel was not visible, the bootstrap re-ran mkfs on the reattached disk
// and wiped /btrfs. The directories it then recreated were owned by root, so
// creating .snapshots as the project user failed. A missing file says nothing
// about what is on a disk; the disk's own on-disk signatures do.
//
// # Guarantees
//
//   - [EnsureFilesystem] formats a device only when every region that
//     [Detect] checks is all zero bytes. A device that holds the wanted
//     filesystem is left alone; anything else (another filesystem, LUKS,
//     swap, a partition table, or bytes no signature explains) is refused
//     with a [*RefusedError] that matches [ErrNotBlank]. No sentinel file is
//     read or written.
//   - The only call to a [Formatter] in this package is in formatIfBlank,
//     which re-opens the device and re-detects its content immediately before
//     formatting, so the decision cannot be bypassed and the window between
//     check and mkfs is as small as the kernel allows.
//   - After formatting, the device is detected again and a [*VerifyError] is
//     returned if the wanted signature is not there.
//   - [EnsureOwned] and [EnsureProjectDirs] create and chown directories
//     through file descriptors opened with O_NOFOLLOW, so a symlink planted
//     in place of a project directory or its .snapshots is refused with
//     [ErrSymlink] instead of handing its target to the project user.
//
// Detection is pure Go and reads only a few small regions of the device; no
// blkid, file or other external tool is involved. The package is Linux-only
// because it relies on Linux block-device and open(2) semantics.
package diskguard
