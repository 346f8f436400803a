package provider_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/selfhost"
)

// vmTables and volumeTables are every adapter's tables: each lives in its
// adapter package, and these properties hold for all of them.
var (
	vmTables     = []provider.VMTable{gcp.InstanceStates, nebius.InstanceStates, hyperstack.VMStates, lambda.InstanceStates, selfhost.States}
	volumeTables = []provider.VolumeTable{gcp.DiskStates, nebius.DiskStates, hyperstack.VolumeStates}
)

const (
	running      = hoststate.VMRunning
	starting     = hoststate.VMStarting
	stopping     = hoststate.VMStopping
	stopped      = hoststate.VMStopped
	absent       = hoststate.VMAbsent
	vmError      = hoststate.VMError
	vmUnknown    = hoststate.VMUnknown
	present      = hoststate.VolumePresent
	volAbsent    = hoststate.VolumeAbsent
	transitional = hoststate.VolumeTransitional
	volUnknown   = hoststate.VolumeUnknown
)

// wantVM is the specification of every VM table, written independently of
// the adapters' tables from API-FACTS.md and the design's decisions: every row must be
// here with this meaning, and nothing here may be missing from the table.
var wantVM = map[string]map[string]hoststate.VMState{
	"gcp instance": {
		"PROVISIONING": starting, "STAGING": starting, "RUNNING": running,
		"STOPPING": stopping, "STOPPED": stopped, "SUSPENDING": stopping,
		"SUSPENDED": stopped, "REPAIRING": starting, "TERMINATED": stopped,
		"DEPROVISIONING": stopping, "PENDING": starting, "PENDING_STOP": stopping,
	},
	"nebius instance": {
		"UNSPECIFIED": vmUnknown, "CREATING": starting, "UPDATING": starting,
		"STARTING": starting, "RUNNING": running, "STOPPING": stopping,
		"STOPPED": stopped, "DELETING": stopping, "ERROR": vmError,
	},
	"hyperstack vm": {
		"CREATING": starting, "BUILD": starting, "ACTIVE": running,
		"STARTING": starting, "REBOOTING": starting, "HARD_REBOOT": starting,
		"STOPPING": stopping, "SHUTOFF": stopped, "HIBERNATING": stopping,
		"HIBERNATED": stopped, "RESTORING": starting, "DELETING": stopping,
		"ERROR": vmError,
	},
	"lambda instance": {
		"booting": starting, "active": running, "unhealthy": starting,
		"terminating": stopping, "terminated": absent, "preempted": absent,
	},
	"self-host connector": {
		"running": running, "starting": starting, "stopping": stopping,
		"stopped": stopped, "off": stopped, "error": vmError, "not_found": absent,
		"restarting": starting, "delayed_shutdown": stopping, "suspending": stopping,
		"suspended": stopped, "unknown": vmUnknown,
	},
}

// wantVolume is the specification of every volume table.
var wantVolume = map[string]map[string]hoststate.VolumeState{
	"gcp disk": {
		"CREATING": transitional, "RESTORING": transitional, "READY": present,
		"FAILED": volUnknown, "UNAVAILABLE": transitional, "DELETING": transitional,
	},
	"nebius disk": {
		"UNSPECIFIED": volUnknown, "CREATING": transitional, "READY": present,
		"UPDATING": transitional, "DELETING": transitional, "ERROR": volUnknown,
		"BROKEN": volUnknown,
	},
	"hyperstack volume": {
		"creating": transitional, "downloading": transitional, "available": present,
		"in-use": present, "reserved": transitional, "attaching": transitional,
		"detaching": transitional, "deleting": transitional, "error": volUnknown,
		"error_deleting": volUnknown, "deleted": volAbsent,
	},
}

func TestVMTablesMatchSpec(t *testing.T) {
	tables := vmTables
	if len(tables) != len(wantVM) {
		t.Errorf("vmTables has %d tables, the spec %d", len(tables), len(wantVM))
	}
	for _, tab := range tables {
		want, ok := wantVM[tab.Name()]
		if !ok {
			t.Errorf("table %q has no spec", tab.Name())
			continue
		}
		got := map[string]hoststate.VMState{}
		for _, r := range tab.Rows() {
			got[r.Raw] = tab.Normalize(r.Raw)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Normalize of every row (-spec +got):\n%s", tab.Name(), diff)
		}
	}
}

func TestVolumeTablesMatchSpec(t *testing.T) {
	tables := volumeTables
	if len(tables) != len(wantVolume) {
		t.Errorf("volumeTables has %d tables, the spec %d", len(tables), len(wantVolume))
	}
	for _, tab := range tables {
		want, ok := wantVolume[tab.Name()]
		if !ok {
			t.Errorf("table %q has no spec", tab.Name())
			continue
		}
		got := map[string]hoststate.VolumeState{}
		for _, r := range tab.Rows() {
			got[r.Raw] = tab.Normalize(r.Raw)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Normalize of every row (-spec +got):\n%s", tab.Name(), diff)
		}
	}
}

// TestTablesWellFormed checks what Normalize relies on: rows are trimmed,
// non-empty, unique ignoring case (a duplicate would be shadowed), and map
// to valid states.
func TestTablesWellFormed(t *testing.T) {
	type row struct{ raw, state string }
	check := func(name string, rows []row, valid func(int) bool) {
		seen := map[string]bool{}
		for i, r := range rows {
			key := strings.ToLower(r.raw)
			switch {
			case r.raw == "" || r.raw != strings.TrimSpace(r.raw):
				t.Errorf("%s row %d: raw %q is empty or untrimmed", name, i, r.raw)
			case seen[key]:
				t.Errorf("%s row %d: raw %q repeats an earlier row", name, i, r.raw)
			case !valid(i):
				t.Errorf("%s row %d: %q maps to invalid state %s", name, i, r.raw, r.state)
			}
			seen[key] = true
		}
	}
	for _, tab := range vmTables {
		var rows []row
		for _, r := range tab.Rows() {
			rows = append(rows, row{r.Raw, r.VM.String()})
		}
		check(tab.Name(), rows, func(i int) bool { return tab.Rows()[i].VM.Valid() })
	}
	for _, tab := range volumeTables {
		var rows []row
		for _, r := range tab.Rows() {
			rows = append(rows, row{r.Raw, r.Volume.String()})
		}
		check(tab.Name(), rows, func(i int) bool { return tab.Rows()[i].Volume.Valid() })
	}
}

// TestTablesAreImmutable checks that a caller editing the rows it got
// cannot change the shared table every probe normalizes with.
func TestTablesAreImmutable(t *testing.T) {
	rows := gcp.InstanceStates.Rows()
	want := rows[0].VM
	rows[0].VM = hoststate.VMAbsent
	if got := gcp.InstanceStates.Normalize(rows[0].Raw); got != want {
		t.Errorf("editing returned rows changed the table: %q is now %s", rows[0].Raw, got)
	}
	src := []provider.VolumeRow{{Raw: "ready", Volume: hoststate.VolumePresent}}
	tab := provider.NewVolumeTable("x", src...)
	src[0].Volume = hoststate.VolumeAbsent
	if got := tab.Normalize("ready"); got != hoststate.VolumePresent {
		t.Errorf("editing the rows given to NewVolumeTable changed the table: %s", got)
	}
}

// variants returns spellings of raw that must normalize like raw: other
// cases and surrounding white space.
func variants(raw string) []string {
	swapped := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, raw)
	return []string{
		strings.ToLower(raw), strings.ToUpper(raw), swapped,
		" " + raw, raw + " ", "\t" + raw + "\n", "  " + strings.ToLower(raw) + "\r\n",
	}
}

func TestNormalizeIgnoresCaseAndSpace(t *testing.T) {
	for _, tab := range vmTables {
		for _, r := range tab.Rows() {
			for _, v := range variants(r.Raw) {
				if got := tab.Normalize(v); got != r.VM {
					t.Errorf("%s: Normalize(%q) = %s, want %s (as %q)", tab.Name(), v, got, r.VM, r.Raw)
				}
			}
		}
	}
	for _, tab := range volumeTables {
		for _, r := range tab.Rows() {
			for _, v := range variants(r.Raw) {
				if got := tab.Normalize(v); got != r.Volume {
					t.Errorf("%s: Normalize(%q) = %s, want %s (as %q)", tab.Name(), v, got, r.Volume, r.Raw)
				}
			}
		}
	}
}

// oddities are raw strings no table lists: misspellings, HTTP-ish answers,
// inner space and punctuation, NUL bytes, another provider's word for gone.
var oddities = []string{
	"", " ", "\t\n", "unknown", "UNKNOWN_STATE", "404", "not found", "null", "nil",
	"RUNNING_", "R UNNING", "RUN\x00NING", "\x00RUNNING", "running.", "active!", "ACTIVE?",
	"runnin", "runningg", "gone", "DELETED_", "terminated_", "off-line", "offline",
	"<html>Internal Server Error</html>", "{\"status\":\"RUNNING\"}", "🚀", "RUNNING\u200b",
}

// inTable reports whether raw matches a row, as Normalize matches.
func inTable(raws []string, raw string) bool {
	for _, r := range raws {
		if strings.EqualFold(strings.TrimSpace(raw), r) {
			return true
		}
	}
	return false
}

func vmRaws(tab provider.VMTable) []string {
	var out []string
	for _, r := range tab.Rows() {
		out = append(out, r.Raw)
	}
	return out
}

func volumeRaws(tab provider.VolumeTable) []string {
	var out []string
	for _, r := range tab.Rows() {
		out = append(out, r.Raw)
	}
	return out
}

// TestNormalizeFailsClosed feeds every table strings it does not list —
// the oddities and every other table's raw statuses — and wants unknown,
// never absent or running.
func TestNormalizeFailsClosed(t *testing.T) {
	var all []string
	all = append(all, oddities...)
	for _, tab := range vmTables {
		all = append(all, vmRaws(tab)...)
	}
	for _, tab := range volumeTables {
		all = append(all, volumeRaws(tab)...)
	}
	for _, tab := range vmTables {
		raws := vmRaws(tab)
		for _, s := range all {
			if inTable(raws, s) {
				continue
			}
			if got := tab.Normalize(s); got != hoststate.VMUnknown {
				t.Errorf("%s: Normalize(%q) = %s, want unknown (not in the table)", tab.Name(), s, got)
			}
		}
	}
	for _, tab := range volumeTables {
		raws := volumeRaws(tab)
		for _, s := range all {
			if inTable(raws, s) {
				continue
			}
			if got := tab.Normalize(s); got != hoststate.VolumeUnknown {
				t.Errorf("%s: Normalize(%q) = %s, want unknown (not in the table)", tab.Name(), s, got)
			}
		}
	}
}

// TestZeroTableFailsClosed checks that an empty table (a zero value, or a
// provider whose table is not written yet) knows nothing.
func TestZeroTableFailsClosed(t *testing.T) {
	for _, s := range []string{"RUNNING", "running", "absent", "READY", ""} {
		if got := (provider.VMTable{}).Normalize(s); got != hoststate.VMUnknown {
			t.Errorf("zero VMTable.Normalize(%q) = %s, want unknown", s, got)
		}
		if got := (provider.VolumeTable{}).Normalize(s); got != hoststate.VolumeUnknown {
			t.Errorf("zero VolumeTable.Normalize(%q) = %s, want unknown", s, got)
		}
	}
}

// checkNormalize is the fail-closed property for one string: through every
// table it yields a valid state, and a known state only for a listed raw
// status with that meaning.
func checkNormalize(t interface{ Errorf(string, ...any) }, s string) {
	for _, tab := range vmTables {
		got := tab.Normalize(s)
		if !got.Valid() {
			t.Errorf("%s: Normalize(%q) = invalid %s", tab.Name(), s, got)
		}
		if got == hoststate.VMUnknown {
			continue
		}
		matched := false
		for _, r := range tab.Rows() {
			if strings.EqualFold(strings.TrimSpace(s), r.Raw) && r.VM == got {
				matched = true
				break
			}
		}
		if !matched {
			t.Errorf("%s: Normalize(%q) = %s, but no row says so", tab.Name(), s, got)
		}
	}
	for _, tab := range volumeTables {
		got := tab.Normalize(s)
		if !got.Valid() {
			t.Errorf("%s: Normalize(%q) = invalid %s", tab.Name(), s, got)
		}
		if got == hoststate.VolumeUnknown {
			continue
		}
		matched := false
		for _, r := range tab.Rows() {
			if strings.EqualFold(strings.TrimSpace(s), r.Raw) && r.Volume == got {
				matched = true
				break
			}
		}
		if !matched {
			t.Errorf("%s: Normalize(%q) = %s, but no row says so", tab.Name(), s, got)
		}
	}
}

func TestNormalizeProperty(t *testing.T) {
	var raws []string
	for _, tab := range vmTables {
		raws = append(raws, vmRaws(tab)...)
	}
	for _, tab := range volumeTables {
		raws = append(raws, volumeRaws(tab)...)
	}
	rapid.Check(t, func(t *rapid.T) {
		// Half the time a real raw status with noise around or inside it,
		// otherwise any string.
		s := rapid.OneOf(
			rapid.String(),
			rapid.Custom(func(t *rapid.T) string {
				return rapid.StringMatching(`[ \t]{0,2}`).Draw(t, "pre") +
					rapid.SampledFrom(raws).Draw(t, "raw") +
					rapid.StringMatching(`[ \t_x.]{0,2}`).Draw(t, "post")
			}),
		).Draw(t, "raw status")
		checkNormalize(t, s)
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range oddities {
		f.Add(s)
	}
	for _, tab := range vmTables {
		for _, r := range tab.Rows() {
			f.Add(r.Raw)
			f.Add(" " + strings.ToLower(r.Raw) + "\n")
		}
	}
	for _, tab := range volumeTables {
		for _, r := range tab.Rows() {
			f.Add(r.Raw)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalize(t, s)
	})
}
