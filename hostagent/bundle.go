package hostagent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotBundled is matched by PreferBundled's error when no bundle
// directory holds a runnable copy of the tool: install it then.
var ErrNotBundled = errors.New("hostagent: no runnable bundled copy")

// maxToolName bounds a tool's name, as a file name is bounded.
const maxToolName = 255

// BundleError is PreferBundled's error when no bundle directory holds a
// runnable copy of the tool: every directory tried, in order, and why
// each was passed over. It matches ErrNotBundled.
type BundleError struct {
	// Name is the tool looked for.
	Name string
	// Tried lists the directories looked in, in the order given.
	Tried []BundleTry
}

// BundleTry is one directory PreferBundled looked in.
type BundleTry struct {
	// Dir is the directory as given.
	Dir string
	// Path is the candidate examined: the tool's path in the directory
	// as far as it resolved, or Dir when the directory itself failed.
	Path string
	// Reason says why the candidate is not used.
	Reason string
}

// Error lists every directory tried and why it failed.
func (e *BundleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hostagent: no runnable bundled %q", e.Name)
	if len(e.Tried) == 0 {
		b.WriteString(": no bundle directories given")
	}
	for i, t := range e.Tried {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, t.Path, t.Reason)
	}
	return b.String()
}

// Is makes the error match ErrNotBundled.
func (e *BundleError) Is(target error) bool { return target == ErrNotBundled }

// PreferBundled returns the bundled copy of the tool name from the first
// of dirs that holds a runnable one, so that a host's first boot uses the
// tools its image ships and installing is the fallback, never the first
// choice. A copy is runnable when dir/name resolves, through any
// symlinks, to a regular file with an execute bit inside the directory
// dir itself resolves to: a dir reached through a "current" symlink to a
// versioned directory is fine, and so is a tool linked to another file in
// it; a dangling link, a link leading out of the directory, a directory
// or a file without execute permission is passed over. The path returned
// is the resolved one, so a "current" link flipped by an upgrade
// afterwards does not change which file runs.
//
// When none is runnable the error is a *BundleError (matching
// ErrNotBundled) listing what was tried. A name that is not a plain file
// name (empty, ".", "..", holding a path separator or a NUL) is an error
// matching ErrInvalid.
func PreferBundled(dirs []string, name string) (string, error) {
	if name == "" || name == "." || name == ".." || len(name) > maxToolName ||
		strings.ContainsRune(name, 0) || strings.ContainsAny(name, `/`+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: tool name %q must be a plain file name", ErrInvalid, name)
	}
	e := &BundleError{Name: name}
	for _, dir := range dirs {
		path, reason := bundled(dir, name)
		if reason == "" {
			return path, nil
		}
		e.Tried = append(e.Tried, BundleTry{Dir: dir, Path: path, Reason: reason})
	}
	return "", e
}

// bundled examines dir/name: the resolved path and "" when it is a
// runnable copy, else the path examined and why not.
func bundled(dir, name string) (path, reason string) {
	if dir == "" {
		return dir, "empty directory name"
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir, err.Error()
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return abs, "directory does not resolve: " + cause(err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return root, "not a directory"
	}
	cand := filepath.Join(root, name)
	real, err := filepath.EvalSymlinks(cand)
	if err != nil {
		if fi, lerr := os.Lstat(cand); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return cand, "dangling symlink (" + cause(err) + ")"
		}
		return cand, cause(err)
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return cand, fmt.Sprintf("resolves to %s, outside the bundle directory %s", real, root)
	}
	fi, err := os.Stat(real)
	switch {
	case err != nil:
		return real, cause(err)
	case fi.IsDir():
		return real, "a directory, not a file"
	case !fi.Mode().IsRegular():
		return real, fmt.Sprintf("not a regular file (%s)", fi.Mode().Type())
	case fi.Mode().Perm()&0o111 == 0:
		return real, fmt.Sprintf("not executable (mode %04o)", fi.Mode().Perm())
	}
	return real, ""
}

// cause is err's reason without the path, which the BundleTry holds.
func cause(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
