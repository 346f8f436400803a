//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/driftless/driftless/diskguard"
	"github.com/driftless/driftless/examples/internal/cli/clitest"
)

// image writes a sparse image of the given size with magic at off (none
// if empty).
func image(t *testing.T, size, off int64, magic string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
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
	const mib = 1 << 20
	blank := image(t, mib, 0, "")
	ext := image(t, mib, 0x438, "\x53\xef")
	btrfs := image(t, mib, 0x10040, "_BHRfS_M")
	extAt1MiB := image(t, 300*mib, mib+0x438, "\x53\xef")
	sampled := image(t, 300*mib, 192*mib, "data")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		// wantOut is the decision and, for anything but a blank device,
		// where the deciding bytes were found.
		wantOut string
	}{
		{"dry run on blank", []string{"-device", blank, "-fs", "btrfs"}, exitOK, "blank: would format " + blank + " as btrfs\n"},
		{
			"dry run on wanted fs", []string{"-device", btrfs, "-fs", "btrfs"}, exitOK,
			"already btrfs: nothing to do\nfound at offset 0x10040 in head at 0x0: btrfs\n",
		},
		{
			"dry run on other fs", []string{"-device", ext, "-fs", "btrfs"}, exitRefused,
			"refusing: " + ext + " holds ext2, not formatting it as btrfs\nfound at offset 0x438 in head at 0x0: ext2\n",
		},
		{
			"dry run on ext at a partition offset, ext wanted", []string{"-device", extAt1MiB, "-fs", "ext4"}, exitRefused,
			"refusing: " + extAt1MiB + " holds ext2 starting at 1 MiB, not formatting it as ext\n" +
				"found at offset 0x100438 in head at 0x0: ext2 starting at 1 MiB\n",
		},
		{
			"dry run on data only sampling sees", []string{"-device", sampled, "-fs", "xfs"}, exitRefused,
			"refusing: " + sampled + " holds unrecognized data (non-zero byte at offset 0xc000000 in sample at 0xc000000), not formatting it as xfs\n" +
				"found at offset 0xc000000 in sample at 0xc000000: data no signature explains\n",
		},
		{
			"real run on other fs refuses", []string{"-device", ext, "-fs", "xfs", "-dry-run=false"}, exitRefused,
			"refusing: " + ext + " holds ext2, not formatting it as xfs\nfound at offset 0x438 in head at 0x0: ext2\n",
		},
		{
			"real run on wanted fs", []string{"-device", btrfs, "-fs", "btrfs", "-dry-run=false"}, exitOK,
			"already btrfs: nothing to do\nfound at offset 0x10040 in head at 0x0: btrfs\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(tc.args...)
			decision, evidence, ok := strings.Cut(out, "checked ")
			if code != tc.wantCode || decision != tc.wantOut {
				t.Errorf("run(%q) = %d, %q (stderr %q); want %d, %q", tc.args, code, decision, errOut, tc.wantCode, tc.wantOut)
			}
			if !ok || !strings.Contains(evidence, "bytes in ") || !strings.Contains(evidence, "  head ") {
				t.Errorf("run(%q) printed no evidence: %q", tc.args, out)
			}
		})
	}
	if _, err := os.Stat(blank); err != nil {
		t.Fatal(err)
	}
}

func TestDeviceEvidenceOfABlankDisk(t *testing.T) {
	// The dry run says exactly what the format decision read.
	img := image(t, 300<<20, 0, "")
	code, out, errOut := runCmd("-device", img, "-fs", "btrfs")
	want := "blank: would format " + img + " as btrfs\n" +
		"checked 314572800 bytes: read 2084864 bytes in 142 regions, every byte read is zero\n" +
		"  head                           1 regions    1118208 bytes\n" +
		"  partition head                 4 regions     278528 bytes\n" +
		"  btrfs mirror                   7 regions      28672 bytes\n" +
		"  ext backup superblock         85 regions     348160 bytes\n" +
		"  xfs secondary superblock      40 regions     163840 bytes\n" +
		"  tail                           1 regions     131072 bytes\n" +
		"  sample                         4 regions      16384 bytes, one every 67108864 bytes\n"
	if code != exitOK || out != want {
		t.Errorf("dry run = %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
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
	clitest.Run(t, "usage: diskguard [flags]\n", "-dry-run", []clitest.Case{
		{Args: []string{"-h"}, Help: true},
		{Args: []string{"-help"}, Help: true},
		{Args: []string{"--help"}, Help: true},
		{Args: []string{"-device", "/dev/sdb", "-h"}, Help: true},
		{Args: []string{"-force"}, Help: false},
		{Args: []string{"-uid", "x"}, Help: false},
	}, func(args []string, stdout, stderr io.Writer) int {
		return run(context.Background(), args, stdout, stderr)
	})
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{&diskguard.RefusedError{Device: "/dev/sdb"}, exitRefused},
		{&diskguard.ChangedError{Device: "/dev/sdb"}, exitRefused},
		{diskguard.ErrSymlink, exitRefused},
		{&diskguard.ArgumentError{Name: "device"}, exitUsage},
		{&diskguard.VerifyError{Device: "/dev/sdb"}, exitFailed},
		{errors.New("input/output error"), exitFailed},
	}
	for _, tc := range tests {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
