package gcp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	"github.com/googleapis/gax-go/v2/callctx"
	"google.golang.org/api/iterator"

	"github.com/driftless/driftless/provider"
)

// Listing page tokens carry the phase: the instances of the scope first,
// then its disks, each with the SDK's own token after the prefix.
const (
	phaseInstances = "i:"
	phaseDisks     = "d:"
)

// Scope implements provider.Lister (see [Facts]).
func (p *Provider) Scope(host provider.Host) string { return scope(host) }

// ListPage implements provider.Lister with aggregated listings filtered on
// Config.Labels: first the project's instances, then its disks, of every
// zone, each entry naming its zone — one listing per project however many
// zones its hosts use. A listing Compute Engine reports as partial (an
// unreachable zone) is an error matching provider.ErrUnavailable: a
// missing item must mean a missing resource.
func (p *Provider) ListPage(ctx context.Context, scope, pageToken string) (provider.ListPage, error) {
	project := scope
	if err := checkName("Project", project); err != nil {
		return provider.ListPage{}, err
	}
	phase, token := phaseInstances, ""
	if pageToken != "" {
		phase, token = pageToken[:min(2, len(pageToken))], pageToken[min(2, len(pageToken)):]
	}
	// The SDK's aggregated list does not attach ctx to its requests; the
	// transport does, from the call id bound here.
	ctx, forget := p.calls.bind(ctx)
	defer forget()
	switch phase {
	case phaseInstances:
		return p.listInstances(ctx, project, token)
	case phaseDisks:
		return p.listDisks(ctx, project, token)
	}
	return provider.ListPage{}, &provider.HostError{Provider: Name, Field: "pageToken", Reason: "not a token from ListPage: " + quote(pageToken)}
}

// Partial responses: a listing asks only for the fields the adapter reads,
// so an instance's disks, metadata and the rest are neither sent nor
// decoded.
const (
	instanceFields = "items/*/instances(name,id,status,networkInterfaces/accessConfigs/natIP),items/*/warning/code,nextPageToken,unreachables"
	diskFields     = "items/*/disks(name,status),items/*/warning/code,nextPageToken,unreachables"
)

// zoneOf returns the zone of an aggregated listing's key ("zones/<zone>"),
// false for a key of another kind (a region).
func zoneOf(key string) (string, bool) {
	zone, ok := strings.CutPrefix(key, "zones/")
	return zone, ok && zone != ""
}

// listInstances returns one page of the project's labelled instances.
func (p *Provider) listInstances(ctx context.Context, project, token string) (provider.ListPage, error) {
	call := "list instances " + project
	ctx = callctx.SetHeaders(ctx, fieldsHeader, instanceFields)
	it := p.instances.AggregatedList(ctx, &computepb.AggregatedListInstancesRequest{
		Project:    project,
		Filter:     p.filter(),
		MaxResults: p.maxResults(),
		PageToken:  optional(token),
	}, noRetry())
	var page provider.ListPage
	next, err := onePage(it.Next, it.PageInfo, func(pair compute.InstancesScopedListPair) error {
		zone, ok := zoneOf(pair.Key)
		if !ok {
			return nil
		}
		if pair.Value.GetWarning().GetCode() == computepb.Warning_UNREACHABLE.String() {
			return errUnreachable(zone)
		}
		for _, inst := range pair.Value.GetInstances() {
			if inst.GetName() == "" || inst.Status == nil {
				return errIncomplete
			}
			page.VMs = append(page.VMs, provider.ListedVM{
				Instance: inst.GetName(),
				Zone:     zone,
				VM:       InstanceStates.Normalize(inst.GetStatus()),
				Raw:      inst.GetStatus(),
				Address:  natIP(inst),
				VMID:     vmID(inst),
			})
		}
		return nil
	}, func() []string {
		resp, _ := it.Response.(*computepb.InstanceAggregatedList)
		return resp.GetUnreachables()
	})
	if err != nil {
		return provider.ListPage{}, p.classify(call, err)
	}
	page.Next = phaseInstances + next
	if next == "" {
		page.Next = phaseDisks
	}
	return page, nil
}

// listDisks returns one page of the project's labelled disks.
func (p *Provider) listDisks(ctx context.Context, project, token string) (provider.ListPage, error) {
	call := "list disks " + project
	ctx = callctx.SetHeaders(ctx, fieldsHeader, diskFields)
	it := p.disks.AggregatedList(ctx, &computepb.AggregatedListDisksRequest{
		Project:    project,
		Filter:     p.filter(),
		MaxResults: p.maxResults(),
		PageToken:  optional(token),
	}, noRetry())
	var page provider.ListPage
	next, err := onePage(it.Next, it.PageInfo, func(pair compute.DisksScopedListPair) error {
		zone, ok := zoneOf(pair.Key)
		if !ok {
			return nil
		}
		if pair.Value.GetWarning().GetCode() == computepb.Warning_UNREACHABLE.String() {
			return errUnreachable(zone)
		}
		for _, d := range pair.Value.GetDisks() {
			if d.GetName() == "" || d.Status == nil {
				return errIncomplete
			}
			page.Volumes = append(page.Volumes, provider.ListedVolume{
				Volume: d.GetName(),
				Zone:   zone,
				State:  DiskStates.Normalize(d.GetStatus()),
				Raw:    d.GetStatus(),
			})
		}
		return nil
	}, func() []string {
		resp, _ := it.Response.(*computepb.DiskAggregatedList)
		return resp.GetUnreachables()
	})
	if err != nil {
		return provider.ListPage{}, p.classify(call, err)
	}
	if next != "" {
		page.Next = phaseDisks + next
	}
	return page, nil
}

// onePage drains exactly one fetched page from an SDK iterator (its Pager
// would fetch until it has pageSize scope entries, i.e. many pages), and
// returns the next page token.
func onePage[T any](next func() (T, error), info func() *iterator.PageInfo, each func(T) error, unreachables func() []string) (string, error) {
	for {
		item, err := next()
		if errors.Is(err, iterator.Done) {
			return "", checkReachable(unreachables())
		}
		if err != nil {
			return "", err
		}
		if err := each(item); err != nil {
			return "", err
		}
		if info().Remaining() == 0 {
			return info().Token, checkReachable(unreachables())
		}
	}
}

// errPartial marks a listing that Compute Engine reports as incomplete.
var errPartial = errors.New("gcp: listing is partial")

// checkReachable fails a page that names unreachable scopes.
func checkReachable(scopes []string) error {
	if len(scopes) == 0 {
		return nil
	}
	return &callError{"list", provider.ErrUnavailable, "unreachable scopes " + strconv.Quote(strings.Join(scopes, ",")), errPartial}
}

// errUnreachable is the error of a zone reported unreachable.
func errUnreachable(zone string) error {
	return &callError{"list", provider.ErrUnavailable, "zone " + quote(zone) + " unreachable", errPartial}
}

// filter is the label filter expression, one parenthesized term per label
// (implicit AND), sorted for stable requests; nil without labels.
func (p *Provider) filter() *string {
	if len(p.cfg.Labels) == 0 {
		return nil
	}
	var terms []string
	for _, k := range slices.Sorted(maps.Keys(p.cfg.Labels)) {
		terms = append(terms, fmt.Sprintf("(labels.%s = %q)", k, p.cfg.Labels[k]))
	}
	s := strings.Join(terms, " ")
	return &s
}

// maxResults is the page size, at most Compute Engine's maximum.
func (p *Provider) maxResults() *uint32 {
	n := uint32(min(p.cfg.PageSize, DefaultPageSize))
	return &n
}

// optional returns nil for "" so the SDK omits the parameter.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
