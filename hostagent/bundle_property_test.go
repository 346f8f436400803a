package hostagent_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/hostagent"
)

// entry is one file of a generated bundle directory.
type entry struct {
	kind   string // "exec", "plain", "dir", "link" (to target), "out" (to an executable outside), "missing"
	target int
}

// runnable follows entry i's links in the model: the entry a runnable
// copy resolves to, or -1.
func runnable(es []entry, i int) int {
	for hops := 0; hops <= len(es); hops++ {
		switch es[i].kind {
		case "exec":
			return i
		case "link":
			i = es[i].target
		default:
			return -1
		}
	}
	return -1 // a loop
}

// PreferBundled finds a copy exactly when the model does, returns the
// file the model's links lead to, and otherwise says so with a
// BundleError naming the one directory tried. The bundle is reached
// through a "current" link, as host images ship it.
func TestPreferBundledProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		root, err := os.MkdirTemp("", "hostagent-bundle-*")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(root)
		bin := filepath.Join(root, "v1", "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			rt.Fatal(err)
		}
		outside := filepath.Join(root, "outside")
		if err := os.WriteFile(outside, nil, 0o755); err != nil {
			rt.Fatal(err)
		}
		if err := os.Symlink("v1", filepath.Join(root, "current")); err != nil {
			rt.Fatal(err)
		}
		n := rapid.IntRange(1, 6).Draw(rt, "n")
		es := make([]entry, n)
		name := func(i int) string { return fmt.Sprintf("t%d", i) }
		for i := range es {
			es[i] = entry{
				kind:   rapid.SampledFrom([]string{"exec", "plain", "dir", "link", "out", "missing"}).Draw(rt, "kind"),
				target: rapid.IntRange(0, n-1).Draw(rt, "target"),
			}
			p := filepath.Join(bin, name(i))
			switch es[i].kind {
			case "exec", "plain":
				mode := os.FileMode(0o644)
				if es[i].kind == "exec" {
					mode = os.FileMode(rapid.SampledFrom([]int{0o755, 0o700, 0o711, 0o501, 0o010}).Draw(rt, "mode"))
				}
				err = os.WriteFile(p, nil, mode)
				if err == nil {
					err = os.Chmod(p, mode)
				}
			case "dir":
				err = os.Mkdir(p, 0o755)
			case "link":
				err = os.Symlink(name(es[i].target), p)
			case "out":
				err = os.Symlink("../../outside", p)
			case "missing":
				err = os.Symlink("nothing-here", p)
			}
			if err != nil {
				rt.Fatal(err)
			}
		}
		i := rapid.IntRange(0, n-1).Draw(rt, "lookup")
		dir := filepath.Join(root, "current", "bin")
		got, err := hostagent.PreferBundled([]string{dir}, name(i))
		want := runnable(es, i)
		var be *hostagent.BundleError
		switch {
		case want >= 0 && (err != nil || got != filepath.Join(bin, name(want))):
			rt.Fatalf("PreferBundled(%s) = %q, %v; want %s", name(i), got, err, name(want))
		case want < 0 && (!errors.As(err, &be) || len(be.Tried) != 1 || be.Tried[0].Dir != dir || be.Tried[0].Reason == ""):
			rt.Fatalf("PreferBundled(%s) = %q, %v; want a BundleError with one try", name(i), got, err)
		}
	})
}
