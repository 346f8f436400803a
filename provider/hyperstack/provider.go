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
		MaxBodyBytes: cfg.MaxBodyBytes, RequestTimeout: cfg.RequestTimeout, Logger: cfg.Logger, Secret: key,
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

// Capabilities implements provider.Provider (see [Facts]):
// StopDeletesVM follows Config.StopMode.
func (p *Provider) Capabilities() provider.Capabilities { return capabilities(p.cfg.stopMode()) }

// Supports implements provider.Provider (see [Facts]): without a launch
// spec for the host, reprovision is unsupported, and so are start and
// retry when the host's stop mode deletes the VM. It asks the LaunchFunc,
// never the API.
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error {
	var noSpec error
	if needsSpec(host, a, p.cfg.stopMode()) {
		_, noSpec = provider.Launch(Name, p.cfg.LaunchSpec, host, checkSpec) // only the actions that create a VM ask
	}
	return supports(host, a, noSpec, p.cfg.stopMode())
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return checkHost(host) }

// Probe implements provider.Provider: a search for the VM by name and a
// volume Get. A running VM that does not hold the volume (its
// attachments do not name the VM) reports the volume transitional: the
// host does not have its data.
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
		obs.Volume = provider.HeldVolume(obs.VM, VolumeStates.Normalize(vol.Status), len(vms) > 0 && vol.attachedTo(vms[0].ID))
	case !errors.Is(err, provider.ErrNotFound):
		return hoststate.Observation{}, err
	}
	return obs, nil
}

// Start implements provider.Provider as the package documentation
// describes: start or restore an existing VM, do nothing for one already
// up, refuse while an old VM still goes down (provider.ErrRetryableConflict,
// so a waiter resends within the action's deadline), and otherwise create
// the VM around the available volume from the host's launch spec.
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
		case hoststate.VMStopping:
			return nil, fmt.Errorf("%s: start %s: VM %d is still %s: %w", Name, rest.Quote(host.Instance), v.ID, rest.Quote(v.Status), provider.ErrRetryableConflict)
		case hoststate.VMError, hoststate.VMUnknown:
			return nil, fmt.Errorf("%s: start %s: VM %d is %s: %w", Name, rest.Quote(host.Instance), v.ID, rest.Quote(v.Status), provider.ErrConflict)
		}
	}
	if len(vms) > 0 {
		v := vms[0]
		if err := p.checkOurs(host, v); err != nil {
			return nil, err
		}
		switch strings.ToUpper(v.Status) {
		case "SHUTOFF":
			return nil, p.vmAction(ctx, "start", v.ID)
		case "HIBERNATED":
			return nil, p.vmAction(ctx, "hibernate-restore", v.ID)
		}
		return nil, nil // running or booting: nothing to do
	}
	return nil, p.create(ctx, host)
}

// create creates host's VM from its launch spec around its volume, which
// must be available: a volume still settling (reserved, detaching) is a
// provider.ErrRetryableConflict, so is Hyperstack's "name is not
// available" while the old VM of the name is still being deleted.
func (p *Provider) create(ctx context.Context, host provider.Host) error {
	spec, err := provider.Launch(Name, p.cfg.LaunchSpec, host, checkSpec)
	if err != nil {
		return err
	}
	vol, err := p.getVolume(ctx, host.Volume)
	if err != nil {
		return err
	}
	if !strings.EqualFold(vol.Status, "available") {
		class := provider.ErrRetryableConflict
		if VolumeStates.Normalize(vol.Status) != hoststate.VolumeTransitional && !strings.EqualFold(vol.Status, "in-use") {
			class = provider.ErrConflict // failed or unknown: it will not settle by itself
		}
		return fmt.Errorf("%s: create %s: volume %d is %s, not available: %w", Name, rest.Quote(host.Instance), vol.ID, rest.Quote(vol.Status), class)
	}
	_, err = p.call(ctx, "create VM "+rest.Quote(host.Instance), http.MethodPost, []string{"core", "virtual-machines"}, nil, createRequest{
		Name: host.Instance, EnvironmentName: spec.Region, ImageName: spec.Image, FlavorName: spec.Flavor,
		KeyName: spec.SSHKeys[0], VolumeName: vol.Name, AssignFloatingIP: spec.PublicIP, Count: 1,
		Labels: labelList(provider.OwnershipLabels(host)),
	})
	return err
}

// Stop implements provider.Provider in the host's stop mode: delete the
// VM and keep the volume, or hibernate the VM (a VM already hibernating or
// hibernated needs nothing). With no VM the error matches
// provider.ErrNotFound; a VM that is not ours is never touched
// (provider.ErrNotOurs).
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	v, err := p.requireVM(ctx, host, "stop")
	if err != nil {
		return nil, err
	}
	if stopModeOf(host, p.cfg.stopMode()) == StopHibernate {
		switch strings.ToUpper(v.Status) {
		case "HIBERNATING", "HIBERNATED":
			return nil, nil
		}
		return nil, p.vmAction(ctx, "hibernate", v.ID)
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

// checkOurs returns a *provider.NotOursError unless v carries host's
// ownership labels.
func (p *Provider) checkOurs(host provider.Host, v vm) error {
	if ok, missing := provider.Owns(v.Labels.asMap(), host); !ok {
		return &provider.NotOursError{Provider: Name, Instance: host.Instance, VMID: idString(v.ID), Missing: missing}
	}
	return nil
}

// requireVM validates host and returns its newest VM, or an error matching
// provider.ErrNotFound, or provider.ErrNotOurs for a VM that is not ours.
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
	return vms[0], p.checkOurs(host, vms[0])
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
