//go:build linux

package diskguard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/driftless/driftless/diskguard"
)

// A bootstrap decides from the disk's own bytes, not from a sentinel file.
// Here the "disk" is an in-memory image carrying an ext4 superblock.
func ExampleDetect() {
	ctx := context.Background()
	img := make([]byte, 1<<20)
	copy(img[0x438:], []byte{0x53, 0xef})    // ext superblock magic
	copy(img[0x460:], []byte{0x40, 0, 0, 0}) // incompat: extents, i.e. ext4

	found, _, err := diskguard.Detect(ctx, bytes.NewReader(img), int64(len(img)))
	if err != nil {
		fmt.Println("detect:", err)
		return
	}
	fmt.Println("found:", found, "at", found.Where())

	format, err := diskguard.Decide("/dev/sdb", found, diskguard.Btrfs)
	fmt.Println("format:", format)
	fmt.Println("not blank:", errors.Is(err, diskguard.ErrNotBlank))
	fmt.Println(err)

	// The same bytes one MiB in, as left by a deleted partition table,
	// are no more blank.
	moved := make([]byte, 300<<20)
	copy(moved[1<<20:], img)
	found, _, _ = diskguard.Detect(ctx, bytes.NewReader(moved), int64(len(moved)))
	fmt.Println("found:", found)

	blank, evidence, _ := diskguard.Detect(ctx, bytes.NewReader(make([]byte, 300<<20)), 300<<20)
	format, err = diskguard.Decide("/dev/sdc", blank, diskguard.Btrfs)
	fmt.Println(blank, "-> format:", format, err)
	fmt.Println(evidence)
	// Output:
	// found: ext4 at offset 0x438 in head at 0x0
	// format: false
	// not blank: true
	// diskguard: refusing to format /dev/sdb as btrfs: it holds ext4 (found at offset 0x438 in head at 0x0)
	// found: ext4 starting at 1 MiB
	// blank -> format: true <nil>
	// read 1.99 MiB in 142 regions of a 300 MiB device: head 1 (1.07 MiB), partition head 4 (272 KiB), btrfs mirror 7 (28 KiB), ext backup superblock 85 (340 KiB), xfs secondary superblock 40 (160 KiB), tail 1 (128 KiB), sample 4 every 64 MiB (16 KiB)
}

// stampFormatter stands in for mkfs: it writes an ext superblock magic
// through the checked descriptor, never through the device path.
type stampFormatter struct{}

func (stampFormatter) Format(_ context.Context, t diskguard.Target, _ diskguard.Kind) error {
	f, err := os.OpenFile(t.FDPath(), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteAt([]byte{0x53, 0xef}, 0x438)
	return err
}

// EnsureFilesystem formats a blank image once; the second run is a no-op.
func ExampleEnsureFilesystem() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "diskguard-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	img := filepath.Join(dir, "disk.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		fmt.Println(err)
		return
	}
	if err := os.Truncate(img, 300<<20); err != nil {
		fmt.Println(err)
		return
	}

	for range 2 {
		res, err := diskguard.EnsureFilesystem(ctx, img, diskguard.Ext, stampFormatter{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("formatted=%v, found before: %s\n", res.Formatted, res.Before)
	}
	// Output:
	// formatted=true, found before: blank
	// formatted=false, found before: ext2
}
