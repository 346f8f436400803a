//go:build linux

// Command diskguard shows how a host bootstrap uses package diskguard to
// prepare a data disk without ever formatting one that holds data, and to
// hand project directories to the project user without following symlinks.
//
// Usage:
//
//	diskguard -device /dev/sdb -fs btrfs                   # dry run: say what would happen
//	diskguard -device /dev/sdb -fs btrfs -dry-run=false    # format only if blank
//	diskguard -own /btrfs/project-42 -uid 1000 -gid 1000 -dry-run=false
//	diskguard -project-root /btrfs -project 42 -uid 1000 -gid 1000 -dry-run=false
//
// For a device it prints the decision, then its evidence: where the
// deciding bytes were found and how many regions (and bytes) of each kind
// were read.
//
// Exit status: 0 when the device or directories are (or would be) as wanted,
// 1 when diskguard refuses (device not blank and not the wanted filesystem,
// the device path changed between check and format, or a symlink or
// non-directory in the way), 2 for usage errors, 3 for any other failure.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/driftless/driftless/diskguard"
)

// Exit codes, distinct so a bootstrap can stop for a human on a refusal but
// retry a transient failure.
const (
	exitOK      = 0
	exitRefused = 1
	exitUsage   = 2
	exitFailed  = 3
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed command-line flags.
type options struct {
	device      string
	fs          diskguard.Kind
	dryRun      bool
	own         string
	projectRoot string
	project     string
	uid, gid    int
}

// run is main without the process exit, so tests can drive it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, code, ok := parseFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	if opts.device != "" {
		if code := ensureDevice(ctx, opts, stdout, stderr); code != exitOK {
			return code
		}
	}
	if opts.own != "" || opts.projectRoot != "" {
		return ensureDirs(ctx, opts, stdout, stderr)
	}
	return exitOK
}

// parseFlags parses and cross-checks the flags, printing any problem to
// stderr; it reports false, with the exit status, if the command must not
// go on. -h, -help and --help print the usage to stdout (status 0); a bad
// flag prints the problem and the usage to stderr (status 2).
func parseFlags(args []string, stdout, stderr io.Writer) (options, int, bool) {
	var opts options
	var fsName string
	fl := flag.NewFlagSet("diskguard", flag.ContinueOnError)
	fl.SetOutput(stderr)
	// The flag package would print the usage to stderr for help and errors
	// alike; it is printed below, to the stream the outcome calls for.
	fl.Usage = func() {}
	fl.StringVar(&opts.device, "device", "", "absolute path of the data disk (block device or image file)")
	fl.StringVar(&fsName, "fs", "btrfs", "filesystem the device must hold: btrfs, ext4 or xfs")
	fl.BoolVar(&opts.dryRun, "dry-run", true, "only report what would be done")
	fl.StringVar(&opts.own, "own", "", "absolute path of a directory to create/chown to -uid:-gid")
	fl.StringVar(&opts.projectRoot, "project-root", "", "data disk mount point holding project-<id> directories")
	fl.StringVar(&opts.project, "project", "", "project ID whose project-<id> and .snapshots directories to create/chown")
	fl.IntVar(&opts.uid, "uid", -1, "owner uid for -own / -project")
	fl.IntVar(&opts.gid, "gid", -1, "owner gid for -own / -project")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fl)
			return options{}, exitOK, false
		}
		// The flag package has already printed the problem.
		usage(stderr, fl)
		return options{}, exitUsage, false
	}
	problem := ""
	switch {
	case fl.NArg() != 0:
		problem = fmt.Sprintf("unexpected arguments %q", fl.Args())
	case opts.device == "" && opts.own == "" && opts.projectRoot == "":
		problem = "nothing to do: give -device, -own or -project-root"
	case (opts.projectRoot == "") != (opts.project == ""):
		problem = "-project-root and -project go together"
	case (opts.own != "" || opts.projectRoot != "") && (opts.uid < 0 || opts.gid < 0):
		problem = "-own and -project need -uid and -gid"
	}
	if problem != "" {
		fmt.Fprintln(stderr, "diskguard:", problem)
		return options{}, exitUsage, false
	}
	kind, err := diskguard.ParseKind(fsName)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return options{}, exitUsage, false
	}
	opts.fs = kind
	return opts, exitOK, true
}

// usage prints the synopsis, what the command does and the flag defaults
// to w, then the exit statuses a bootstrap script acts on.
func usage(w io.Writer, fl *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s [flags]\n\n", fl.Name())
	fmt.Fprintln(w, "Diskguard formats a data disk only if it is blank and hands project directories")
	fmt.Fprintln(w, "to the project user without following symlinks; it changes nothing until -dry-run=false.")
	fmt.Fprintln(w, "\nflags:")
	fl.SetOutput(w)
	fl.PrintDefaults()
	fmt.Fprintln(w, "\nexit status: 0 done or nothing to do, 1 refused, 2 usage error, 3 any other failure")
}

// ensureDevice reports (dry run) or carries out the data-disk decision,
// followed by its evidence: what was found where, and what was read.
func ensureDevice(ctx context.Context, opts options, stdout, stderr io.Writer) int {
	if opts.dryRun {
		found, evidence, err := diskguard.DetectPath(ctx, opts.device)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitCode(err)
		}
		format, err := diskguard.Decide(opts.device, found, opts.fs)
		code := exitOK
		switch {
		case err != nil:
			code = report(stdout, stderr, err)
		case format:
			fmt.Fprintf(stdout, "blank: would format %s as %s\n", opts.device, opts.fs)
		default:
			fmt.Fprintf(stdout, "already %s: nothing to do\n", found)
		}
		printEvidence(stdout, found, evidence)
		return code
	}
	res, err := diskguard.EnsureFilesystem(ctx, opts.device, opts.fs, diskguard.MkfsFormatter{})
	code := exitOK
	if err != nil {
		code = report(stdout, stderr, err)
	} else {
		fmt.Fprintln(stdout, res)
	}
	if res.Evidence.Size > 0 || res.Evidence.BytesRead > 0 {
		printEvidence(stdout, res.Before, res.Evidence)
	}
	return code
}

// printEvidence shows the basis of a decision: where the deciding bytes
// were (nothing, for a blank device) and how much of each kind of region
// was read.
func printEvidence(w io.Writer, found diskguard.Detection, ev diskguard.Evidence) {
	switch where := found.Where(); {
	case where == "":
	case found.Kind == diskguard.Unrecognized:
		fmt.Fprintf(w, "found at %s: data no signature explains\n", where)
	default:
		fmt.Fprintf(w, "found at %s: %s\n", where, found)
	}
	verdict := "every byte read is zero"
	if found.Kind != diskguard.Blank {
		verdict = "not blank"
	}
	fmt.Fprintf(w, "checked %d bytes: read %d bytes in %d regions, %s\n", ev.Size, ev.BytesRead, ev.Regions(), verdict)
	for _, r := range ev.Reads {
		note := ""
		if r.Class == diskguard.RegionSample && ev.SampleStride > 0 {
			note = fmt.Sprintf(", one every %d bytes", ev.SampleStride)
		}
		fmt.Fprintf(w, "  %-25s %6d regions %10d bytes%s\n", r.Class, r.Regions, r.Bytes, note)
	}
}

// ensureDirs reports (dry run) or carries out the directory ownership fix.
func ensureDirs(ctx context.Context, opts options, stdout, stderr io.Writer) int {
	paths := []string{opts.own}
	if opts.projectRoot != "" {
		project := diskguard.ProjectDir(opts.projectRoot, opts.project)
		paths = []string{project, filepath.Join(project, diskguard.SnapshotsDir)}
	}
	if opts.dryRun {
		code := exitOK
		for _, p := range paths {
			plan, refused := planDir(p, opts.uid, opts.gid)
			fmt.Fprintln(stdout, plan)
			if refused {
				code = exitRefused
			}
		}
		return code
	}
	var changes diskguard.Changes
	var err error
	if opts.projectRoot != "" {
		changes, err = diskguard.EnsureProjectDirs(ctx, opts.projectRoot, opts.project, opts.uid, opts.gid)
	} else {
		changes, err = diskguard.EnsureOwned(ctx, opts.own, opts.uid, opts.gid)
	}
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	if err != nil {
		return report(stdout, stderr, err)
	}
	if len(changes) == 0 {
		fmt.Fprintln(stdout, "directories already as wanted: nothing to do")
	}
	return exitOK
}

// planDir describes, without changing anything, what EnsureOwned would do,
// and whether it would refuse. It is advisory: the real run decides again on
// file descriptors.
func planDir(path string, uid, gid int) (string, bool) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("would create %s owned by %d:%d", path, uid, gid), false
	case err != nil:
		return fmt.Sprintf("cannot inspect %s: %v", path, err), false
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Sprintf("refusing: %s is a symlink", path), true
	case !info.IsDir():
		return fmt.Sprintf("refusing: %s is not a directory", path), true
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Sprintf("cannot read the owner of %s", path), false
	}
	if int(st.Uid) == uid && int(st.Gid) == gid {
		return fmt.Sprintf("%s already owned by %d:%d: nothing to do", path, uid, gid), false
	}
	return fmt.Sprintf("would chown %s %d:%d -> %d:%d", path, st.Uid, st.Gid, uid, gid), false
}

// report prints an error in operator terms and maps it to an exit code.
func report(stdout, stderr io.Writer, err error) int {
	var refused *diskguard.RefusedError
	if errors.As(err, &refused) {
		fmt.Fprintf(stdout, "refusing: %s holds %s, not formatting it as %s\n", refused.Device, refused.Found, refused.Want)
		return exitRefused
	}
	fmt.Fprintln(stderr, err)
	return exitCode(err)
}

// exitCode maps an error to the documented exit status.
func exitCode(err error) int {
	switch {
	case errors.Is(err, diskguard.ErrNotBlank), errors.Is(err, diskguard.ErrChanged),
		errors.Is(err, diskguard.ErrSymlink), errors.Is(err, diskguard.ErrNotDirectory):
		return exitRefused
	case errors.Is(err, diskguard.ErrInvalidArgument):
		return exitUsage
	default:
		return exitFailed
	}
}
