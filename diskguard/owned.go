//go:build linux

package diskguard

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// DirMode is the permission given to directories that EnsureOwned and
// EnsureProjectDirs create. It is applied with fchmod after mkdir, so the
// process umask does not change it. Existing directories keep their mode.
const DirMode fs.FileMode = 0o755

// SnapshotsDir is the name of the per-project snapshot directory.
const SnapshotsDir = ".snapshots"

// Change records what was done to one directory.
type Change struct {
	// Path is the directory's path.
	Path string
	// Created is true if the directory did not exist and was made.
	Created bool
	// OldUID and OldGID are the owner before any chown (for a created
	// directory, the owner mkdir gave it).
	OldUID, OldGID int
	// NewUID and NewGID are the owner afterwards.
	NewUID, NewGID int
}

// Chowned reports whether the owner was changed.
func (c Change) Chowned() bool {
	return c.OldUID != c.NewUID || c.OldGID != c.NewGID
}

// String describes the change for logs.
func (c Change) String() string {
	owner := fmt.Sprintf("owner %d:%d", c.NewUID, c.NewGID)
	if c.Chowned() {
		owner = fmt.Sprintf("owner %d:%d -> %d:%d", c.OldUID, c.OldGID, c.NewUID, c.NewGID)
	}
	if c.Created {
		return fmt.Sprintf("created %s (mode %#o, %s)", c.Path, DirMode, owner)
	}
	return fmt.Sprintf("chowned %s (%s)", c.Path, owner)
}

// Changes lists the directories that were created or chowned; it is empty
// when everything was already as wanted.
type Changes []Change

// EnsureOwned makes path a directory owned by uid:gid, creating it with
// DirMode if it is missing. Its parent must already exist: creating missing
// parents would hide a mistyped root or an unmounted data disk.
//
// The last component of path is never followed if it is a symlink: that is
// refused with an error matching ErrSymlink and nothing is changed. Ownership
// is changed with fchown on a descriptor opened with O_NOFOLLOW, so swapping
// the directory for a symlink between check and chown cannot redirect it.
// The parent directories are trusted (they are the caller's mount points)
// and may be symlinks.
//
// For a project directory and its .snapshots use EnsureProjectDirs, which
// resolves .snapshots relative to the already verified project directory.
func EnsureOwned(ctx context.Context, path string, uid, gid int) (Changes, error) {
	if err := checkDirPath("path", path); err != nil {
		return nil, err
	}
	if err := checkIDs(uid, gid); err != nil {
		return nil, err
	}
	parent, name := filepath.Split(path)
	if name == "" {
		return nil, &ArgumentError{Name: "path", Value: path, Reason: "must name a directory below /"}
	}
	parentFD, err := openTrustedDir(parent)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(parentFD)
	var changes Changes
	fd, err := ensureDirAt(ctx, parentFD, path, name, uid, gid, &changes)
	if err != nil {
		return changes, err
	}
	syscall.Close(fd)
	return changes, nil
}

// validProjectID keeps a project ID to one plain path component: ASCII
// letters, digits, '.', '_' and '-', not starting with '.' or '-', so it can
// never be "..", contain a slash, or look like an option.
func validProjectID(id string) bool {
	if id == "" || id[0] == '.' || id[0] == '-' {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// ProjectDir returns the directory EnsureProjectDirs manages for projectID:
// <root>/project-<projectID>.
func ProjectDir(root, projectID string) string {
	return filepath.Join(root, "project-"+projectID)
}

// EnsureProjectDirs makes <root>/project-<projectID> and its .snapshots
// directory exist and be owned by uid:gid, with the same symlink refusal as
// EnsureOwned. .snapshots is created and opened relative to a descriptor of
// the project directory, so a symlink swapped in for the project directory
// after it was checked cannot redirect the second step. root itself must
// exist and is trusted.
//
// On error, the returned Changes lists what was already done.
func EnsureProjectDirs(ctx context.Context, root, projectID string, uid, gid int) (Changes, error) {
	if err := checkDirPath("root", root); err != nil {
		return nil, err
	}
	if !validProjectID(projectID) {
		return nil, &ArgumentError{Name: "project ID", Value: projectID, Reason: "must be ASCII letters, digits, '.', '_' or '-', starting with a letter or digit"}
	}
	if err := checkIDs(uid, gid); err != nil {
		return nil, err
	}
	rootFD, err := openTrustedDir(root)
	if err != nil {
		return nil, err
	}
	defer syscall.Close(rootFD)
	projectPath := ProjectDir(root, projectID)
	var changes Changes
	projectFD, err := ensureDirAt(ctx, rootFD, projectPath, filepath.Base(projectPath), uid, gid, &changes)
	if err != nil {
		return changes, err
	}
	defer syscall.Close(projectFD)
	snapFD, err := ensureDirAt(ctx, projectFD, filepath.Join(projectPath, SnapshotsDir), SnapshotsDir, uid, gid, &changes)
	if err != nil {
		return changes, err
	}
	syscall.Close(snapFD)
	return changes, nil
}

// openTrustedDir opens a directory the caller vouches for (a root or a
// parent), following symlinks.
func openTrustedDir(path string) (int, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("diskguard: open directory: %w", &fs.PathError{Op: "open", Path: path, Err: err})
	}
	return fd, nil
}

// ensureDirAt makes name inside the directory dirFD exist as a real
// directory owned by uid:gid, appends any change to changes, and returns an
// O_NOFOLLOW descriptor of it that the caller must close. path is name's full
// path, used only in reports.
func ensureDirAt(ctx context.Context, dirFD int, path, name string, uid, gid int, changes *Changes) (int, error) {
	if err := ctx.Err(); err != nil {
		return -1, fmt.Errorf("diskguard: ensure %s: %w", path, err)
	}
	created := false
	switch err := syscall.Mkdirat(dirFD, name, uint32(DirMode)); {
	case err == nil:
		created = true
	case errors.Is(err, syscall.EEXIST):
		// Possibly a symlink or a file; the O_NOFOLLOW open below decides.
	default:
		return -1, fmt.Errorf("diskguard: %w", &fs.PathError{Op: "mkdir", Path: path, Err: err})
	}
	fd, err := syscall.Openat(dirFD, name, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, classifyOpenError(path, err)
	}
	change, err := ownFD(fd, path, created, uid, gid)
	if err != nil {
		syscall.Close(fd)
		return -1, err
	}
	if change.Created || change.Chowned() {
		*changes = append(*changes, change)
	}
	return fd, nil
}

// ownFD sets the mode of a freshly created directory and the owner of any
// directory, through its descriptor.
func ownFD(fd int, path string, created bool, uid, gid int) (Change, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return Change{}, fmt.Errorf("diskguard: %w", &fs.PathError{Op: "fstat", Path: path, Err: err})
	}
	change := Change{Path: path, Created: created, OldUID: int(st.Uid), OldGID: int(st.Gid), NewUID: uid, NewGID: gid}
	if created {
		if err := syscall.Fchmod(fd, uint32(DirMode)); err != nil {
			return Change{}, fmt.Errorf("diskguard: %w", &fs.PathError{Op: "chmod", Path: path, Err: err})
		}
	}
	if change.Chowned() {
		if err := syscall.Fchown(fd, uid, gid); err != nil {
			return Change{}, fmt.Errorf("diskguard: %w", &fs.PathError{Op: "chown", Path: path, Err: err})
		}
	}
	return change, nil
}

// classifyOpenError turns a failed O_NOFOLLOW|O_DIRECTORY open into
// ErrSymlink or ErrNotDirectory. Linux reports a symlink there as ENOTDIR or
// ELOOP, the same as a regular file, so lstat tells them apart.
func classifyOpenError(path string, err error) error {
	if !errors.Is(err, syscall.ENOTDIR) && !errors.Is(err, syscall.ELOOP) {
		return fmt.Errorf("diskguard: %w", &fs.PathError{Op: "open", Path: path, Err: err})
	}
	if info, lerr := os.Lstat(path); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
		return &fs.PathError{Op: "ensure owned", Path: path, Err: ErrSymlink}
	}
	if errors.Is(err, syscall.ELOOP) {
		// Only a symlink yields ELOOP with O_NOFOLLOW; it was replaced after
		// the open, which is still an attack on this path.
		return &fs.PathError{Op: "ensure owned", Path: path, Err: ErrSymlink}
	}
	return &fs.PathError{Op: "ensure owned", Path: path, Err: ErrNotDirectory}
}

// checkDirPath requires an absolute, clean path, so the directory acted on
// is exactly the one named and never depends on the working directory.
func checkDirPath(name, path string) error {
	switch {
	case path == "":
		return &ArgumentError{Name: name, Value: path, Reason: "must not be empty"}
	case !filepath.IsAbs(path):
		return &ArgumentError{Name: name, Value: path, Reason: "must be an absolute path"}
	case filepath.Clean(path) != path:
		return &ArgumentError{Name: name, Value: path, Reason: "must be clean (no trailing slash, '.', '..' or '//')"}
	default:
		return nil
	}
}

// checkIDs rejects ids chown cannot set. -1 in particular means "leave
// unchanged" to chown(2), which would silently skip the fix this package
// exists to make.
func checkIDs(uid, gid int) error {
	for _, id := range []struct {
		name  string
		value int
	}{{"uid", uid}, {"gid", gid}} {
		if id.value < 0 || id.value >= math.MaxUint32 {
			return &ArgumentError{Name: id.name, Value: strconv.Itoa(id.value), Reason: "must be between 0 and 4294967294"}
		}
	}
	return nil
}
