//go:build linux

package diskguard

import (
	"bytes"
	"context"
	"testing"
)

func FuzzDetect(f *testing.F) {
	seed := func(off int, magic string) []byte {
		b := make([]byte, off+len(magic))
		copy(b[off:], magic)
		return b
	}
	f.Add([]byte{}, int32(0))
	f.Add(make([]byte, 4096), int32(0))
	f.Add(seed(0, "XFSB"), int32(0))
	f.Add(seed(0, "LUKS\xba\xbe\x00\x02"), int32(100))
	f.Add(seed(0x438, "\x53\xef"), int32(0x30))
	f.Add(seed(510, "\x55\xaa"), int32(-1))
	f.Add(seed(512, "EFI PART"), int32(-4))
	f.Add(seed(4086, "SWAPSPACE2"), int32(0))
	f.Add(seed(0x10040, "_BHRfS_M"), int32(-2))
	f.Add(seed(0x10041, "\x01"), int32(1<<20))
	f.Add(seed(1<<20+0x438, "\x53\xef"), int32(0))
	f.Add(seed(8<<20, "XFSB"), int32(64<<20))
	f.Fuzz(func(t *testing.T, data []byte, skew int32) {
		// The claimed size may be larger than the data (a device that
		// shrank) or smaller (data past the end is not part of it).
		size := max(int64(len(data))+int64(skew), 0)
		got, _, err := Detect(context.Background(), bytes.NewReader(data), size)
		if err != nil {
			t.Fatalf("Detect: %v", err)
		}
		if got.Kind != Blank {
			return
		}
		for _, r := range checkedRegions(size) {
			end := min(r.end(), int64(len(data)))
			for off := r.off; off < end; off++ {
				if data[off] != 0 {
					t.Fatalf("Blank, but byte %#x at offset %#x (in checked region %+v) is non-zero", data[off], off, r)
				}
			}
		}
	})
}
