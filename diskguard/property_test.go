//go:build linux

package diskguard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// drawSize draws a device size in [minSize, maxSize], biased towards the
// edges of the checked regions.
func drawSize(t *rapid.T, minSize, maxSize int64) int64 {
	interesting := []int64{
		1, 511, 512, 520, 4096, 4097, 0x10000, 0x10048, fsHeadLen, headLen, headLen + 1, 1 << 20,
		2<<20 + fsHeadLen, 8 << 20, 16<<20 + 1, 64 << 20, 64<<20 + superblockLen, 300 << 20,
		7 << 30, 256<<30 + superblockLen, 1 << 40, 1 << 41,
	}
	return rapid.OneOf(
		rapid.SampledFrom(interesting).Filter(func(s int64) bool { return s >= minSize && s <= maxSize }),
		rapid.Int64Range(minSize, maxSize),
	).Draw(t, "size")
}

// drawPatch draws either a known signature that fits the device or a short
// run of bytes, at least one non-zero, somewhere in a checked region.
func drawPatch(t *rapid.T, size int64, label string) patch {
	var fitting []signature
	for _, sig := range signatures(size) {
		if sig.off >= 0 && sig.off+int64(len(sig.magic)) <= size {
			fitting = append(fitting, sig)
		}
	}
	if len(fitting) > 0 && rapid.Bool().Draw(t, label+"-is-signature") {
		sig := rapid.SampledFrom(fitting).Draw(t, label+"-signature")
		return patch{off: sig.off, data: []byte(sig.magic)}
	}
	r := rapid.SampledFrom(checkedRegions(size)).Draw(t, label+"-region")
	off := rapid.Int64Range(r.off, r.off+r.n-1).Draw(t, label+"-offset")
	n := rapid.IntRange(1, int(min(16, r.off+r.n-off))).Draw(t, label+"-len")
	data := rapid.SliceOfN(rapid.Byte(), n, n).Draw(t, label+"-bytes")
	data[rapid.IntRange(0, n-1).Draw(t, label+"-nonzero-at")] |= 1
	return patch{off: off, data: data}
}

func TestPropertyNeverFormatsNonBlank(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		size := drawSize(rt, 1, 1<<41)
		img := sparseImage{size: size}
		for i := range rapid.IntRange(1, 4).Draw(rt, "patches") {
			img.patches = append(img.patches, drawPatch(rt, size, fmt.Sprintf("patch%d", i)))
		}
		inMemory, _, err := Detect(ctx, img, size)
		if err != nil {
			rt.Fatalf("Detect: %v", err)
		}
		if inMemory.Kind == Blank {
			rt.Fatalf("image with non-zero checked bytes detected as blank")
		}
		dev := img.writeFile(rt, dir)
		defer os.Remove(dev)
		onDisk, _, err := DetectPath(ctx, dev)
		if err != nil {
			rt.Fatalf("DetectPath: %v", err)
		}
		if diff := cmp.Diff(inMemory, onDisk); diff != "" {
			rt.Fatalf("file and in-memory detection differ (-mem +file):\n%s", diff)
		}
		for _, want := range formattable() {
			rec := &recordingFormatter{}
			res, err := EnsureFilesystem(ctx, dev, want, rec)
			if calls := rec.Calls(); len(calls) != 0 {
				rt.Fatalf("mkfs called for a device holding %v: %v", onDisk, calls)
			}
			if onDisk.Kind == want && onDisk.Primary {
				if err != nil || res.Formatted {
					rt.Fatalf("want a no-op for %v, got %+v, %v", want, res, err)
				}
				continue
			}
			var refused *RefusedError
			if !errors.As(err, &refused) || !errors.Is(err, ErrNotBlank) {
				rt.Fatalf("want=%v on %v: err = %v, want a refusal", want, onDisk, err)
			}
			if diff := cmp.Diff(&RefusedError{Device: dev, Want: want, Found: onDisk}, refused); diff != "" {
				rt.Fatalf("refusal (-want +got):\n%s", diff)
			}
		}
	})
}

func TestPropertyBlankFormatsExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	rapid.Check(t, func(rt *rapid.T) {
		// Large enough for every primary signature to be written. Huge
		// blank devices cost a full sampling per case and add nothing
		// here; TestDetectEvidence checks a blank 1 TiB.
		size := drawSize(rt, fsHeadLen, 64<<30)
		want := rapid.SampledFrom(formattable()).Draw(rt, "want")
		dev := sparseImage{size: size}.writeFile(rt, dir)
		defer os.Remove(dev)
		rec := &recordingFormatter{}
		for range 2 {
			if _, err := EnsureFilesystem(ctx, dev, want, rec); err != nil {
				rt.Fatalf("EnsureFilesystem: %v", err)
			}
		}
		if diff := cmp.Diff([]formatCall{{Device: dev, Kind: want}}, rec.Calls()); diff != "" {
			rt.Fatalf("formatter calls (-want +got):\n%s", diff)
		}
	})
}

// runImage is a device that is zero except for a run of 0xff bytes at
// [start, start+n), without holding the run in memory.
type runImage struct {
	size, start, n int64
}

// ReadAt implements io.ReaderAt with os.File's end-of-device behaviour.
func (r runImage) ReadAt(p []byte, off int64) (int, error) {
	return sparseImage{size: r.size}.readWith(p, off, func(buf []byte, at int64) {
		lo, hi := max(r.start, at), min(r.start+r.n, at+int64(len(buf)))
		for i := lo; i < hi; i++ {
			buf[i-at] = 0xff
		}
	})
}

func TestPropertyLongRunsAreAlwaysSeen(t *testing.T) {
	// Sampling is bounded, but no run of data as long as the stride can
	// fall between two samples.
	rapid.Check(t, func(rt *rapid.T) {
		size := drawSize(rt, 2*sampleStride, 1<<41)
		plan := planSamples(size)
		n := rapid.Int64Range(plan.stride, 2*plan.stride).Draw(rt, "run length")
		start := rapid.Int64Range(0, size-n).Draw(rt, "run start")
		got, _, err := Detect(context.Background(), runImage{size: size, start: start, n: n}, size)
		if err != nil {
			rt.Fatalf("Detect: %v", err)
		}
		if got.Kind != Unrecognized || got.Offset < start || got.Offset >= start+n {
			rt.Fatalf("run [%#x, %#x) on a %d-byte device: detected %v", start, start+n, size, got)
		}
	})
}
