package hostagent_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hostagent"
)

// bundleLayout builds a bundle as host images ship it:
//
//	root/v1.2/bin/...     the versioned bundle
//	root/current -> v1.2  the link the daemon is configured with
//	root/outside/tool     an executable outside the bundle
//
// and returns root.
func bundleLayout(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	bin := filepath.Join(root, "v1.2", "bin")
	mkdir(t, bin, filepath.Join(bin, "adir"), filepath.Join(root, "outside"), filepath.Join(root, "other", "bin"))
	script := "#!/bin/sh\necho bundled\n"
	write(t, filepath.Join(bin, "sshpiperd"), script, 0o755)
	write(t, filepath.Join(bin, "notexec"), script, 0o644)
	write(t, filepath.Join(root, "outside", "tool"), script, 0o755)
	write(t, filepath.Join(root, "other", "bin", "sshpiperd"), script, 0o755)
	write(t, filepath.Join(root, "plainfile"), "", 0o644)
	link(t, "sshpiperd", filepath.Join(bin, "helper"))                        // inside, relative
	link(t, filepath.Join(bin, "sshpiperd"), filepath.Join(bin, "abshelper")) // inside, absolute
	link(t, "missing", filepath.Join(bin, "dangling"))
	link(t, "../../outside/tool", filepath.Join(bin, "escape"))
	link(t, filepath.Join(root, "outside", "tool"), filepath.Join(bin, "absescape"))
	link(t, "loop2", filepath.Join(bin, "loop1"))
	link(t, "loop1", filepath.Join(bin, "loop2"))
	link(t, "v1.2", filepath.Join(root, "current"))
	link(t, "v0.9", filepath.Join(root, "broken"))
	return root
}

func mkdir(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func link(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func TestPreferBundled(t *testing.T) {
	root := bundleLayout(t)
	real := func(p string) string { return filepath.Join(root, p) }
	current := real("current/bin")
	tests := []struct {
		name, tool string
		dirs       []string
		want       string   // the path returned; "" for an error
		reasons    []string // each try's reason contains this, in order
	}{
		{"through current", "sshpiperd", []string{current}, real("v1.2/bin/sshpiperd"), nil},
		{"relative link inside", "helper", []string{current}, real("v1.2/bin/sshpiperd"), nil},
		{"absolute link inside", "abshelper", []string{current}, real("v1.2/bin/sshpiperd"), nil},
		{"first dir wins", "sshpiperd", []string{real("other/bin"), current}, real("other/bin/sshpiperd"), nil},
		{"falls through to the next dir", "sshpiperd", []string{real("broken/bin"), "", real("plainfile"), current}, real("v1.2/bin/sshpiperd"), nil},
		{"relative dir", "sshpiperd", []string{"testdata-missing", current}, real("v1.2/bin/sshpiperd"), nil},
		{"missing", "sshpiperd-2", []string{current}, "", []string{"does not exist"}},
		{"not executable", "notexec", []string{current}, "", []string{"not executable (mode 0644)"}},
		{"directory", "adir", []string{current}, "", []string{"a directory, not a file"}},
		{"dangling", "dangling", []string{current}, "", []string{"dangling symlink"}},
		{"leads outside", "escape", []string{current}, "", []string{"outside the bundle directory " + real("v1.2/bin")}},
		{"absolute link outside", "absescape", []string{current}, "", []string{"outside the bundle directory"}},
		{"symlink loop", "loop1", []string{current}, "", []string{"too many links"}},
		{"every dir fails", "tool", []string{real("broken/bin"), "", real("plainfile"), current},
			"", []string{"directory does not resolve: does not exist", "empty directory name", "not a directory", "does not exist"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hostagent.PreferBundled(tc.dirs, tc.tool)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("PreferBundled = %q, %v; want %q", got, err, tc.want)
				}
				out, err := exec.CommandContext(t.Context(), got).Output()
				if err != nil || string(out) != "bundled\n" {
					t.Errorf("running %s: %q, %v", got, out, err)
				}
				return
			}
			var be *hostagent.BundleError
			if !errors.As(err, &be) || !errors.Is(err, hostagent.ErrNotBundled) || got != "" {
				t.Fatalf("PreferBundled = %q, %v; want a *BundleError", got, err)
			}
			if be.Name != tc.tool || len(be.Tried) != len(tc.reasons) {
				t.Fatalf("error %+v, want %d tries", be, len(tc.reasons))
			}
			for i, r := range tc.reasons {
				if try := be.Tried[i]; try.Dir != tc.dirs[i] || !strings.Contains(try.Reason, r) || !strings.Contains(err.Error(), try.Reason) {
					t.Errorf("try %d: %+v, want dir %q and reason %q, in %q", i, try, tc.dirs[i], r, err)
				}
			}
		})
	}
}

// The path returned is the resolved one: an upgrade flipping "current"
// later changes what the next lookup finds, not what was found.
func TestPreferBundledUpgrade(t *testing.T) {
	root := bundleLayout(t)
	before, err := hostagent.PreferBundled([]string{filepath.Join(root, "current", "bin")}, "sshpiperd")
	if err != nil {
		t.Fatal(err)
	}
	mkdir(t, filepath.Join(root, "v1.3", "bin"))
	write(t, filepath.Join(root, "v1.3", "bin", "sshpiperd"), "#!/bin/sh\n", 0o755)
	if err := os.Remove(filepath.Join(root, "current")); err != nil {
		t.Fatal(err)
	}
	link(t, "v1.3", filepath.Join(root, "current"))
	after, err := hostagent.PreferBundled([]string{filepath.Join(root, "current", "bin")}, "sshpiperd")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{filepath.Join(root, "v1.2/bin/sshpiperd"), filepath.Join(root, "v1.3/bin/sshpiperd")}, []string{before, after}); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func TestPreferBundledRefuses(t *testing.T) {
	for _, name := range []string{"", ".", "..", "bin/sshpiperd", "/usr/bin/sshpiperd", "a\x00b", strings.Repeat("x", 256)} {
		if _, err := hostagent.PreferBundled([]string{t.TempDir()}, name); !errors.Is(err, hostagent.ErrInvalid) {
			t.Errorf("name %q: %v, want ErrInvalid", name, err)
		}
	}
	_, err := hostagent.PreferBundled(nil, "sshpiperd")
	if !errors.Is(err, hostagent.ErrNotBundled) || !strings.Contains(err.Error(), "no bundle directories") {
		t.Errorf("no dirs: %v", err)
	}
}
