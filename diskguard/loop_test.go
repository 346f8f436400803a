//go:build linux

package diskguard

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// requireLoop fails (with DRIFTLESS_REQUIRE_TOOLS=1) or skips the test
// unless loop devices can be set up: that needs root and losetup.
func requireLoop(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv(requireToolsEnv) == "1" {
			t.Fatalf("loop-device tests need root (%s=1)", requireToolsEnv)
		}
		t.Skip("loop-device tests need root")
	}
	if _, err := lookupTool("losetup"); err != nil {
		if os.Getenv(requireToolsEnv) == "1" {
			t.Fatalf("losetup is required (%s=1) but missing: %v; run .ci/install-diskguard-tools.sh", requireToolsEnv, err)
		}
		t.Skipf("losetup not installed: %v", err)
	}
}

// attachLoop attaches an image file to a free loop device, detached again
// when the test ends, and returns the device's path.
func attachLoop(t testing.TB, img string) string {
	t.Helper()
	losetup, err := lookupTool("losetup")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(losetup, "--find", "--show", img).CombinedOutput()
	if err != nil {
		t.Fatalf("losetup --find --show %s: %v\n%s", img, err, out)
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if out, err := exec.Command(losetup, "--detach", dev).CombinedOutput(); err != nil {
			t.Errorf("losetup --detach %s: %v\n%s", dev, err, out)
		}
	})
	return dev
}

// newLoop attaches a blank sparse image of the given size.
func newLoop(t *testing.T, size int64) string {
	t.Helper()
	return attachLoop(t, blankFile(t, size))
}

// zeroDevice overwrites a device from start to end through the device
// itself, so its page cache holds the zeros too.
func zeroDevice(t *testing.T, dev string, size int64) {
	t.Helper()
	f, err := os.OpenFile(dev, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(buf)) {
		if _, err := f.WriteAt(buf[:min(int64(len(buf)), size-off)], off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestEnsureFilesystemOnLoopDevice(t *testing.T) {
	requireLoop(t)
	ctx := context.Background()
	for _, want := range formattable() {
		t.Run(want.String(), func(t *testing.T) {
			name, _, err := mkfsCommand(want)
			if err != nil {
				t.Fatal(err)
			}
			requireTool(t, name)
			dev := newLoop(t, realImageSize)

			first, err := EnsureFilesystem(ctx, dev, want, MkfsFormatter{})
			if err != nil {
				t.Fatalf("EnsureFilesystem: %v", err)
			}
			if !first.Formatted || first.Resolved != dev || first.After.Kind != want || !first.After.Primary {
				t.Fatalf("result = %+v, want %s formatted as %v", first, dev, want)
			}
			if first.Evidence.Size != realImageSize || first.Evidence.SampleStride == 0 {
				t.Errorf("evidence %v: want the whole %d-byte device checked", first.Evidence, realImageSize)
			}
			second, err := EnsureFilesystem(ctx, dev, want, MkfsFormatter{})
			if err != nil || second.Formatted || second.Before != first.After {
				t.Errorf("second run = %+v, %v; want a no-op", second, err)
			}
			for _, other := range formattable() {
				if other == want {
					continue
				}
				if _, err := EnsureFilesystem(ctx, dev, other, MkfsFormatter{}); !errors.Is(err, ErrNotBlank) {
					t.Errorf("EnsureFilesystem(%v) on %v: %v, want a refusal", other, want, err)
				}
			}
		})
	}
}

func TestDamagedLayoutsOnLoopDevices(t *testing.T) {
	// The layouts that once passed for blank, as block devices.
	requireLoop(t)
	ctx := context.Background()
	for _, tc := range damagedImageCases() {
		t.Run(tc.name, func(t *testing.T) {
			size := tc.size
			if size == 0 {
				size = realImageSize
			}
			img := blankFile(t, size)
			want := tc.build(t, img)
			dev := attachLoop(t, img)
			got, _, err := DetectPath(ctx, dev)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != want.Kind || got.Offset != want.Offset && !tc.loose {
				t.Errorf("DetectPath(%s) = %v at %#x, want %v at %#x", dev, got, got.Offset, want, want.Offset)
			}
			for _, k := range formattable() {
				rec := &recordingFormatter{}
				if _, err := EnsureFilesystem(ctx, dev, k, rec); !errors.Is(err, ErrNotBlank) || len(rec.Calls()) != 0 {
					t.Errorf("EnsureFilesystem(%v) = %v, calls %v; want a refusal", k, err, rec.Calls())
				}
			}
		})
	}
}

func TestLoopDeviceInUseIsNotFormatted(t *testing.T) {
	// Another exclusive holder (a mount, md, device-mapper or a concurrent
	// mkfs) makes the exclusive hold fail, so nothing is formatted.
	requireLoop(t)
	dev := newLoop(t, realImageSize)
	holder, err := os.OpenFile(dev, os.O_RDONLY|syscall.O_EXCL, 0)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingFormatter{}
	_, err = EnsureFilesystem(context.Background(), dev, Ext, rec)
	if !errors.Is(err, syscall.EBUSY) || len(rec.Calls()) != 0 {
		t.Fatalf("EnsureFilesystem on a held device = %v, calls %v; want EBUSY and no format", err, rec.Calls())
	}
	holder.Close()
	if _, err := EnsureFilesystem(context.Background(), dev, Ext, rec); err != nil || len(rec.Calls()) != 1 {
		t.Fatalf("after release: %v, calls %v; want one format", err, rec.Calls())
	}
}

func TestMountedLoopDeviceIsANoOp(t *testing.T) {
	// Bootstraps run on every boot, after the disk is mounted: the first
	// look must not need the exclusive hold a mount denies.
	requireLoop(t)
	requireTool(t, "mkfs.ext4")
	ctx := context.Background()
	dev := newLoop(t, realImageSize)
	if _, err := EnsureFilesystem(ctx, dev, Ext, MkfsFormatter{}); err != nil {
		t.Fatal(err)
	}
	mnt := t.TempDir()
	if err := syscall.Mount(dev, mnt, "ext4", 0, ""); err != nil {
		t.Fatalf("mount %s: %v", dev, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(mnt, 0); err != nil {
			t.Errorf("umount %s: %v", mnt, err)
		}
	})
	res, err := EnsureFilesystem(ctx, dev, Ext, MkfsFormatter{})
	if err != nil || res.Formatted || res.Before.Kind != Ext {
		t.Errorf("mounted ext4, want ext4: %+v, %v; want a no-op", res, err)
	}
	if _, err := EnsureFilesystem(ctx, dev, XFS, MkfsFormatter{}); !errors.Is(err, ErrNotBlank) {
		t.Errorf("mounted ext4, want xfs: %v; want a refusal", err)
	}
}

func TestLoopDeviceSwapIsRefused(t *testing.T) {
	// The symlink races of toctou_test.go with block devices: a link to a
	// blank loop device flipped to one holding ext4 with data.
	requireLoop(t)
	requireTool(t, "mkfs.ext4")
	ctx := context.Background()
	dir := t.TempDir()
	blankDev := newLoop(t, raceImageSize)
	victimDev := attachLoop(t, victimImage(t, dir))
	victimSum := fileSum(t, victimDev)
	link := filepath.Join(dir, "disk")

	t.Run("after the check", func(t *testing.T) {
		repoint(t, link, blankDev)
		rec := &recordingFormatter{}
		_, err := ensureFilesystem(ctx, link, Ext, rec, hooks{afterCheck: func() { repoint(t, link, victimDev) }})
		var changed *ChangedError
		if !errors.As(err, &changed) || changed.Formatted || len(rec.Calls()) != 0 {
			t.Fatalf("err = %v, calls %v; want a *ChangedError and no format", err, rec.Calls())
		}
		if !strings.Contains(changed.Checked, "block device") {
			t.Errorf("Checked = %q, want the block device's number", changed.Checked)
		}
	})
	t.Run("right before mkfs", func(t *testing.T) {
		repoint(t, link, blankDev)
		res, err := ensureFilesystem(ctx, link, Ext, MkfsFormatter{}, hooks{beforeFormat: func() { repoint(t, link, victimDev) }})
		var changed *ChangedError
		if !errors.As(err, &changed) || !changed.Formatted || !res.Formatted {
			t.Fatalf("%+v, %v; want the checked device formatted and a *ChangedError", res, err)
		}
		if got, _, err := DetectPath(ctx, blankDev); err != nil || got.Kind != Ext || !got.Primary {
			t.Errorf("checked device holds %v, %v; want the new ext4", got, err)
		}
	})
	t.Run("racing", func(t *testing.T) {
		repoint(t, link, blankDev)
		zeroDevice(t, blankDev, raceImageSize)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			targets := [2]string{victimDev, blankDev}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
					repoint(t, link, targets[i%2])
				}
			}
		}()
		defer func() { close(stop); <-done }()
		for range 8 {
			res, err := EnsureFilesystem(ctx, link, Ext, MkfsFormatter{})
			if err != nil && !errors.Is(err, ErrChanged) {
				t.Fatalf("EnsureFilesystem: %v", err)
			}
			if res.Formatted {
				zeroDevice(t, blankDev, raceImageSize)
			}
		}
	})
	if got := fileSum(t, victimDev); got != victimSum {
		t.Fatal("the loop device holding ext4 with data was written")
	}
}
