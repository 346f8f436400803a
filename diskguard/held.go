//go:build linux

package diskguard

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// heldDevice is a device or image opened once and kept open, so that the
// blank check, the verification that the caller's path still names it, and
// mkfs all concern the same file. After the open the path is only stat'ed,
// to compare; everything else goes through the descriptor.
type heldDevice struct {
	// path is what the caller asked for.
	path string
	// resolved is the kernel's name for what was opened, e.g. /dev/nvme1n1
	// for a /dev/disk/by-id link; for messages.
	resolved string
	// anchor is a plain read-only descriptor: what is read, and what a
	// Formatter gets.
	anchor *os.File
	// excl, while set, holds a block device exclusively (O_EXCL), which
	// keeps it from being mounted, or claimed by another mkfs, md or
	// device-mapper, during the check.
	excl *os.File
	// id identifies the opened file.
	id fileID
	// size is the device's size when it was opened.
	size int64
}

// fileID identifies an open file well enough to tell whether a path still
// names it.
type fileID struct {
	block    bool
	dev, ino uint64
	rdev     uint64
}

// sameFile reports whether o is the same device or file as id. For a block
// device that is the device number: a node recreated by udev for the same
// disk is still that disk. For a regular file it is the inode.
func (id fileID) sameFile(o fileID) bool {
	if id.block || o.block {
		return id.block && o.block && id.rdev == o.rdev
	}
	return id.dev == o.dev && id.ino == o.ino
}

// String describes the identity for messages, e.g. "block device 7:0" or
// "file 254:1 inode 1234".
func (id fileID) String() string {
	if id.block {
		return fmt.Sprintf("block device %d:%d", unixMajor(id.rdev), unixMinor(id.rdev))
	}
	return fmt.Sprintf("file %d:%d inode %d", unixMajor(id.dev), unixMinor(id.dev), id.ino)
}

// unixMajor and unixMinor split a Linux dev_t.
func unixMajor(dev uint64) uint64 { return (dev>>8)&0xfff | (dev>>32)&^0xfff }
func unixMinor(dev uint64) uint64 { return dev&0xff | (dev>>12)&^0xff }

// idOf converts stat output to a fileID, or says why the file is not one
// this package will examine.
func idOf(st *syscall.Stat_t) (fileID, bool) {
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		return fileID{block: true, dev: st.Dev, ino: st.Ino, rdev: st.Rdev}, true
	case syscall.S_IFREG:
		return fileID{dev: st.Dev, ino: st.Ino}, true
	default:
		return fileID{}, false
	}
}

// fdPath names an open file through /proc, so that opening the name opens
// that very file even if every path to it has been changed since.
func fdPath(f *os.File) string {
	return fmt.Sprintf("/proc/self/fd/%d", f.Fd())
}

// openHeld opens path once, following symlinks (disks are usually named
// by /dev/disk/by-* links), and records what it opened. path must be an
// absolute path to a block device or a regular file. O_NONBLOCK keeps a
// FIFO planted at path from hanging the open (it is then refused as not a
// device); reads of block devices and regular files ignore it.
func openHeld(ctx context.Context, path string) (*heldDevice, error) {
	if err := checkDevicePath(path); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("diskguard: open %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("diskguard: %w", err)
	}
	dev := &heldDevice{path: path, resolved: path, anchor: f}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		dev.Close()
		return nil, fmt.Errorf("diskguard: stat %s: %w", path, err)
	}
	id, ok := idOf(&st)
	if !ok {
		dev.Close()
		return nil, &ArgumentError{Name: "device", Value: path, Reason: "not a block device or regular file"}
	}
	dev.id = id
	if name, err := os.Readlink(fdPath(f)); err == nil {
		dev.resolved = name
	}
	// Seek, not Stat, because a block device's Stat size is 0.
	if dev.size, err = f.Seek(0, io.SeekEnd); err != nil {
		dev.Close()
		return nil, fmt.Errorf("diskguard: size of %s: %w", path, err)
	}
	return dev, nil
}

// lock takes the exclusive hold on a block device, through the descriptor
// so it is the checked device that is held. O_EXCL on a Linux block device
// fails with EBUSY if it is mounted or claimed by md, device-mapper or
// another mkfs. Regular files have no such hold; lock is a no-op for them.
func (d *heldDevice) lock() error {
	if !d.id.block || d.excl != nil {
		return nil
	}
	f, err := os.OpenFile(fdPath(d.anchor), os.O_RDONLY|syscall.O_EXCL, 0)
	if err != nil {
		return fmt.Errorf("diskguard: hold %s exclusively: %w", d.path, err)
	}
	d.excl = f
	return nil
}

// unlock releases the exclusive hold, if any. mkfs takes its own exclusive
// open of a block device and fails with EBUSY while ours is held.
func (d *heldDevice) unlock() {
	if d.excl != nil {
		d.excl.Close()
		d.excl = nil
	}
}

// verify checks that the caller's path still names the opened device and
// that the device's size has not changed, returning a *ChangedError if
// not. formatted says whether mkfs has already run, for the message.
func (d *heldDevice) verify(formatted bool) error {
	changed := func(now string) error {
		return &ChangedError{Device: d.path, Checked: d.describe(d.id, d.resolved), Now: now, Formatted: formatted}
	}
	var st syscall.Stat_t
	if err := syscall.Stat(d.path, &st); err != nil {
		return changed("nothing (" + err.Error() + ")")
	}
	now, ok := idOf(&st)
	if !ok || !d.id.sameFile(now) {
		name := d.path
		if r, err := filepath.EvalSymlinks(d.path); err == nil {
			name = r
		}
		if !ok {
			return changed(name + " (neither a block device nor a regular file)")
		}
		return changed(d.describe(now, name))
	}
	size, err := d.anchor.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("diskguard: size of %s: %w", d.path, err)
	}
	if size != d.size {
		return changed(fmt.Sprintf("the same device, resized from %d to %d bytes", d.size, size))
	}
	return nil
}

// describe names a file and its identity, e.g. "/dev/loop0 (block device
// 7:0)".
func (d *heldDevice) describe(id fileID, name string) string {
	return fmt.Sprintf("%s (%s)", name, id)
}

// target is what a Formatter gets: the held descriptor.
func (d *heldDevice) target() Target {
	return Target{Device: d.path, Resolved: d.resolved, File: d.anchor}
}

// Close releases the hold and the descriptor.
func (d *heldDevice) Close() error {
	d.unlock()
	return d.anchor.Close()
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
