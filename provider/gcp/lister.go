package gcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"

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
// decoded. The mask syntax follows Google's partial-response documentation;
// it is not verified against Compute Engine itself (the emulator applies
// it as documented).
const (
	instanceFields = "items/*/instances(name,id,status,networkInterfaces/accessConfigs/natIP),items/*/warning/code,nextPageToken,unreachables"
	diskFields     = "items/*/disks(name,status),items/*/warning/code,nextPageToken,unreachables"
)

// apiVersion is the X-Goog-Api-Version the SDK (v1.73.0) sends with its
// instances and disks requests: the API revision the answer is read as.
const apiVersion = "2026-09-01"

// zoneOf returns the zone of an aggregated listing's key ("zones/<zone>"),
// false for a key of another kind (a region).
func zoneOf(key string) (string, bool) {
	zone, ok := strings.CutPrefix(key, "zones/")
	return zone, ok && zone != ""
}

// listInstances returns one page of the project's labelled instances.
func (p *Provider) listInstances(ctx context.Context, project, token string) (provider.ListPage, error) {
	call := "list instances " + project
	ls, err := fetchListing(ctx, p, project, "instances", instanceFields, token, readInstance)
	var page provider.ListPage
	if err == nil {
		page.VMs, err = listedVMs(call, ls)
	}
	if err != nil {
		return provider.ListPage{}, p.classify(call, err)
	}
	page.Next = phaseDisks
	if ls.next != "" {
		page.Next = phaseInstances + ls.next
	}
	return page, nil
}

// listDisks returns one page of the project's labelled disks.
func (p *Provider) listDisks(ctx context.Context, project, token string) (provider.ListPage, error) {
	call := "list disks " + project
	ls, err := fetchListing(ctx, p, project, "disks", diskFields, token, readDisk)
	var page provider.ListPage
	if err == nil {
		page.Volumes, err = listedVolumes(call, ls)
	}
	if err != nil {
		return provider.ListPage{}, p.classify(call, err)
	}
	if ls.next != "" {
		page.Next = phaseDisks + ls.next
	}
	return page, nil
}

// fetchListing sends one aggregated list request for collection
// ("instances" or "disks") as the SDK builds it (filter, maxResults,
// pageToken) with the SDK's headers (X-Goog-Api-Version and its
// Content-Type, not its x-goog-api-client telemetry), with the
// partial-response mask fields, through the guarded
// client, and decodes the answer with entry. A non-2xx answer is the
// SDK's error for it: googleapi's error from the status and body, wrapped
// as gax wraps it.
func fetchListing[T any](ctx context.Context, p *Provider, project, collection, fields, token string, entry func(*lexer) (T, bool, error)) (listing[T], error) {
	u := *p.endpoint
	u.Path += "/compute/v1/projects/" + project + "/aggregated/" + collection
	q := url.Values{}
	if f := p.filter(); f != "" {
		q.Set("filter", f)
	}
	q.Set("maxResults", strconv.Itoa(p.maxResults()))
	if token != "" {
		q.Set("pageToken", token)
	}
	q.Set("fields", fields)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return listing[T]{}, err
	}
	req.Header.Set("X-Goog-Api-Version", apiVersion)
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.http.Do(req)
	if err != nil {
		return listing[T]{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return listing[T]{}, err
	}
	if err := googleapi.CheckResponseWithBody(resp, body); err != nil {
		if aerr, ok := apierror.FromError(err); ok {
			return listing[T]{}, aerr
		}
		return listing[T]{}, err
	}
	return decodeListing(body, collection, entry)
}

// errPartial marks a listing that Compute Engine reports as incomplete.
var errPartial = errors.New("gcp: listing is partial")

// checkReachable fails a page of call (e.g. "list instances p") that
// names unreachable scopes.
func checkReachable(call string, scopes []string) error {
	if len(scopes) == 0 {
		return nil
	}
	return &callError{call, provider.ErrUnavailable, "unreachable scopes " + strconv.Quote(strings.Join(scopes, ",")), errPartial}
}

// errUnreachable is the error of call (e.g. "list instances p") for a
// scope (key "zones/<zone>" or another) reported unreachable.
func errUnreachable(call, key string) error {
	if zone, ok := zoneOf(key); ok {
		return &callError{call, provider.ErrUnavailable, "zone " + quote(zone) + " unreachable", errPartial}
	}
	return &callError{call, provider.ErrUnavailable, "scope " + quote(key) + " unreachable", errPartial}
}

// filter is the label filter expression, one parenthesized term per label
// (implicit AND), sorted for stable requests; "" without labels.
func (p *Provider) filter() string {
	if len(p.cfg.Labels) == 0 {
		return ""
	}
	var terms []string
	for _, k := range slices.Sorted(maps.Keys(p.cfg.Labels)) {
		terms = append(terms, fmt.Sprintf("(labels.%s = %q)", k, p.cfg.Labels[k]))
	}
	return strings.Join(terms, " ")
}

// maxResults is the page size, at most Compute Engine's maximum.
func (p *Provider) maxResults() int {
	return min(p.cfg.PageSize, DefaultPageSize)
}
