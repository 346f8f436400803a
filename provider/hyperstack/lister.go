package hyperstack

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Listing page tokens carry the phase (VMs, then volumes) and the 1-based
// page number.
const (
	phaseVMs     = "v:"
	phaseVolumes = "o:"
)

// Scope implements provider.Lister (see [Facts]).
func (p *Provider) Scope(host provider.Host) string { return scope(host) }

// ListPage implements provider.Lister: pages of every VM, then pages of
// every volume. VMs are keyed by name (as Host.Instance), volumes by id (as
// Host.Volume); when a page holds several VMs of one name, the newest is
// listed.
func (p *Provider) ListPage(ctx context.Context, scope, pageToken string) (provider.ListPage, error) {
	if scope != Name {
		return provider.ListPage{}, &provider.HostError{Provider: Name, Field: "scope", Reason: "want " + strconv.Quote(Name) + ", got " + rest.Quote(scope)}
	}
	phase, page, err := parseToken(pageToken)
	if err != nil {
		return provider.ListPage{}, err
	}
	query := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(p.cfg.PageSize)}}
	more := func(n int, count int64) bool {
		return n > 0 && int64(page)*int64(p.cfg.PageSize) < count
	}
	var out provider.ListPage
	if phase == phaseVMs {
		what := "list VMs page " + strconv.Itoa(page)
		b, err := p.call(ctx, what, http.MethodGet, []string{"core", "virtual-machines"}, query, nil)
		if err != nil {
			return provider.ListPage{}, err
		}
		vms, count, err := decodeVMList(b)
		if err != nil {
			return provider.ListPage{}, rest.Failed(Name, what, provider.ErrBadResponse, err)
		}
		// Keep the newest VM of each name, in first-seen order.
		var order []string
		best := map[string]vm{}
		for _, v := range vms {
			if b, ok := best[v.Name]; !ok {
				order = append(order, v.Name)
				best[v.Name] = v
			} else if v.ID > b.ID {
				best[v.Name] = v
			}
		}
		for _, name := range order {
			v := best[name]
			out.VMs = append(out.VMs, provider.ListedVM{Instance: v.Name, VM: VMStates.Normalize(v.Status), Raw: v.Status, Address: v.FloatingIP, VMID: idString(v.ID)})
		}
		out.Next = phaseVolumes + "1"
		if more(len(vms), count) {
			out.Next = phaseVMs + strconv.Itoa(page+1)
		}
		return out, nil
	}
	what := "list volumes page " + strconv.Itoa(page)
	b, err := p.call(ctx, what, http.MethodGet, []string{"core", "volumes"}, query, nil)
	if err != nil {
		return provider.ListPage{}, err
	}
	vols, count, err := decodeVolumeList(b)
	if err != nil {
		return provider.ListPage{}, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	for _, v := range vols {
		out.Volumes = append(out.Volumes, provider.ListedVolume{Volume: idString(v.ID), State: VolumeStates.Normalize(v.Status), Raw: v.Status})
	}
	if more(len(vols), count) {
		out.Next = phaseVolumes + strconv.Itoa(page+1)
	}
	return out, nil
}

// maxPage bounds page numbers in tokens.
const maxPage = 1_000_000

// parseToken splits a page token into its phase and page number; "" is the
// first page of VMs.
func parseToken(token string) (phase string, page int, err error) {
	if token == "" {
		return phaseVMs, 1, nil
	}
	for _, ph := range []string{phaseVMs, phaseVolumes} {
		if rest, ok := strings.CutPrefix(token, ph); ok {
			n, err := strconv.Atoi(rest)
			if err == nil && n >= 1 && n <= maxPage {
				return ph, n, nil
			}
		}
	}
	return "", 0, &provider.HostError{Provider: Name, Field: "pageToken", Reason: "not a token from ListPage: " + rest.Quote(token)}
}
