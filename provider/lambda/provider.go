package lambda

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Provider is the Lambda Cloud adapter. It implements provider.Provider,
// provider.Lister and is safe for concurrent use. Its fmt and slog
// renderings never show the API key.
type Provider struct {
	cfg  Config
	rest *rest.Client

	// unhealthy holds when each instance was first seen unhealthy, for
	// Config.UnhealthyGrace; an instance seen otherwise is dropped.
	mu        sync.Mutex
	unhealthy map[string]time.Time
}

// Interface checks.
var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Lister   = (*Provider)(nil)
)

// New checks cfg and returns the adapter. It makes no request.
func New(cfg Config) (*Provider, error) {
	cfg = cfg.withDefaults()
	if err := rest.CheckKey(Name, cfg.APIKey); err != nil {
		return nil, err
	}
	key := cfg.APIKey
	client, err := rest.New(rest.Options{
		Name: Name, BaseURL: cfg.BaseURL, AllowInsecureHTTP: cfg.AllowInsecureHTTP, HTTPClient: cfg.HTTPClient,
		Authorize:    func(h http.Header) { h.Set("Authorization", "Bearer "+key) },
		MaxBodyBytes: cfg.MaxBodyBytes, RequestTimeout: cfg.RequestTimeout, Logger: cfg.Logger, Secret: key,
	})
	if err != nil {
		return nil, err
	}
	return &Provider{cfg: cfg, rest: client, unhealthy: map[string]time.Time{}}, nil
}

// String renders the adapter without the API key.
func (p *Provider) String() string { return "lambda.Provider{" + p.cfg.String() + "}" }

// Format makes every fmt verb render String.
func (p *Provider) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, p.String()) }

// LogValue implements slog.LogValuer without the API key.
func (p *Provider) LogValue() slog.Value { return p.cfg.LogValue() }

// Name implements provider.Provider.
func (p *Provider) Name() string { return Name }

// Capabilities implements provider.Provider (see [Facts]).
func (p *Provider) Capabilities() provider.Capabilities { return capabilities() }

// Supports implements provider.Provider (see [Facts]): a start (a launch)
// also needs the host's launch spec (Config.LaunchSpec).
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error {
	if err := supports(host, a); err != nil {
		return err
	}
	if a == hoststate.ActionStart || a == hoststate.ActionRetry {
		_, err := p.startSpec(host, a)
		return err
	}
	return nil
}

// startSpec is the launch spec a start (or retry) of host launches from,
// or the unsupported error Supports gives without one.
func (p *Provider) startSpec(host provider.Host, a hoststate.Action) (provider.LaunchSpec, error) {
	spec, err := provider.Launch(Name, p.cfg.LaunchSpec, host, checkSpec)
	if err != nil {
		return spec, provider.Unsupported(Name, a, "a start launches an instance from the host's launch spec: "+err.Error())
	}
	return spec, nil
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Probe implements provider.Provider. A host referenced by instance id is
// read with GET /instances/{id}; one referenced by name from the listing
// (GET /instances: Lambda cannot look instances up by name), where its
// live instance is the one that counts (a terminated one only when no
// other is left; two live instances of the name are ambiguous, a bad
// response). The volume is always absent. An instance unhealthy for longer
// than Config.UnhealthyGrace reads as failed.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeNone}
	in, found, err := p.find(ctx, host)
	switch {
	case err != nil:
		return hoststate.Observation{}, err
	case !found:
		return obs, nil
	}
	obs.RawVM = in.Status
	obs.VM = p.state(in)
	obs.Address = in.IP
	obs.VMID = in.ID
	return obs, nil
}

// find returns host's instance: by id, or by name from the listing.
func (p *Provider) find(ctx context.Context, host provider.Host) (instance, bool, error) {
	if !byName(host) {
		what := "get instance " + host.Instance
		b, err := p.call(ctx, what, http.MethodGet, []string{"instances", host.Instance}, nil)
		switch {
		case errors.Is(err, provider.ErrNotFound):
			p.seen(host.Instance, "")
			return instance{}, false, nil
		case err != nil:
			return instance{}, false, err
		}
		in, err := decodeInstance(b)
		if err == nil && in.ID != host.Instance {
			err = fmt.Errorf("answer describes instance %s", rest.Quote(in.ID))
		}
		if err != nil {
			return instance{}, false, rest.Failed(Name, what, provider.ErrBadResponse, err)
		}
		return in, true, nil
	}
	what := "find instance " + rest.Quote(host.Instance)
	b, err := p.call(ctx, what, http.MethodGet, []string{"instances"}, nil)
	if err != nil {
		return instance{}, false, err
	}
	ins, err := decodeInstances(b)
	if err != nil {
		return instance{}, false, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	var named []instance
	for _, in := range ins {
		if in.Name == host.Instance {
			named = append(named, in)
		}
	}
	in, found, err := pick(named)
	if err != nil {
		return instance{}, false, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	return in, found, nil
}

// pick chooses the instance a host referenced by name means among those of
// its name: the live one, else a terminated one; two live ones are
// ambiguous.
func pick(named []instance) (instance, bool, error) {
	var live, gone []instance
	for _, in := range named {
		if InstanceStates.Normalize(in.Status) == hoststate.VMAbsent {
			gone = append(gone, in)
		} else {
			live = append(live, in)
		}
	}
	switch {
	case len(live) > 1:
		return instance{}, false, fmt.Errorf("%d live instances share the name %s", len(live), rest.Quote(live[0].Name))
	case len(live) == 1:
		return live[0], true, nil
	case len(gone) > 0:
		return gone[0], true, nil
	}
	return instance{}, false, nil
}

// state normalizes in's status; unhealthy turns failed after
// Config.UnhealthyGrace since it was first seen so.
func (p *Provider) state(in instance) hoststate.VMState {
	s := InstanceStates.Normalize(in.Status)
	if !strings.EqualFold(strings.TrimSpace(in.Status), "unhealthy") {
		p.seen(in.ID, "")
		return s
	}
	if since := p.seen(in.ID, "unhealthy"); p.cfg.Now().Sub(since) >= p.cfg.UnhealthyGrace {
		return hoststate.VMError
	}
	return s
}

// seen records in's status for the unhealthy grace and returns since when
// it has been unhealthy (zero unless status is "unhealthy").
func (p *Provider) seen(id, status string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if status == "" {
		delete(p.unhealthy, id)
		return time.Time{}
	}
	since, ok := p.unhealthy[id]
	if !ok {
		since = p.cfg.Now()
		p.unhealthy[id] = since
	}
	return since
}

// forgetUnhealthy drops the grace records of instances a full listing no
// longer shows.
func (p *Provider) forgetUnhealthy(ins []instance) {
	present := make(map[string]bool, len(ins))
	for _, in := range ins {
		present[in.ID] = true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range p.unhealthy {
		if !present[id] {
			delete(p.unhealthy, id)
		}
	}
}

// Start implements provider.Provider: it launches a new instance named
// Host.Instance from the host's launch spec (POST
// /instance-operations/launch), for a host referenced by name. A live
// instance needs nothing (an unhealthy one is restarted: that can bring it
// back); one still terminating is refused for now
// (provider.ErrRetryableConflict).
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	if err := supports(host, hoststate.ActionStart); err != nil {
		return nil, err
	}
	spec, err := p.startSpec(host, hoststate.ActionStart)
	if err != nil {
		return nil, err
	}
	in, found, err := p.find(ctx, host)
	if err != nil {
		return nil, err
	}
	if found {
		switch s := strings.ToLower(strings.TrimSpace(in.Status)); {
		case s == "unhealthy":
			return nil, p.operate(ctx, in.ID, "restart", "restarted_instances")
		case InstanceStates.Normalize(s) == hoststate.VMStopping:
			return nil, fmt.Errorf("%s: start %s: instance %s is still %s: %w", Name, rest.Quote(host.Instance), rest.Quote(in.ID), rest.Quote(in.Status), provider.ErrRetryableConflict)
		case InstanceStates.Normalize(s) != hoststate.VMAbsent:
			return nil, nil // booting or active: nothing to do
		}
	}
	what := "launch instance " + rest.Quote(host.Instance)
	b, err := p.call(ctx, what, http.MethodPost, []string{"instance-operations", "launch"}, launchRequest{
		RegionName: spec.Region, InstanceTypeName: spec.Flavor, SSHKeyNames: spec.SSHKeys,
		FileSystemNames: spec.FileSystems, Name: host.Instance,
	})
	if err != nil {
		return nil, err
	}
	ids, err := decodeLaunch(b)
	if err == nil && len(ids) != 1 {
		err = fmt.Errorf("answer names %d instances, launched 1", len(ids))
	}
	if err != nil {
		return nil, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	p.cfg.Logger.DebugContext(ctx, "lambda launch", slog.String("instance", host.Instance), slog.String("id", ids[0]))
	return nil, nil
}

// Stop implements provider.Provider: Lambda cannot stop an instance;
// stopping a Lambda host means deprovisioning it.
func (p *Provider) Stop(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionStop)
}

// Reprovision implements provider.Provider: unsupported (see [Facts]).
func (p *Provider) Reprovision(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionReprovision)
}

// Reboot implements provider.Provider with an instance restart.
func (p *Provider) Reboot(ctx context.Context, host provider.Host) (provider.Operation, error) {
	id, err := p.instanceID(ctx, host, "restart")
	if err != nil {
		return nil, err
	}
	return nil, p.operate(ctx, id, "restart", "restarted_instances")
}

// Deprovision implements provider.Provider with a terminate.
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	id, err := p.instanceID(ctx, host, "terminate")
	if err != nil {
		return nil, err
	}
	return nil, p.operate(ctx, id, "terminate", "terminated_instances")
}

// instanceID validates host and returns the id of its instance: the
// reference itself, or the live instance of its name (an error matching
// provider.ErrNotFound when there is none).
func (p *Provider) instanceID(ctx context.Context, host provider.Host, verb string) (string, error) {
	if err := p.Validate(host); err != nil {
		return "", err
	}
	if !byName(host) {
		return host.Instance, nil
	}
	in, found, err := p.find(ctx, host)
	switch {
	case err != nil:
		return "", err
	case !found || InstanceStates.Normalize(in.Status) == hoststate.VMAbsent:
		return "", fmt.Errorf("%s: %s %s: no live instance of that name: %w", Name, verb, rest.Quote(host.Instance), provider.ErrNotFound)
	}
	return in.ID, nil
}

// operate posts one instance operation on id and checks that the answer
// names the instance.
func (p *Provider) operate(ctx context.Context, id, op, field string) error {
	what := op + " instance " + id
	b, err := p.call(ctx, what, http.MethodPost, []string{"instance-operations", op}, actionRequest{InstanceIDs: []string{id}})
	if err != nil {
		return err
	}
	ins, err := decodeAction(b, field)
	if err != nil {
		return rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	if !slices.ContainsFunc(ins, func(in instance) bool { return in.ID == id }) {
		return rest.Failed(Name, what, provider.ErrBadResponse, errors.New("answer does not list the instance"))
	}
	return nil
}

// Scope implements provider.Lister (see [Facts]).
func (p *Provider) Scope(host provider.Host) string { return scope(host) }

// ListPage implements provider.Lister: Lambda lists every instance in one
// answer, so there is one page and no volumes.
func (p *Provider) ListPage(ctx context.Context, scope, pageToken string) (provider.ListPage, error) {
	if scope != Name {
		return provider.ListPage{}, &provider.HostError{Provider: Name, Field: "scope", Reason: "want " + strconv.Quote(Name) + ", got " + rest.Quote(scope)}
	}
	if pageToken != "" {
		return provider.ListPage{}, &provider.HostError{Provider: Name, Field: "pageToken", Reason: "lambda listings have one page: " + rest.Quote(pageToken)}
	}
	what := "list instances"
	b, err := p.call(ctx, what, http.MethodGet, []string{"instances"}, nil)
	if err != nil {
		return provider.ListPage{}, err
	}
	ins, err := decodeInstances(b)
	if err != nil {
		return provider.ListPage{}, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	// Every instance is listed under its id, and each name once more,
	// as a probe by name would see it, for the hosts referenced by name.
	var page provider.ListPage
	names := map[string][]instance{}
	for _, in := range ins {
		page.VMs = append(page.VMs, p.listed(in.ID, in))
		if in.Name != "" && in.Name != in.ID && reference.MatchString(in.Name) && !idShape.MatchString(in.Name) {
			names[in.Name] = append(names[in.Name], in)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		in, found, err := pick(names[name])
		if err != nil {
			return provider.ListPage{}, rest.Failed(Name, what, provider.ErrBadResponse, err)
		}
		if found {
			page.VMs = append(page.VMs, p.listed(name, in))
		}
	}
	p.forgetUnhealthy(ins)
	return page, nil
}

// listed is in as a listing shows it under key.
func (p *Provider) listed(key string, in instance) provider.ListedVM {
	return provider.ListedVM{Instance: key, VM: p.state(in), Raw: in.Status, Address: in.IP, VMID: in.ID}
}
