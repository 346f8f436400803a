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

// Formatter creates a filesystem on a device.
//
// EnsureFilesystem calls Format only for a device it has just re-checked to
// be blank (see formatIfBlank), so implementations do not repeat that check.
// Calling a Formatter directly bypasses every guarantee of this package.
type Formatter interface {
	// Format creates a filesystem of the given kind on device.
	Format(ctx context.Context, device string, kind Kind) error
}

// MkfsFormatter is the production Formatter: it runs mkfs.btrfs, mkfs.ext4
// or mkfs.xfs directly (no shell) with the device as the only operand.
//
// It never passes a force flag (-f / -F). mkfs.btrfs and mkfs.xfs then run
// their own existing-signature check as a second line of defence; mkfs.ext4
// only asks on a terminal, so for ext4 the blank check in EnsureFilesystem is
// the only protection, which is why it is not optional.
type MkfsFormatter struct{}

// Format runs the mkfs tool for kind on device and returns its output in the
// error if it fails.
func (MkfsFormatter) Format(ctx context.Context, device string, kind Kind) error {
	name, args, err := mkfsCommand(kind)
	if err != nil {
		return err
	}
	tool, err := lookupTool(name)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, append(args, device)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("diskguard: %s %s: %w: %s", name, device, err, lastBytes(out, 2048))
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
