//go:build linux

package diskguard

import (
	"context"
	"fmt"
	"syscall"
)

// Result reports what EnsureFilesystem saw and did.
type Result struct {
	// Device is the path that was examined.
	Device string
	// Want is the filesystem the caller asked for.
	Want Kind
	// Before is the detection the decision was based on: the first look, or
	// the last-moment re-check if that is what stopped formatting.
	Before Detection
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
// already holds want; and otherwise a *RefusedError. It is exported so dry
// runs print exactly the decision the real run would make.
func Decide(device string, found Detection, want Kind) (format bool, err error) {
	if !want.Formattable() {
		return false, &ArgumentError{Name: "filesystem", Value: want.String(), Reason: "want btrfs, ext or xfs"}
	}
	switch found.Kind {
	case want:
		return false, nil
	case Blank:
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
// anything else. After formatting it detects again and returns a
// *VerifyError (errors.Is ErrVerifyFailed) if want is not found. Calling it
// again after success is a no-op, so bootstraps can run it on every boot.
func EnsureFilesystem(ctx context.Context, device string, want Kind, mkfs Formatter) (Result, error) {
	res := Result{Device: device, Want: want}
	if mkfs == nil {
		return res, &ArgumentError{Name: "formatter", Value: "<nil>", Reason: "must not be nil"}
	}
	before, err := DetectPath(ctx, device)
	if err != nil {
		return res, err
	}
	res.Before = before
	format, err := Decide(device, before, want)
	if err != nil || !format {
		return res, err
	}
	recheck, formatted, err := formatIfBlank(ctx, device, want, mkfs)
	if err != nil || !formatted {
		res.Before = recheck
		return res, err
	}
	after, err := DetectPath(ctx, device)
	if err != nil {
		return res, fmt.Errorf("diskguard: verify %s after formatting: %w", device, err)
	}
	if after.Kind != want {
		return res, &VerifyError{Device: device, Want: want, Found: after}
	}
	res.Formatted = true
	res.After = after
	return res, nil
}

// formatIfBlank is the single choke point through which this package reaches
// a Formatter; nothing else calls Format. It does not trust its caller's
// earlier look: it re-opens the device and re-detects immediately before
// formatting, and formats only if that detection is Blank.
//
// The re-check opens with O_EXCL, which for a block device on Linux fails
// with EBUSY if the device is mounted or held by device-mapper or md, so a
// device that became busy since the first look is not formatted either. It
// is closed again before mkfs runs, because mkfs takes its own exclusive
// open.
//
// It returns the re-check's detection and whether it formatted.
func formatIfBlank(ctx context.Context, device string, want Kind, mkfs Formatter) (Detection, bool, error) {
	recheck, err := detectFile(ctx, device, syscall.O_EXCL)
	if err != nil {
		return recheck, false, fmt.Errorf("diskguard: re-check %s before formatting: %w", device, err)
	}
	format, err := Decide(device, recheck, want)
	if err != nil || !format {
		return recheck, false, err
	}
	if err := mkfs.Format(ctx, device, want); err != nil {
		return recheck, false, fmt.Errorf("diskguard: format %s as %s: %w", device, want, err)
	}
	return recheck, true, nil
}
