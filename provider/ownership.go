package provider

import (
	"maps"
	"slices"
	"strings"
)

// Ownership. Every VM an adapter creates carries [OwnershipLabels]: the
// host's own labels (Host.Labels, where a control plane puts e.g. its host
// id) and ManagedLabel. Before an adapter stops, deletes, reprovisions or
// adopts a VM it found by the host's name, it checks [Owns] where the
// provider has labels (GCP, Hyperstack, Nebius), and refuses with a
// *NotOursError — sending nothing — when the VM lacks them: a VM of the
// same name that someone else made is never touched. Lambda has no labels;
// there the VM's immutable id (Observation.VMID, pinned in the record) is
// what tells a recreated VM apart.
const (
	// ManagedLabel marks a VM the library created (value "true"). The key
	// is valid on every provider with labels (GCP's syntax is the
	// strictest).
	ManagedLabel = "driftless-managed"
	// ControlPrefix starts the keys of host labels that steer the
	// library (e.g. a Hyperstack stop mode, "driftless.stop-mode") rather
	// than mark ownership: they are not put on VMs and not required of
	// them, so changing one never makes a VM look foreign.
	ControlPrefix = "driftless."
)

// OwnershipLabels returns the labels a VM created for host carries:
// host's labels without the control keys, and ManagedLabel "true". The
// map is fresh.
func OwnershipLabels(host Host) map[string]string {
	out := make(map[string]string, len(host.Labels)+1)
	for k, v := range host.Labels {
		if !strings.HasPrefix(k, ControlPrefix) {
			out[k] = v
		}
	}
	out[ManagedLabel] = "true"
	return out
}

// Owns reports whether a VM carrying labels is host's: it has every one of
// [OwnershipLabels](host). missing is the first label it lacks (in key
// order), as key=value, "" when it owns it.
func Owns(labels map[string]string, host Host) (ok bool, missing string) {
	want := OwnershipLabels(host)
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got, ok := labels[k]; !ok || got != want[k] {
			return false, k + "=" + want[k]
		}
	}
	return true, ""
}
