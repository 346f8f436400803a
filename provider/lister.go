package provider

import (
	"context"

	"github.com/driftless/driftless/hoststate"
)

// Lister is implemented by providers that can observe many hosts with paged
// listings of a scope (a project and zone, a region, an account) instead of
// one probe per host: the cost is O(pages), not O(hosts).
type Lister interface {
	// Scope returns the listing scope of host; hosts with equal scopes are
	// observed by the same listing. It depends only on the host's place
	// (Project, Zone, Region), so callers may ask once per place.
	Scope(host Host) string
	// ListPage returns one page of the scope's listing; pass the previous
	// page's Next to continue, "" to begin. A page may carry VMs, volumes or
	// both; the listing is complete when Next is "".
	ListPage(ctx context.Context, scope, pageToken string) (ListPage, error)
}

// ListPage is one page of a scope's listing.
type ListPage struct {
	// VMs are the VMs on this page.
	VMs []ListedVM
	// Volumes are the data volumes on this page.
	Volumes []ListedVolume
	// Next is the token of the next page, "" on the last one.
	Next string
}

// ListedVM is one VM of a listing, keyed by the Host.Instance it matches.
type ListedVM struct {
	// Instance is the Host.Instance the VM matches (an adapter whose hosts
	// may be referenced by name or by id lists a VM under both).
	Instance string
	// Zone is the Host.Zone the VM matches, set (on every entry) by an
	// adapter whose listing scope spans zones where names are unique only
	// per zone (GCP lists a project); "" otherwise.
	Zone string
	// VM is the normalized state, Raw the provider's status.
	VM  hoststate.VMState
	Raw string
	// Address is the public address ("" if none).
	Address string
	// VMID is the provider's immutable id of the VM listed, as
	// hoststate.Observation.VMID; "" when the adapter has none.
	VMID string
	// Unreachable: the provider lists the VM but cannot see its state (a
	// self-host connector offline), as in hoststate.Observation.
	Unreachable bool
}

// ListedVolume is one data volume of a listing, keyed by the Host.Volume it
// matches.
type ListedVolume struct {
	Volume string
	// Zone is as in ListedVM.
	Zone  string
	State hoststate.VolumeState
	Raw   string
}
