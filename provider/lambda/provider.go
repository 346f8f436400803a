package lambda

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Provider is the Lambda Cloud adapter. It implements provider.Provider,
// provider.Lister and is safe
// for concurrent use. Its fmt and slog renderings never show the API key.
type Provider struct {
	cfg  Config
	rest *rest.Client
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
		MaxBodyBytes: cfg.MaxBodyBytes, RequestTimeout: cfg.RequestTimeout, Logger: cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	return &Provider{cfg: cfg, rest: client}, nil
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

// Supports implements provider.Provider (see [Facts]).
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error { return supports(host, a) }

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Probe implements provider.Provider with GET /instances/{id}. The volume
// is always absent.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeNone}
	what := "get instance " + host.Instance
	b, err := p.call(ctx, what, http.MethodGet, []string{"instances", host.Instance}, nil)
	switch {
	case errors.Is(err, provider.ErrNotFound):
		return obs, nil
	case err != nil:
		return hoststate.Observation{}, err
	}
	in, err := decodeInstance(b)
	if err == nil && in.ID != host.Instance {
		err = fmt.Errorf("answer describes instance %s", rest.Quote(in.ID))
	}
	if err != nil {
		return hoststate.Observation{}, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	obs.RawVM = in.Status
	obs.VM = InstanceStates.Normalize(in.Status)
	obs.Address = in.IP
	obs.VMID = in.ID
	return obs, nil
}

// Start implements provider.Provider: Lambda cannot start an instance.
func (p *Provider) Start(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionStart)
}

// Stop implements provider.Provider: Lambda cannot stop an instance;
// stopping a Lambda host means deprovisioning it.
func (p *Provider) Stop(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionStop)
}

// Reboot implements provider.Provider with an instance restart.
func (p *Provider) Reboot(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return nil, p.operate(ctx, host, "restart", "restarted_instances")
}

// Deprovision implements provider.Provider with a terminate.
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return nil, p.operate(ctx, host, "terminate", "terminated_instances")
}

// operate posts one instance operation and checks that the answer names
// the instance.
func (p *Provider) operate(ctx context.Context, host provider.Host, op, field string) error {
	if err := p.Validate(host); err != nil {
		return err
	}
	what := op + " instance " + host.Instance
	b, err := p.call(ctx, what, http.MethodPost, []string{"instance-operations", op}, actionRequest{InstanceIDs: []string{host.Instance}})
	if err != nil {
		return err
	}
	ins, err := decodeAction(b, field)
	if err != nil {
		return rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	if !slices.ContainsFunc(ins, func(in instance) bool { return in.ID == host.Instance }) {
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
	var page provider.ListPage
	for _, in := range ins {
		page.VMs = append(page.VMs, provider.ListedVM{
			Instance: in.ID, VM: InstanceStates.Normalize(in.Status), Raw: in.Status, Address: in.IP, VMID: in.ID,
		})
	}
	return page, nil
}
