package provider

import (
	"slices"
	"strings"

	"github.com/driftless/driftless/hoststate"
)

// VMRow is one row of a VM normalization table: a provider's raw status and
// what it means, with the reason where providers disagree.
type VMRow struct {
	Raw  string
	VM   hoststate.VMState
	Note string
}

// VolumeRow is one row of a volume normalization table.
type VolumeRow struct {
	Raw    string
	Volume hoststate.VolumeState
	Note   string
}

// VMTable maps one provider's raw VM statuses to normalized states. Build
// it once with [NewVMTable], as a package-level value of the provider's
// adapter package; it is immutable, so sharing it is safe. Matching ignores
// case and surrounding space, and fails closed: a raw string not in the
// table is [hoststate.VMUnknown] — never absent, never running. The zero
// VMTable knows nothing.
type VMTable struct {
	name string
	rows []VMRow
}

// VolumeTable maps one provider's raw volume statuses to normalized states;
// a raw string not in the table is [hoststate.VolumeUnknown]. The zero
// VolumeTable (a provider without a separate data volume) knows nothing.
type VolumeTable struct {
	name string
	rows []VolumeRow
}

// NewVMTable returns the table named name (the provider and resource, e.g.
// "gcp instance") holding a copy of rows.
func NewVMTable(name string, rows ...VMRow) VMTable {
	return VMTable{name: name, rows: slices.Clone(rows)}
}

// NewVolumeTable returns the volume table named name holding a copy of
// rows.
func NewVolumeTable(name string, rows ...VolumeRow) VolumeTable {
	return VolumeTable{name: name, rows: slices.Clone(rows)}
}

// Name names the provider and resource, e.g. "gcp instance".
func (t VMTable) Name() string { return t.name }

// Rows returns a copy of the rows, for listing (e.g. in a UI): editing it
// cannot change the table.
func (t VMTable) Rows() []VMRow { return slices.Clone(t.rows) }

// Normalize returns the normalized state of raw, or VMUnknown.
func (t VMTable) Normalize(raw string) hoststate.VMState {
	raw = strings.TrimSpace(raw)
	for _, r := range t.rows {
		if strings.EqualFold(raw, r.Raw) {
			return r.VM
		}
	}
	return hoststate.VMUnknown
}

// Name names the provider and resource, e.g. "gcp disk"; "" for the zero
// table.
func (t VolumeTable) Name() string { return t.name }

// Rows returns a copy of the rows.
func (t VolumeTable) Rows() []VolumeRow { return slices.Clone(t.rows) }

// Normalize returns the normalized state of raw, or VolumeUnknown.
func (t VolumeTable) Normalize(raw string) hoststate.VolumeState {
	raw = strings.TrimSpace(raw)
	for _, r := range t.rows {
		if strings.EqualFold(raw, r.Raw) {
			return r.Volume
		}
	}
	return hoststate.VolumeUnknown
}
