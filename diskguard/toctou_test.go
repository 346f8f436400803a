//go:build linux

package diskguard

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// raceImageSize keeps the race tests quick: big enough for mkfs.ext4, with
// a full check of a few hundred small reads.
const raceImageSize = 32 << 20

// repoint atomically makes link a symlink to target, the way an attacker
// (or a confused udev rule) would swap it: symlink aside, rename over.
func repoint(t testing.TB, link, target string) {
	tmp := link + ".tmp"
	if err := os.Symlink(target, tmp); err != nil {
		t.Error(err)
		return
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Error(err)
	}
}

// victimImage is an ext4 image holding a file: a disk with data, which no
// swap may get formatted.
func victimImage(t *testing.T, dir string) string {
	t.Helper()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "precious.txt"), []byte("data that must survive\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	img := sparseImage{size: raceImageSize}.writeFile(t, dir)
	runTool(t, "", "mkfs.ext4", "-q", "-d", content, img)
	return img
}

// fileSum hashes a whole file, to prove it was not written.
func fileSum(t *testing.T, path string) [sha256.Size]byte {
	return prefixSum(t, path, -1)
}

// prefixSum hashes the first n bytes of a file (all of it if n < 0): its
// first MiB is where any mkfs writes first, and cheap enough to check
// after every round of a race.
func prefixSum(t *testing.T, path string, n int64) [sha256.Size]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if n >= 0 {
		r = io.LimitReader(f, n)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// resetBlank zeroes an image in place (same inode), undoing a format.
func resetBlank(t *testing.T, path string) {
	t.Helper()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, raceImageSize); err != nil {
		t.Fatal(err)
	}
}

func TestPathChangedAfterCheckIsRefused(t *testing.T) {
	// The deterministic version of the race: the path changes between the
	// full blank check and the identity verification right before mkfs.
	requireTool(t, "mkfs.ext4")
	tests := []struct {
		name string
		// swap changes what path names; blank is the checked image,
		// victim another one holding data.
		swap func(t *testing.T, path, blank, victim string)
		// viaLink says whether path is a symlink to blank or blank itself.
		viaLink bool
	}{
		{"symlink repointed to a disk with data", func(t *testing.T, path, _, victim string) { repoint(t, path, victim) }, true},
		{"symlink removed", func(t *testing.T, path, _, _ string) {
			if err := os.Remove(path); err != nil {
				t.Error(err)
			}
		}, true},
		{"image renamed over the checked path", func(t *testing.T, path, _, victim string) {
			data, err := os.ReadFile(victim)
			if err != nil {
				t.Error(err)
				return
			}
			other := path + ".other"
			if err := os.WriteFile(other, data, 0o600); err != nil {
				t.Error(err)
				return
			}
			if err := os.Rename(other, path); err != nil {
				t.Error(err)
			}
		}, false},
		{"image grown", func(t *testing.T, path, _, _ string) {
			if err := os.Truncate(path, 2*raceImageSize); err != nil {
				t.Error(err)
			}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			blank := sparseImage{size: raceImageSize}.writeFile(t, dir)
			victim := victimImage(t, dir)
			victimSum := fileSum(t, victim)
			path := blank
			if tc.viaLink {
				path = filepath.Join(dir, "disk")
				repoint(t, path, blank)
			}
			rec := &recordingFormatter{}
			h := hooks{afterCheck: func() { tc.swap(t, path, blank, victim) }}
			res, err := ensureFilesystem(context.Background(), path, Ext, rec, h)

			var changed *ChangedError
			if !errors.As(err, &changed) || !errors.Is(err, ErrChanged) || changed.Formatted {
				t.Fatalf("err = %v, want a *ChangedError before formatting", err)
			}
			if calls := rec.Calls(); len(calls) != 0 || res.Formatted {
				t.Fatalf("formatter reached after the path changed: %v, %+v", calls, res)
			}
			if res.Before.Kind != Blank {
				t.Errorf("Before = %v, want the blank check that was made", res.Before)
			}
			if got := fileSum(t, victim); got != victimSum {
				t.Error("the disk with data was written")
			}
			t.Log(err)
		})
	}
}

func TestPathSwappedAfterVerifyDoesNotRedirectMkfs(t *testing.T) {
	// Past the last check the path may still be swapped, but mkfs gets the
	// checked descriptor, so it formats the checked (blank) image, and the
	// caller is told the path now names something else.
	requireTool(t, "mkfs.ext4")
	dir := t.TempDir()
	blank := sparseImage{size: raceImageSize}.writeFile(t, dir)
	victim := victimImage(t, dir)
	victimSum := fileSum(t, victim)
	link := filepath.Join(dir, "disk")
	repoint(t, link, blank)

	h := hooks{beforeFormat: func() { repoint(t, link, victim) }}
	res, err := ensureFilesystem(context.Background(), link, Ext, MkfsFormatter{}, h)
	var changed *ChangedError
	if !errors.As(err, &changed) || !changed.Formatted {
		t.Fatalf("err = %v, want a *ChangedError saying the checked device was formatted", err)
	}
	if !res.Formatted || res.After.Kind != Ext || !res.After.Primary {
		t.Errorf("result = %+v, want the checked image formatted as ext4", res)
	}
	if got := fileSum(t, victim); got != victimSum {
		t.Fatal("mkfs reached the image swapped in after the check")
	}
	if got, _, err := DetectPath(context.Background(), blank); err != nil || got.Kind != Ext || !got.Primary {
		t.Errorf("checked image holds %v, %v; want the new ext4", got, err)
	}
}

// raceOutcomes tallies what EnsureFilesystem did while the path flipped.
type raceOutcomes struct {
	formatted, noop, changedBefore, changedAfter int
}

// raceSwaps runs EnsureFilesystem n times on a symlink that another
// goroutine flips between a blank image and an ext4 image holding data as
// fast as it can, and fails if the ext4 image is ever written or anything
// but the blank image is formatted.
func raceSwaps(t *testing.T, n int, mkfs Formatter) raceOutcomes {
	dir := t.TempDir()
	blank := sparseImage{size: raceImageSize}.writeFile(t, dir)
	victim := victimImage(t, dir)
	victimSum, victimHead := fileSum(t, victim), prefixSum(t, victim, 1<<20)
	link := filepath.Join(dir, "disk")
	repoint(t, link, blank)

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		targets := [2]string{victim, blank}
		for i := 0; !stop.Load(); i++ {
			repoint(t, link, targets[i%2])
		}
	})
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()

	var out raceOutcomes
	for range n {
		res, err := EnsureFilesystem(context.Background(), link, Ext, mkfs)
		var changed *ChangedError
		switch {
		case errors.As(err, &changed) && changed.Formatted:
			out.changedAfter++
		case errors.As(err, &changed):
			out.changedBefore++
		case err != nil:
			t.Fatalf("EnsureFilesystem: %v", err)
		case res.Formatted:
			out.formatted++
		default:
			// The first look landed on the ext4 image: already ext4.
			out.noop++
		}
		if res.Formatted {
			got, _, err := DetectPath(context.Background(), blank)
			if err != nil || got.Kind != Ext {
				t.Fatalf("formatted, but the blank image holds %v, %v", got, err)
			}
			resetBlank(t, blank)
		}
		if got := prefixSum(t, victim, 1<<20); got != victimHead {
			t.Fatalf("the ext4 image with data was written (outcomes so far %+v)", out)
		}
	}
	if got := fileSum(t, victim); got != victimSum {
		t.Fatalf("the ext4 image with data was written (outcomes %+v)", out)
	}
	return out
}

func TestRacingSwapNeverReachesMkfs(t *testing.T) {
	requireTool(t, "mkfs.ext4")
	out := raceSwaps(t, 20, MkfsFormatter{})
	t.Logf("real mkfs.ext4 under a flipping symlink: %+v", out)
}

func TestRacingSwapNeverReachesFormatter(t *testing.T) {
	// The same race with an in-process formatter, which is fast enough to
	// run it many times.
	requireTool(t, "mkfs.ext4")
	rec := &recordingFormatter{}
	out := raceSwaps(t, 100, rec)
	if got := len(rec.Calls()); got != out.formatted+out.changedAfter {
		t.Errorf("%d formatter calls for %d formats", got, out.formatted+out.changedAfter)
	}
	t.Logf("recording formatter under a flipping symlink: %+v", out)
}
