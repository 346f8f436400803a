//go:build linux

package diskguard

import (
	"context"
	"fmt"
)

// Result reports what EnsureFilesystem saw and did.
type Result struct {
	// Device is the path that was examined.
	Device string
	// Resolved is what Device named when it was opened, as the kernel
	// reports it (e.g. /dev/nvme1n1 for a /dev/disk/by-id link).
	Resolved string
	// Want is the filesystem the caller asked for.
	Want Kind
	// Before is the detection the decision was based on: the first look,
	// or the full check made under the exclusive hold right before mkfs.
	Before Detection
	// Evidence is what the check behind Before read.
	Evidence Evidence
	// Formatted is true only if the Formatter ran and the wanted filesystem
	// was verified afterwards.
	Formatted bool
	// After is the detection made after formatting; zero unless Formatted.
	After Detection
}

// String summarises the outcome in one line for logs, e.g.
// "already btrfs: nothing to do".
func (r Result) String() string {
	if r.Formatted {
		return fmt.Sprintf("formatted blank %s as %s", r.Device, r.After)
	}
	return fmt.Sprintf("already %s: nothing to do", r.Before)
}

// Decide says what EnsureFilesystem does for a device whose content is found:
// format (true, nil) only when found is Blank; nothing (false, nil) when it
// already holds want at its primary location; and otherwise a
// *RefusedError. A wanted filesystem known only from a backup superblock or
// at a partition offset is refused too: it holds data but cannot be mounted
// from the device as it is. Decide is exported so dry runs print exactly
// the decision the real run would make.
func Decide(device string, found Detection, want Kind) (format bool, err error) {
	if !want.Formattable() {
		return false, &ArgumentError{Name: "filesystem", Value: want.String(), Reason: "want btrfs, ext or xfs"}
	}
	switch {
	case found.Kind == want && found.Primary:
		return false, nil
	case found.Kind == Blank:
		return true, nil
	default:
		return false, &RefusedError{Device: device, Want: want, Found: found}
	}
}

// EnsureFilesystem makes device hold a filesystem of kind want, formatting it
// with mkfs only if it is blank.
//
// It returns a Result with Formatted false if want is already there, and a
// *RefusedError (errors.Is ErrNotBlank) without formatting if the device holds
// anything else. It opens device once and never opens the path again: the
// check, the format and the verification afterwards all go through that
// descriptor, and if the path stops naming the checked device before mkfs
// it returns a *ChangedError (errors.Is ErrChanged) without formatting.
// After formatting it detects again and returns a *VerifyError
// (errors.Is ErrVerifyFailed) if want is not found. Calling it again after
// success is a no-op, so bootstraps can run it on every boot.
func EnsureFilesystem(ctx context.Context, device string, want Kind, mkfs Formatter) (Result, error) {
	return ensureFilesystem(ctx, device, want, mkfs, hooks{})
}

// hooks run at the points where a concurrent change would matter most, so
// tests can make such changes deterministically. The zero value does
// nothing, and nothing exported sets them.
type hooks struct {
	// afterCheck runs after the full blank check, before the path's
	// identity is verified.
	afterCheck func()
	// beforeFormat runs after the verification and the release of the
	// exclusive hold, right before Format.
	beforeFormat func()
}

// callHook calls a hook if it is set.
func callHook(hook func()) {
	if hook != nil {
		hook()
	}
}

// ensureFilesystem is EnsureFilesystem with test hooks.
func ensureFilesystem(ctx context.Context, device string, want Kind, mkfs Formatter, h hooks) (Result, error) {
	res := Result{Device: device, Want: want}
	if mkfs == nil {
		return res, &ArgumentError{Name: "formatter", Value: "<nil>", Reason: "must not be nil"}
	}
	if !want.Formattable() {
		return res, &ArgumentError{Name: "filesystem", Value: want.String(), Reason: "want btrfs, ext or xfs"}
	}
	dev, err := openHeld(ctx, device)
	if err != nil {
		return res, err
	}
	defer dev.Close()
	res.Resolved = dev.resolved

	// The first look is not exclusive and skips the sampling, so a disk
	// that already holds want (mounted, on every later boot) costs a few
	// small reads and is a no-op. Only a disk that looks blank gets the
	// full check, under the exclusive hold.
	before, ev, err := detect(ctx, dev.anchor, dev.size, false)
	if err != nil {
		return res, fmt.Errorf("diskguard: detect %s: %w", device, err)
	}
	res.Before, res.Evidence = before, ev
	format, err := Decide(device, before, want)
	if err != nil || !format {
		return res, err
	}

	recheck, ev, formatted, err := formatIfBlank(ctx, dev, want, mkfs, h)
	res.Before, res.Evidence = recheck, ev
	if err != nil || !formatted {
		return res, err
	}
	// Verify through the descriptor: it is the checked device that mkfs
	// was given, whatever the path names by now.
	after, _, err := detect(ctx, dev.anchor, dev.size, false)
	if err != nil {
		return res, fmt.Errorf("diskguard: verify %s after formatting: %w", device, err)
	}
	if after.Kind != want || !after.Primary {
		return res, &VerifyError{Device: device, Want: want, Found: after}
	}
	res.Formatted = true
	res.After = after
	// The caller will mount the path next; say so if it no longer names
	// what was formatted.
	if err := dev.verify(true); err != nil {
		return res, err
	}
	return res, nil
}

// formatIfBlank is the single choke point through which this package reaches
// a Formatter; nothing else calls Format. It does not trust its caller's
// earlier look. It takes the exclusive hold on a block device (EBUSY if it
// is mounted or claimed by md, device-mapper or another mkfs), runs the full
// check through the held descriptor, and formats only if that finds the
// device Blank and the caller's path still names it. The hold is released
// just before Format, because mkfs takes its own exclusive open; the
// Formatter gets the descriptor, not the path.
//
// It returns the check's detection and evidence and whether it formatted.
func formatIfBlank(ctx context.Context, dev *heldDevice, want Kind, mkfs Formatter, h hooks) (Detection, Evidence, bool, error) {
	if err := dev.lock(); err != nil {
		return Detection{}, Evidence{}, false, fmt.Errorf("diskguard: re-check %s before formatting: %w", dev.path, err)
	}
	defer dev.unlock()
	found, ev, err := detect(ctx, dev.anchor, dev.size, true)
	if err != nil {
		return found, ev, false, fmt.Errorf("diskguard: re-check %s before formatting: %w", dev.path, err)
	}
	format, err := Decide(dev.path, found, want)
	if err != nil || !format {
		return found, ev, false, err
	}
	callHook(h.afterCheck)
	if err := dev.verify(false); err != nil {
		return found, ev, false, err
	}
	dev.unlock()
	callHook(h.beforeFormat)
	if err := mkfs.Format(ctx, dev.target(), want); err != nil {
		return found, ev, false, fmt.Errorf("diskguard: format %s as %s: %w", dev.path, want, err)
	}
	return found, ev, true, nil
}
