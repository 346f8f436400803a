//go:build linux

package diskguard

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Target is the device a Formatter must format: exactly the file that
// EnsureFilesystem checked, handed over as an open descriptor because a
// path can be made to name something else at any moment.
type Target struct {
	// Device is the path the caller gave EnsureFilesystem. Use it in
	// messages only: by the time Format runs it may name another file.
	Device string
	// Resolved is what Device named when it was opened, as the kernel
	// reports it (e.g. /dev/nvme1n1 for a /dev/disk/by-id link); also for
	// messages only.
	Resolved string
	// File is a read-only descriptor of the checked device or image, open
	// until Format returns. Reach the device only through it: open
	// FDPath() in this process, or pass File to a child process in
	// exec.Cmd.ExtraFiles and name it there as /proc/self/fd/N.
	File *os.File
}

// FDPath names the checked file through this process's descriptor table
// (/proc/self/fd/N). Opening it opens the very file that was checked, with
// fresh flags, even if every path to that file has changed since.
func (t Target) FDPath() string {
	return fdPath(t.File)
}

// Formatter creates a filesystem on a device.
//
// EnsureFilesystem calls Format only for a device it has just checked to be
// blank (see formatIfBlank), so implementations do not repeat that check.
// Calling a Formatter directly bypasses every guarantee of this package.
type Formatter interface {
	// Format creates a filesystem of the given kind on target.
	Format(ctx context.Context, target Target, kind Kind) error
}

// childFD is the descriptor number the checked device gets in mkfs: the
// first of exec.Cmd.ExtraFiles, after stdin, stdout and stderr.
const childFD = 3

// MkfsFormatter is the production Formatter: it runs mkfs.btrfs, mkfs.ext4
// or mkfs.xfs directly (no shell).
//
// The device is passed to mkfs as its descriptor 3 and named
// /proc/self/fd/3 on the command line, so mkfs opens the checked device
// itself, not whatever the caller's path names by then. All three tools
// accept that name for images and block devices, still refuse a mounted
// device, and (checked with strace for e2fsprogs 1.47, xfsprogs 6.1 and
// btrfs-progs 6.2) open the device for writing only through it.
//
// It never passes a force flag (-f / -F). mkfs.btrfs and mkfs.xfs then run
// their own existing-signature check as a second line of defence; mkfs.ext4
// only asks on a terminal, so for ext4 the blank check in EnsureFilesystem is
// the only protection, which is why it is not optional.
type MkfsFormatter struct{}

// Format runs the mkfs tool for kind on target and returns its output in
// the error if it fails.
func (MkfsFormatter) Format(ctx context.Context, target Target, kind Kind) error {
	name, args, err := mkfsCommand(kind)
	if err != nil {
		return err
	}
	if target.File == nil {
		return &ArgumentError{Name: "target", Value: target.Device, Reason: "has no open file"}
	}
	tool, err := lookupTool(name)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, append(args, fmt.Sprintf("/proc/self/fd/%d", childFD))...)
	cmd.ExtraFiles = []*os.File{target.File}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("diskguard: %s %s: %w: %s", name, target.Device, err, lastBytes(out, 2048))
	}
	return nil
}

// mkfsCommand maps a Kind to its mkfs tool and flags.
func mkfsCommand(kind Kind) (string, []string, error) {
	switch kind {
	case Btrfs:
		return "mkfs.btrfs", []string{"-q"}, nil
	case Ext:
		return "mkfs.ext4", []string{"-q"}, nil
	case XFS:
		return "mkfs.xfs", []string{"-q"}, nil
	default:
		return "", nil, &ArgumentError{Name: "filesystem", Value: kind.String(), Reason: "cannot be created by mkfs"}
	}
}

// lookupTool finds a system tool on PATH or, failing that, in the sbin
// directories where distributions install mkfs but which a non-root PATH
// often omits.
func lookupTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("diskguard: %s: %w", name, exec.ErrNotFound)
}

// lastBytes keeps the end of a tool's output, where the error usually is,
// without flooding logs.
func lastBytes(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
