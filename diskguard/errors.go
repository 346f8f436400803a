//go:build linux

package diskguard

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers match them with [errors.Is]; the typed errors below
// carry the details and unwrap to them.
var (
	// ErrNotBlank means a device was not formatted because it holds
	// something. It is the error a bootstrap must treat as "stop and ask a
	// human", never as "retry with force".
	ErrNotBlank = errors.New("diskguard: device is not blank")

	// ErrVerifyFailed means mkfs reported success but the wanted filesystem
	// signature is not on the device afterwards, so the device must not be
	// mounted and trusted.
	ErrVerifyFailed = errors.New("diskguard: wanted filesystem not found after formatting")

	// ErrSymlink means a directory that would be created or chowned is a
	// symbolic link. Following it would let whoever planted it choose which
	// directory gets handed to the project user.
	ErrSymlink = errors.New("diskguard: refusing to follow symlink")

	// ErrNotDirectory means a path that must be a directory is something
	// else, such as a regular file.
	ErrNotDirectory = errors.New("diskguard: not a directory")

	// ErrChanged means the device path stopped naming the device that was
	// checked (a symlink or device node was swapped, or the device was
	// resized) between the check and mkfs. Nothing was formatted, unless
	// ChangedError.Formatted says the swap came during mkfs, in which case
	// the checked device was formatted and the path must not be trusted.
	ErrChanged = errors.New("diskguard: device changed between check and format")

	// ErrInvalidArgument means a caller passed a value the package will not
	// act on, such as a relative device path or a negative uid.
	ErrInvalidArgument = errors.New("diskguard: invalid argument")
)

// RefusedError reports that EnsureFilesystem (or Decide) would not format a
// device because of what it already holds.
type RefusedError struct {
	// Device is the path that was examined.
	Device string
	// Want is the filesystem the caller asked for.
	Want Kind
	// Found is what the device holds.
	Found Detection
}

// Error describes the refusal in terms an operator can act on, including
// where the deciding bytes were found.
func (e *RefusedError) Error() string {
	msg := fmt.Sprintf("diskguard: refusing to format %s as %s: it holds %s", e.Device, e.Want, e.Found)
	if w := e.Found.Where(); w != "" && e.Found.Kind != Unrecognized {
		// Unrecognized data already says where it is.
		msg += " (found at " + w + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrNotBlank) true for every refusal.
func (e *RefusedError) Unwrap() error { return ErrNotBlank }

// ChangedError reports that the caller's device path no longer names the
// device or image that was checked.
type ChangedError struct {
	// Device is the path the caller gave.
	Device string
	// Checked is what the path named when it was opened and checked, with
	// its identity, e.g. "/dev/loop0 (block device 7:0)".
	Checked string
	// Now is what the path names now, or why it names nothing.
	Now string
	// Formatted is true if the change was seen only after mkfs ran: the
	// checked (blank) device was formatted, but the path now names
	// something else and must not be mounted.
	Formatted bool
}

// Error says what was checked, what the path names now and what was done.
func (e *ChangedError) Error() string {
	if e.Formatted {
		return fmt.Sprintf("diskguard: formatted %s, but %s now names %s: do not mount it by this path", e.Checked, e.Device, e.Now)
	}
	return fmt.Sprintf("diskguard: not formatting %s: it named %s when checked but now names %s", e.Device, e.Checked, e.Now)
}

// Unwrap makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Unwrap() error { return ErrChanged }

// VerifyError reports that after formatting the device does not carry the
// wanted filesystem's signature.
type VerifyError struct {
	// Device is the formatted path.
	Device string
	// Want is the filesystem that mkfs was asked to create.
	Want Kind
	// Found is what detection saw after mkfs returned.
	Found Detection
}

// Error describes what was expected and what was found instead.
func (e *VerifyError) Error() string {
	return fmt.Sprintf("diskguard: formatted %s as %s but it now holds %s", e.Device, e.Want, e.Found)
}

// Unwrap makes errors.Is(err, ErrVerifyFailed) true.
func (e *VerifyError) Unwrap() error { return ErrVerifyFailed }

// ArgumentError reports an input the package refuses to act on.
type ArgumentError struct {
	// Name is the parameter's name.
	Name string
	// Value is the offending value, formatted for humans.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

// Error names the parameter, its value and the problem.
func (e *ArgumentError) Error() string {
	return fmt.Sprintf("diskguard: invalid %s %q: %s", e.Name, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalidArgument) true.
func (e *ArgumentError) Unwrap() error { return ErrInvalidArgument }
