package nebius

import (
	"context"
	"strings"

	"github.com/driftless/driftless/provider"
)

// Listing page tokens carry the phase: the project's instances first, then
// its disks, each with the service's own token after the prefix.
const (
	phaseInstances = "i:"
	phaseDisks     = "d:"
)

// Scope implements provider.Lister (see [Facts]).
func (p *Provider) Scope(host provider.Host) string { return scope(host) }

// ListPage implements provider.Lister: pages of the project's instances,
// then pages of its disks, keyed by id; each named instance is listed
// under its name too, for hosts referenced by name.
func (p *Provider) ListPage(ctx context.Context, scope, pageToken string) (provider.ListPage, error) {
	if err := checkID("scope", scope); err != nil {
		return provider.ListPage{}, err
	}
	phase, token := phaseInstances, ""
	if pageToken != "" {
		var ok bool
		if token, ok = strings.CutPrefix(pageToken, phaseInstances); ok {
			phase = phaseInstances
		} else if token, ok = strings.CutPrefix(pageToken, phaseDisks); ok {
			phase = phaseDisks
		} else {
			return provider.ListPage{}, &provider.HostError{Provider: Name, Field: "pageToken", Reason: "not a token from ListPage: " + quote(pageToken)}
		}
	}
	req := ListRequest{ParentID: scope, PageSize: p.cfg.PageSize, PageToken: token}
	var out provider.ListPage
	if phase == phaseInstances {
		page, err := p.instances.List(ctx, req)
		if err != nil {
			return provider.ListPage{}, classify("list instances of "+scope, err)
		}
		for _, in := range page.Items {
			if in.ID == "" || in.State == "" {
				return provider.ListPage{}, &callError{"list instances of " + scope, provider.ErrBadResponse, errIncomplete}
			}
			vm := provider.ListedVM{Instance: in.ID, VM: InstanceStates.Normalize(in.State), Raw: in.State, Address: in.PublicIP, VMID: in.ID}
			out.VMs = append(out.VMs, vm)
			if in.Name != "" && in.Name != in.ID && byName(provider.Host{Instance: in.Name}) && checkID("name", in.Name) == nil {
				// Names are unique in a project: hosts referenced by name
				// find their instance under it.
				vm.Instance = in.Name
				out.VMs = append(out.VMs, vm)
			}
		}
		out.Next = phaseInstances + page.NextPageToken
		if page.NextPageToken == "" {
			out.Next = phaseDisks
		}
		return out, nil
	}
	page, err := p.disks.List(ctx, req)
	if err != nil {
		return provider.ListPage{}, classify("list disks of "+scope, err)
	}
	for _, d := range page.Items {
		if d.ID == "" || d.State == "" {
			return provider.ListPage{}, &callError{"list disks of " + scope, provider.ErrBadResponse, errIncomplete}
		}
		out.Volumes = append(out.Volumes, provider.ListedVolume{Volume: d.ID, State: DiskStates.Normalize(d.State), Raw: d.State})
	}
	if page.NextPageToken != "" {
		out.Next = phaseDisks + page.NextPageToken
	}
	return out, nil
}
