package provider

import (
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

// VMTable maps one provider's raw VM statuses to normalized states. It is
// plain data, so a UI can list it; matching ignores case and surrounding
// space, and fails closed: a raw string not in the table is
// [hoststate.VMUnknown] — never absent, never running.
type VMTable struct {
	// Provider names the provider and resource, e.g. "gcp instance".
	Provider string
	Rows     []VMRow
}

// VolumeTable maps one provider's raw volume statuses to normalized states;
// a raw string not in the table is [hoststate.VolumeUnknown].
type VolumeTable struct {
	Provider string
	Rows     []VolumeRow
}

// Normalize returns the normalized state of raw, or VMUnknown.
func (t VMTable) Normalize(raw string) hoststate.VMState {
	raw = strings.TrimSpace(raw)
	for _, r := range t.Rows {
		if strings.EqualFold(raw, r.Raw) {
			return r.VM
		}
	}
	return hoststate.VMUnknown
}

// Normalize returns the normalized state of raw, or VolumeUnknown.
func (t VolumeTable) Normalize(raw string) hoststate.VolumeState {
	raw = strings.TrimSpace(raw)
	for _, r := range t.Rows {
		if strings.EqualFold(raw, r.Raw) {
			return r.Volume
		}
	}
	return hoststate.VolumeUnknown
}
