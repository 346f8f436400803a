//go:build linux

package diskguard

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
)

// requireToolsEnv makes a missing mkfs/sfdisk a test failure instead of a
// skip; CI sets it so the real-image tests can never silently not run.
const requireToolsEnv = "DRIFTLESS_REQUIRE_TOOLS"

// requireTool returns the path of a system tool, or fails (with
// DRIFTLESS_REQUIRE_TOOLS=1) or skips the test when it is not installed.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := lookupTool(name)
	if err == nil {
		return p
	}
	if os.Getenv(requireToolsEnv) == "1" {
		t.Fatalf("%s is required (%s=1) but missing: %v; run .ci/install-diskguard-tools.sh", name, requireToolsEnv, err)
	}
	t.Skipf("%s not installed (run .ci/install-diskguard-tools.sh): %v", name, err)
	return ""
}

// patch is data placed at an offset of an otherwise zero image.
type patch struct {
	off  int64
	data []byte
}

// sparseImage is an in-memory device of any size, zero except for patches,
// so tests can place bytes at 256 GiB without allocating it.
type sparseImage struct {
	size    int64
	patches []patch
}

// ReadAt implements io.ReaderAt with os.File's end-of-device behaviour.
func (s sparseImage) ReadAt(p []byte, off int64) (int, error) {
	return s.readWith(p, off, func(buf []byte, at int64) {
		for _, pt := range s.patches {
			start := max(pt.off, at)
			end := min(pt.off+int64(len(pt.data)), at+int64(len(buf)))
			if end > start {
				copy(buf[start-at:end-at], pt.data[start-pt.off:end-pt.off])
			}
		}
	})
}

// readWith reads p at off from a zero device of s.size bytes on which fill
// then places its data, with os.File's end-of-device behaviour.
func (s sparseImage) readWith(p []byte, off int64, fill func(buf []byte, at int64)) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-off))
	clear(p[:n])
	fill(p[:n], off)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// fataler is the part of testing.T and rapid.T that writeFile needs.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

// writeFile materialises the image as a sparse file and returns its path.
func (s sparseImage) writeFile(t fataler, dir string) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "image-*.img")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(s.size); err != nil {
		t.Fatal(err)
	}
	for _, pt := range s.patches {
		end := min(pt.off+int64(len(pt.data)), s.size)
		if end <= pt.off {
			continue
		}
		if _, err := f.WriteAt(pt.data[:end-pt.off], pt.off); err != nil {
			t.Fatal(err)
		}
	}
	return f.Name()
}

// blankFile creates a sparse all-zero image file of the given size.
func blankFile(t *testing.T, size int64) string {
	t.Helper()
	return sparseImage{size: size}.writeFile(t, t.TempDir())
}

// primaryPatch is the first (primary) signature of a kind, i.e. roughly what
// a real mkfs leaves behind.
func primaryPatch(k Kind) patch {
	for _, sig := range signatures(1 << 40) {
		if sig.kind == k && sig.primary {
			return patch{off: sig.off, data: []byte(sig.magic)}
		}
	}
	return patch{}
}

// headRegion is how Detection.Region names the head.
const headRegion = "head at 0x0"

// primaryAt is the detection of a kind's primary signature in the head.
func primaryAt(k Kind, variant string, off int64) Detection {
	return Detection{Kind: k, Variant: variant, Offset: off, Primary: true, Region: headRegion}
}

// formatCall is one recorded Formatter.Format call.
type formatCall struct {
	Device string
	Kind   Kind
}

// recordingFormatter records calls and, like mkfs, writes a signature.
type recordingFormatter struct {
	mu    sync.Mutex
	calls []formatCall
	// stamp returns what Format writes for a requested kind; nil writes the
	// kind's own primary signature.
	stamp func(Kind) []patch
	// err, if set, is returned by Format after recording the call.
	err error
}

// Format records the call and, like MkfsFormatter, writes the stamped
// signature through the target's descriptor, never its path.
func (r *recordingFormatter) Format(_ context.Context, target Target, kind Kind) error {
	r.mu.Lock()
	r.calls = append(r.calls, formatCall{Device: target.Device, Kind: kind})
	r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	patches := []patch{primaryPatch(kind)}
	if r.stamp != nil {
		patches = r.stamp(kind)
	}
	f, err := os.OpenFile(target.FDPath(), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range patches {
		if _, err := f.WriteAt(p.data, p.off); err != nil {
			return err
		}
	}
	return nil
}

// Calls returns a copy of the recorded calls.
func (r *recordingFormatter) Calls() []formatCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]formatCall(nil), r.calls...)
}

// formattable lists the kinds EnsureFilesystem can be asked for.
func formattable() []Kind {
	return []Kind{Btrfs, Ext, XFS}
}

// checkedRegions returns every region a check of a blank device of the
// given size reads: the structural regions, then the samples. It states what
// "blank" means.
func checkedRegions(size int64) []region {
	out := structuralRegions(size)
	plan := planSamples(size)
	for k := int64(1); k <= plan.count; k++ {
		out = append(out, plan.sample(k))
	}
	return out
}
