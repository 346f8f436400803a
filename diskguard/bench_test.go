//go:build linux

package diskguard

import (
	"context"
	"testing"
)

// benchSize is the device the README's figures are for.
const benchSize = 1 << 40

// sparseTiB creates a blank sparse 1 TiB image file, as `truncate -s 1T`
// would; it occupies no disk space.
func sparseTiB(b *testing.B) string {
	b.Helper()
	return sparseImage{size: benchSize}.writeFile(b, b.TempDir())
}

// benchDetect runs the full check of a blank device and reports what it
// read.
func benchDetect(b *testing.B, path string) {
	b.Helper()
	ctx := context.Background()
	var ev Evidence
	for b.Loop() {
		d, e, err := DetectPath(ctx, path)
		if err != nil || d.Kind != Blank {
			b.Fatalf("DetectPath = %v, %v; want blank", d, err)
		}
		ev = e
	}
	b.ReportMetric(float64(ev.BytesRead), "bytes-read/op")
	b.ReportMetric(float64(ev.Regions()), "regions/op")
}

// BenchmarkDetectSparse1TiB is the check that decides to format a blank
// 1 TiB image: every fixed region plus 16383 samples.
func BenchmarkDetectSparse1TiB(b *testing.B) {
	benchDetect(b, sparseTiB(b))
}

// BenchmarkDetectLoop1TiB is the same check of a 1 TiB loop device (backed
// by a sparse file), i.e. through the block layer.
func BenchmarkDetectLoop1TiB(b *testing.B) {
	requireLoop(b)
	benchDetect(b, attachLoop(b, sparseTiB(b)))
}

// BenchmarkNoOpFormatted1TiB is what every boot after the first pays: the
// first look at a 1 TiB disk that already holds the wanted filesystem.
func BenchmarkNoOpFormatted1TiB(b *testing.B) {
	ctx := context.Background()
	img := sparseImage{size: benchSize, patches: []patch{primaryPatch(Btrfs)}}.writeFile(b, b.TempDir())
	rec := &recordingFormatter{}
	var ev Evidence
	for b.Loop() {
		res, err := EnsureFilesystem(ctx, img, Btrfs, rec)
		if err != nil || res.Formatted {
			b.Fatalf("EnsureFilesystem = %+v, %v; want a no-op", res, err)
		}
		ev = res.Evidence
	}
	b.ReportMetric(float64(ev.BytesRead), "bytes-read/op")
	b.ReportMetric(float64(ev.Regions()), "regions/op")
}
