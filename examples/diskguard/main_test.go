//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// image writes a 1 MiB sparse image with magic at off (none if empty).
func image(t *testing.T, off int64, magic string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(1 << 20); err != nil {
		t.Fatal(err)
	}
	if magic != "" {
		if _, err := f.WriteAt([]byte(magic), off); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// runCmd runs the command and returns its exit code and output.
func runCmd(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestDevice(t *testing.T) {
	blank := image(t, 0, "")
	ext := image(t, 0x438, "\x53\xef")
	btrfs := image(t, 0x10040, "_BHRfS_M")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"dry run on blank", []string{"-device", blank, "-fs", "btrfs"}, exitOK, "blank: would format " + blank + " as btrfs\n"},
		{"dry run on wanted fs", []string{"-device", btrfs, "-fs", "btrfs"}, exitOK, "already btrfs: nothing to do\n"},
		{"dry run on other fs", []string{"-device", ext, "-fs", "btrfs"}, exitRefused, "refusing: " + ext + " holds ext2, not formatting it as btrfs\n"},
		{"real run on other fs refuses", []string{"-device", ext, "-fs", "xfs", "-dry-run=false"}, exitRefused, "refusing: " + ext + " holds ext2, not formatting it as xfs\n"},
		{"real run on wanted fs", []string{"-device", btrfs, "-fs", "btrfs", "-dry-run=false"}, exitOK, "already btrfs: nothing to do\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(tc.args...)
			if code != tc.wantCode || out != tc.wantOut {
				t.Errorf("run(%q) = %d, %q (stderr %q); want %d, %q", tc.args, code, out, errOut, tc.wantCode, tc.wantOut)
			}
		})
	}
	if _, err := os.Stat(blank); err != nil {
		t.Fatal(err)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"nothing to do", nil},
		{"unknown fs", []string{"-device", "/dev/null", "-fs", "ntfs"}},
		{"relative device", []string{"-device", "sdb"}},
		{"own without ids", []string{"-own", "/tmp/x"}},
		{"project without root", []string{"-project", "1", "-uid", "0", "-gid", "0"}},
		{"stray argument", []string{"-device", "/dev/sdb", "extra"}},
		{"unknown flag", []string{"-force"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, out, errOut := runCmd(tc.args...); code != exitUsage {
				t.Errorf("run(%q) = %d, %q, %q; want exit %d", tc.args, code, out, errOut, exitUsage)
			}
		})
	}
}

func TestOwnership(t *testing.T) {
	uid, gid := os.Geteuid(), os.Getegid()
	ids := []string{"-uid", strconv.Itoa(uid), "-gid", strconv.Itoa(gid)}
	root := t.TempDir()
	project := filepath.Join(root, "project-9")

	code, out, errOut := runCmd(append([]string{"-project-root", root, "-project", "9"}, ids...)...)
	if code != exitOK || !strings.Contains(out, "would create "+project+" owned by") {
		t.Fatalf("dry run = %d, %q, %q", code, out, errOut)
	}
	if _, err := os.Lstat(project); err == nil {
		t.Fatal("dry run created the project directory")
	}

	code, out, errOut = runCmd(append([]string{"-project-root", root, "-project", "9", "-dry-run=false"}, ids...)...)
	if code != exitOK || !strings.Contains(out, "created "+project) || !strings.Contains(out, "created "+filepath.Join(project, ".snapshots")) {
		t.Fatalf("real run = %d, %q, %q", code, out, errOut)
	}

	code, out, _ = runCmd(append([]string{"-own", project, "-dry-run=false"}, ids...)...)
	if code != exitOK || out != "directories already as wanted: nothing to do\n" {
		t.Errorf("second run = %d, %q; want nothing to do", code, out)
	}

	link := filepath.Join(root, "project-10")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(append([]string{"-own", link}, ids...)...)
	if code != exitRefused || !strings.Contains(out, "refusing: "+link+" is a symlink") {
		t.Errorf("dry run on symlink = %d, %q", code, out)
	}
	code, _, errOut = runCmd(append([]string{"-own", link, "-dry-run=false"}, ids...)...)
	if code != exitRefused || !strings.Contains(errOut, "symlink") {
		t.Errorf("real run on symlink = %d, %q; want exit %d", code, errOut, exitRefused)
	}
}

// TestHelp: -h, -help and --help print the usage to stdout and exit 0; a
// bad flag prints the problem and the usage to stderr and exits 2.
func TestHelp(t *testing.T) {
	const synopsis = "usage: diskguard [flags]\n"
	tests := []struct {
		args []string
		help bool // the usage goes to stdout with status 0, else to stderr with 2
	}{
		{[]string{"-h"}, true},
		{[]string{"-help"}, true},
		{[]string{"--help"}, true},
		{[]string{"-device", "/dev/sdb", "-h"}, true},
		{[]string{"-force"}, false},
		{[]string{"-uid", "x"}, false},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(tc.args...)
			wantCode, usage, other := exitOK, out, errOut
			if !tc.help {
				wantCode, usage, other = exitUsage, errOut, out
			}
			if code != wantCode || !strings.Contains(usage, synopsis) || !strings.Contains(usage, "-dry-run") || other != "" {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d and the usage on one stream only", tc.args, code, out, errOut, wantCode)
			}
			if tc.help && !strings.HasPrefix(out, synopsis) {
				t.Errorf("run(%q): help does not begin with %q", tc.args, synopsis)
			}
		})
	}
}
