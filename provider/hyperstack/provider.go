package hyperstack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// maxPages bounds a search for a VM by name, so an answer whose count lies
// cannot keep the adapter paging forever.
const maxPages = 100

// Provider is the Hyperstack adapter. It implements provider.Provider,
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
		Authorize:    func(h http.Header) { h.Set("api_key", key) },
		MaxBodyBytes: cfg.MaxBodyBytes, RequestTimeout: cfg.RequestTimeout, Logger: cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	return &Provider{cfg: cfg, rest: client}, nil
}

// String renders the adapter without the API key.
func (p *Provider) String() string { return "hyperstack.Provider{" + p.cfg.String() + "}" }

// Format makes every fmt verb render String.
func (p *Provider) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, p.String()) }

// LogValue implements slog.LogValuer without the API key.
func (p *Provider) LogValue() slog.Value { return p.cfg.LogValue() }

// Name implements provider.Provider.
func (p *Provider) Name() string { return Name }

// Capabilities implements provider.Provider (see [Facts]).
func (p *Provider) Capabilities() provider.Capabilities { return capabilities() }

// Supports implements provider.Provider (see [Facts]): without
// Config.Launch a VM that a stop deleted cannot be recreated, so start,
// retry and reprovision are unsupported.
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error {
	return supports(host, a, p.cfg.Launch != nil)
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return checkHost(host) }

// Probe implements provider.Provider: a search for the VM by name and a
// volume Get.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := checkHost(host); err != nil {
		return hoststate.Observation{}, err
	}
	vms, err := p.findVMs(ctx, host.Instance)
	if err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
	if len(vms) > 0 {
		obs.RawVM = vms[0].Status
		obs.VM = VMStates.Normalize(vms[0].Status)
		obs.Address = vms[0].FloatingIP
		obs.VMID = idString(vms[0].ID)
	}
	vol, err := p.getVolume(ctx, host.Volume)
	switch {
	case err == nil:
		obs.RawVolume = vol.Status
		obs.Volume = VolumeStates.Normalize(vol.Status)
	case !errors.Is(err, provider.ErrNotFound):
		return hoststate.Observation{}, err
	}
	return obs, nil
}

// Start implements provider.Provider as the package documentation
// describes: start or restore an existing VM, do nothing for one already up,
// refuse (provider.ErrConflict) while an old VM still goes down, and
// otherwise create the VM around the available volume.
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := checkHost(host); err != nil {
		return nil, err
	}
	vms, err := p.findVMs(ctx, host.Instance)
	if err != nil {
		return nil, err
	}
	for _, v := range vms {
		switch VMStates.Normalize(v.Status) {
		case hoststate.VMStopping, hoststate.VMError, hoststate.VMUnknown:
			return nil, fmt.Errorf("%s: start %s: VM %d is %s: %w", Name, rest.Quote(host.Instance), v.ID, rest.Quote(v.Status), provider.ErrConflict)
		}
	}
	if len(vms) > 0 {
		v := vms[0]
		switch strings.ToUpper(v.Status) {
		case "SHUTOFF":
			return nil, p.vmAction(ctx, "start", v.ID)
		case "HIBERNATED":
			return nil, p.vmAction(ctx, "hibernate-restore", v.ID)
		}
		return nil, nil // running or booting: nothing to do
	}
	if p.cfg.Launch == nil {
		return nil, fmt.Errorf("%s: start %s: the VM is gone and Config.Launch is not set to recreate it: %w", Name, rest.Quote(host.Instance), provider.ErrUnsupported)
	}
	vol, err := p.getVolume(ctx, host.Volume)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(vol.Status, "available") {
		return nil, fmt.Errorf("%s: start %s: volume %d is %s, not available: %w", Name, rest.Quote(host.Instance), vol.ID, rest.Quote(vol.Status), provider.ErrConflict)
	}
	l := p.cfg.Launch
	_, err = p.call(ctx, "create VM "+rest.Quote(host.Instance), http.MethodPost, []string{"core", "virtual-machines"}, nil, createRequest{
		Name: host.Instance, EnvironmentName: l.EnvironmentName, ImageName: l.ImageName, FlavorName: l.FlavorName,
		KeyName: l.KeyName, VolumeName: vol.Name, AssignFloatingIP: l.AssignFloatingIP, Count: 1,
	})
	return nil, err
}

// Stop implements provider.Provider: it deletes the VM and keeps the
// volume. With no VM the error matches provider.ErrNotFound.
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	v, err := p.requireVM(ctx, host, "stop")
	if err != nil {
		return nil, err
	}
	return nil, p.deleteVM(ctx, v.ID)
}

// Reboot implements provider.Provider with a hard reboot.
func (p *Provider) Reboot(ctx context.Context, host provider.Host) (provider.Operation, error) {
	v, err := p.requireVM(ctx, host, "reboot")
	if err != nil {
		return nil, err
	}
	return nil, p.vmAction(ctx, "hard-reboot", v.ID)
}

// requireVM validates host and returns its newest VM, or an error matching
// provider.ErrNotFound.
func (p *Provider) requireVM(ctx context.Context, host provider.Host, verb string) (vm, error) {
	if err := checkHost(host); err != nil {
		return vm{}, err
	}
	vms, err := p.findVMs(ctx, host.Instance)
	if err != nil {
		return vm{}, err
	}
	if len(vms) == 0 {
		return vm{}, fmt.Errorf("%s: %s %s: no VM with that name: %w", Name, verb, rest.Quote(host.Instance), provider.ErrNotFound)
	}
	return vms[0], nil
}

// findVMs returns the VMs named exactly name, newest (highest id) first.
func (p *Provider) findVMs(ctx context.Context, name string) ([]vm, error) {
	what := "find VM " + rest.Quote(name)
	var found []vm
	for page := 1; page <= maxPages; page++ {
		b, err := p.call(ctx, what, http.MethodGet, []string{"core", "virtual-machines"}, url.Values{
			"search": {name}, "page": {strconv.Itoa(page)}, "pageSize": {strconv.Itoa(p.cfg.PageSize)},
		}, nil)
		if err != nil {
			return nil, err
		}
		vms, count, err := decodeVMList(b)
		if err != nil {
			return nil, rest.Failed(Name, what, provider.ErrBadResponse, err)
		}
		for _, v := range vms {
			if v.Name == name {
				found = append(found, v)
			}
		}
		if len(vms) == 0 || int64(page)*int64(p.cfg.PageSize) >= count {
			break
		}
	}
	slices.SortFunc(found, func(a, b vm) int { return cmp.Compare(b.ID, a.ID) })
	return found, nil
}

// getVolume reads one volume; a missing one is an error matching
// provider.ErrNotFound.
func (p *Provider) getVolume(ctx context.Context, id string) (volume, error) {
	what := "get volume " + id
	b, err := p.call(ctx, what, http.MethodGet, []string{"core", "volumes", id}, nil, nil)
	if err != nil {
		return volume{}, err
	}
	v, err := decodeVolume(b)
	if err == nil && idString(v.ID) != id {
		err = fmt.Errorf("answer describes volume %d", v.ID)
	}
	if err != nil {
		return volume{}, rest.Failed(Name, what, provider.ErrBadResponse, err)
	}
	return v, nil
}

// vmAction sends one of the GET actions (start, hard-reboot, ...).
func (p *Provider) vmAction(ctx context.Context, action string, id int64) error {
	_, err := p.call(ctx, action+" VM "+idString(id), http.MethodGet, []string{"core", "virtual-machines", idString(id), action}, nil, nil)
	return err
}

// deleteVM deletes one VM.
func (p *Provider) deleteVM(ctx context.Context, id int64) error {
	_, err := p.call(ctx, "delete VM "+idString(id), http.MethodDelete, []string{"core", "virtual-machines", idString(id)}, nil, nil)
	return err
}
