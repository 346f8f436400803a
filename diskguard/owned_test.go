//go:build linux

package diskguard

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// owner returns the uid and gid of path without following a symlink.
func owner(t *testing.T, path string) (int, int) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

// projectIDs returns the uid:gid to hand directories to: a foreign pair when
// running as root, which exercises chown, and our own otherwise, since only
// root may give files away.
func projectIDs() (int, int) {
	if os.Geteuid() == 0 {
		return 1234, 5678
	}
	return os.Geteuid(), os.Getegid()
}

// requireRoot skips tests that must chown to someone else.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("changing ownership to another user needs root")
	}
}

func TestEnsureOwnedCreatesMissingDirectory(t *testing.T) {
	ctx := context.Background()
	uid, gid := projectIDs()
	dir := filepath.Join(t.TempDir(), "project-1")

	changes, err := EnsureOwned(ctx, dir, uid, gid)
	if err != nil {
		t.Fatalf("EnsureOwned: %v", err)
	}
	want := Changes{{Path: dir, Created: true, OldUID: os.Geteuid(), OldGID: os.Getegid(), NewUID: uid, NewGID: gid}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsDir() || info.Mode().Perm() != DirMode {
		t.Errorf("mode = %v, want a directory with %v", info.Mode(), DirMode)
	}
	if gotUID, gotGID := owner(t, dir); gotUID != uid || gotGID != gid {
		t.Errorf("owner = %d:%d, want %d:%d", gotUID, gotGID, uid, gid)
	}

	again, err := EnsureOwned(ctx, dir, uid, gid)
	if err != nil {
		t.Fatalf("second EnsureOwned: %v", err)
	}
	if len(again) != 0 {
		t.Errorf("second call changed %v, want nothing", again)
	}
}

func TestEnsureOwnedIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	uid, gid := projectIDs()
	dir := filepath.Join(t.TempDir(), "project-1")
	if _, err := EnsureOwned(context.Background(), dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != DirMode {
		t.Errorf("mode = %v under umask 077, want %v", info.Mode().Perm(), DirMode)
	}
}

func TestEnsureOwnedFixesWrongOwner(t *testing.T) {
	requireRoot(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "project-1")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Root-owned, as the incident left the project directories.
	if err := os.Chown(dir, 0, 0); err != nil {
		t.Fatal(err)
	}
	changes, err := EnsureOwned(ctx, dir, 1234, 5678)
	if err != nil {
		t.Fatalf("EnsureOwned: %v", err)
	}
	want := Changes{{Path: dir, OldUID: 0, OldGID: 0, NewUID: 1234, NewGID: 5678}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if uid, gid := owner(t, dir); uid != 1234 || gid != 5678 {
		t.Errorf("owner = %d:%d, want 1234:5678", uid, gid)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("mode of an existing directory changed to %v", info.Mode().Perm())
	}
	again, err := EnsureOwned(ctx, dir, 1234, 5678)
	if err != nil || len(again) != 0 {
		t.Errorf("second call = %v, %v; want no changes", again, err)
	}
}

func TestEnsureProjectDirs(t *testing.T) {
	ctx := context.Background()
	uid, gid := projectIDs()
	root := t.TempDir()
	project := filepath.Join(root, "project-42")
	snapshots := filepath.Join(project, ".snapshots")

	changes, err := EnsureProjectDirs(ctx, root, "42", uid, gid)
	if err != nil {
		t.Fatalf("EnsureProjectDirs: %v", err)
	}
	euid, egid := os.Geteuid(), os.Getegid()
	want := Changes{
		{Path: project, Created: true, OldUID: euid, OldGID: egid, NewUID: uid, NewGID: gid},
		{Path: snapshots, Created: true, OldUID: euid, OldGID: egid, NewUID: uid, NewGID: gid},
	}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if ProjectDir(root, "42") != project {
		t.Errorf("ProjectDir = %q, want %q", ProjectDir(root, "42"), project)
	}
	for _, p := range []string{project, snapshots} {
		if gotUID, gotGID := owner(t, p); gotUID != uid || gotGID != gid {
			t.Errorf("%s owner = %d:%d, want %d:%d", p, gotUID, gotGID, uid, gid)
		}
	}
	again, err := EnsureProjectDirs(ctx, root, "42", uid, gid)
	if err != nil || len(again) != 0 {
		t.Errorf("second call = %v, %v; want no changes", again, err)
	}
}

func TestEnsureProjectDirsFixesRootOwnedSnapshots(t *testing.T) {
	requireRoot(t)
	root := t.TempDir()
	project := filepath.Join(root, "project-7")
	snapshots := filepath.Join(project, ".snapshots")
	if err := os.MkdirAll(snapshots, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(project, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	changes, err := EnsureProjectDirs(context.Background(), root, "7", 1234, 5678)
	if err != nil {
		t.Fatalf("EnsureProjectDirs: %v", err)
	}
	want := Changes{{Path: snapshots, OldUID: 0, OldGID: 0, NewUID: 1234, NewGID: 5678}}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

// assertRefusedSymlink checks err is an ErrSymlink *fs.PathError for path.
func assertRefusedSymlink(t *testing.T, err error, path string) {
	t.Helper()
	var pathErr *fs.PathError
	if !errors.Is(err, ErrSymlink) || !errors.As(err, &pathErr) || pathErr.Path != path {
		t.Fatalf("err = %v, want ErrSymlink for %s", err, path)
	}
}

// assertUntouched checks that a symlink target kept its owner and gained
// no .snapshots directory.
func assertUntouched(t *testing.T, target string, uid, gid int) {
	t.Helper()
	if gotUID, gotGID := owner(t, target); gotUID != uid || gotGID != gid {
		t.Errorf("symlink target %s owner changed to %d:%d, want %d:%d", target, gotUID, gotGID, uid, gid)
	}
	if _, err := os.Lstat(filepath.Join(target, SnapshotsDir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("something was created inside the symlink target: %v", err)
	}
}

func TestSymlinkAttacksAreRefused(t *testing.T) {
	ctx := context.Background()
	uid, gid := projectIDs()

	t.Run("project directory is a symlink", func(t *testing.T) {
		root, elsewhere := t.TempDir(), t.TempDir()
		euid, egid := owner(t, elsewhere)
		link := filepath.Join(root, "project-1")
		if err := os.Symlink(elsewhere, link); err != nil {
			t.Fatal(err)
		}
		_, err := EnsureOwned(ctx, link, uid, gid)
		assertRefusedSymlink(t, err, link)
		changes, err := EnsureProjectDirs(ctx, root, "1", uid, gid)
		assertRefusedSymlink(t, err, link)
		if len(changes) != 0 {
			t.Errorf("changes = %v, want none", changes)
		}
		assertUntouched(t, elsewhere, euid, egid)
	})

	t.Run(".snapshots is a symlink", func(t *testing.T) {
		root, elsewhere := t.TempDir(), t.TempDir()
		euid, egid := owner(t, elsewhere)
		project := filepath.Join(root, "project-1")
		if err := os.Mkdir(project, 0o755); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(project, SnapshotsDir)
		if err := os.Symlink(elsewhere, link); err != nil {
			t.Fatal(err)
		}
		_, err := EnsureProjectDirs(ctx, root, "1", uid, gid)
		assertRefusedSymlink(t, err, link)
		_, err = EnsureOwned(ctx, link, uid, gid)
		assertRefusedSymlink(t, err, link)
		assertUntouched(t, elsewhere, euid, egid)
	})

	t.Run("dangling symlink is not created through", func(t *testing.T) {
		root := t.TempDir()
		target := filepath.Join(t.TempDir(), "not-yet")
		link := filepath.Join(root, "project-1")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		_, err := EnsureProjectDirs(ctx, root, "1", uid, gid)
		assertRefusedSymlink(t, err, link)
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("symlink target was created: %v", err)
		}
	})
}

func TestEnsureOwnedRejectsNonDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "project-1")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	uid, gid := projectIDs()
	_, err := EnsureOwned(context.Background(), file, uid, gid)
	if !errors.Is(err, ErrNotDirectory) {
		t.Fatalf("err = %v, want ErrNotDirectory", err)
	}
}

func TestEnsureOwnedDoesNotCreateParents(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "unmounted", "project-1")
	uid, gid := projectIDs()
	_, err := EnsureOwned(context.Background(), missing, uid, gid)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Lstat(filepath.Dir(missing)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("parent was created: %v", err)
	}
}

func TestEnsureOwnedArguments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		path     string
		uid, gid int
		target   error
	}{
		{"empty path", ctx, "", 0, 0, ErrInvalidArgument},
		{"relative path", ctx, "project-1", 0, 0, ErrInvalidArgument},
		{"unclean path", ctx, dir + "/x/../project-1", 0, 0, ErrInvalidArgument},
		{"trailing slash", ctx, dir + "/project-1/", 0, 0, ErrInvalidArgument},
		{"root directory", ctx, "/", 0, 0, ErrInvalidArgument},
		{"negative uid", ctx, dir + "/project-1", -1, 0, ErrInvalidArgument},
		{"negative gid", ctx, dir + "/project-1", 0, -1, ErrInvalidArgument},
		{"uid too large", ctx, dir + "/project-1", 1 << 32, 0, ErrInvalidArgument},
		{"canceled context", canceled, dir + "/project-1", 0, 0, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := EnsureOwned(tc.ctx, tc.path, tc.uid, tc.gid)
			if !errors.Is(err, tc.target) || len(changes) != 0 {
				t.Fatalf("EnsureOwned = %v, %v; want %v and no changes", changes, err, tc.target)
			}
		})
	}
	if _, err := os.Lstat(filepath.Join(dir, "project-1")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a rejected call created the directory: %v", err)
	}
}

func TestEnsureProjectDirsArguments(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	tests := []struct {
		name      string
		root, id  string
		uid, gid  int
		wantError error
	}{
		{"relative root", "btrfs", "1", 0, 0, ErrInvalidArgument},
		{"empty id", root, "", 0, 0, ErrInvalidArgument},
		{"dot-dot id", root, "..", 0, 0, ErrInvalidArgument},
		{"slash in id", root, "a/b", 0, 0, ErrInvalidArgument},
		{"option-like id", root, "-rf", 0, 0, ErrInvalidArgument},
		{"non-ASCII id", root, "pröject", 0, 0, ErrInvalidArgument},
		{"negative uid", root, "1", -5, 0, ErrInvalidArgument},
		{"missing root", filepath.Join(root, "missing"), "1", 0, 0, fs.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := EnsureProjectDirs(ctx, tc.root, tc.id, tc.uid, tc.gid)
			if !errors.Is(err, tc.wantError) || len(changes) != 0 {
				t.Fatalf("EnsureProjectDirs = %v, %v; want %v and no changes", changes, err, tc.wantError)
			}
		})
	}
}

func TestChangeString(t *testing.T) {
	tests := []struct {
		c    Change
		want string
	}{
		{Change{Path: "/b/p", Created: true, NewUID: 1, NewGID: 2, OldUID: 1, OldGID: 2}, "created /b/p (mode 0755, owner 1:2)"},
		{Change{Path: "/b/p", Created: true, NewUID: 1, NewGID: 2}, "created /b/p (mode 0755, owner 0:0 -> 1:2)"},
		{Change{Path: "/b/p", NewUID: 1, NewGID: 2}, "chowned /b/p (owner 0:0 -> 1:2)"},
	}
	for _, tc := range tests {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
