//go:build linux

package diskguard_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/driftless/driftless/diskguard"
)

// A bootstrap decides from the disk's own bytes, not from a sentinel file.
// Here the "disk" is an in-memory image carrying an ext4 superblock.
func ExampleDetect() {
	img := make([]byte, 1<<20)
	copy(img[0x438:], []byte{0x53, 0xef})    // ext superblock magic
	copy(img[0x460:], []byte{0x40, 0, 0, 0}) // incompat: extents, i.e. ext4

	found, err := diskguard.Detect(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		fmt.Println("detect:", err)
		return
	}
	fmt.Println("found:", found)

	format, err := diskguard.Decide("/dev/sdb", found, diskguard.Btrfs)
	fmt.Println("format:", format)
	fmt.Println("not blank:", errors.Is(err, diskguard.ErrNotBlank))
	fmt.Println(err)

	blank, _ := diskguard.Detect(bytes.NewReader(make([]byte, 1<<20)), 1<<20)
	format, err = diskguard.Decide("/dev/sdc", blank, diskguard.Btrfs)
	fmt.Println(blank, "-> format:", format, err)
	// Output:
	// found: ext4
	// format: false
	// not blank: true
	// diskguard: refusing to format /dev/sdb as btrfs: it holds ext4
	// blank -> format: true <nil>
}
