package nebius

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Name is the provider kind this package implements; it matches
// Record.Provider.
const Name = "nebius"

// DefaultPageSize is the listing page size when Config.PageSize is 0.
const DefaultPageSize = 100

// Config tunes the adapter; the zero value is usable.
type Config struct {
	// Clock paces operation polling; nil means the wall clock.
	Clock clock.Clock
	// Logger receives debug records of calls; nil discards them.
	Logger *slog.Logger
	// PageSize is the listing page size; 0 means DefaultPageSize.
	PageSize int64
	// LaunchSpec gives each host's instance spec for Reprovision: Flavor
	// is the platform, Preset its preset, Image the boot image family,
	// Network the subnet id, PublicIP a public address, BootDiskGiB the
	// boot disk size; the other fields must be empty. Without it,
	// reprovision is unsupported (Supports says so; nothing is sent).
	LaunchSpec provider.LaunchFunc
}

// Provider is the Nebius adapter. It implements provider.Provider,
// provider.Lister and is safe for concurrent use
// when the services are.
type Provider struct {
	cfg       Config
	instances InstanceService
	disks     DiskService
}

// Interface checks.
var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Lister   = (*Provider)(nil)
)

// New returns the adapter over the two services (see the package
// documentation for the gosdk shim). It makes no call.
func New(instances InstanceService, disks DiskService, cfg Config) (*Provider, error) {
	if instances == nil || disks == nil {
		return nil, errors.New("nebius: New needs an InstanceService and a DiskService")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	return &Provider{cfg: cfg, instances: instances, disks: disks}, nil
}

// Name implements provider.Provider.
func (p *Provider) Name() string { return Name }

// Capabilities implements provider.Provider (see [Facts]).
func (p *Provider) Capabilities() provider.Capabilities { return capabilities() }

// Supports implements provider.Provider (see [Facts]): a reprovision also
// needs the host's launch spec (Config.LaunchSpec).
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error {
	if err := supports(host, a); err != nil || a != hoststate.ActionReprovision {
		return err
	}
	_, err := p.reprovisionSpec(host)
	return err
}

// reprovisionSpec is the launch spec a reprovision of host creates the
// instance from, or the unsupported error Supports gives without one.
func (p *Provider) reprovisionSpec(host provider.Host) (provider.LaunchSpec, error) {
	spec, err := provider.Launch(Name, p.cfg.LaunchSpec, host, checkSpec)
	if err != nil {
		return spec, provider.Unsupported(Name, hoststate.ActionReprovision, "a reprovision creates the instance from the host's launch spec: "+err.Error())
	}
	return spec, nil
}

// Reboot implements provider.Provider: unsupported (see [Facts]).
func (p *Provider) Reboot(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionReboot)
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Probe implements provider.Provider: an instance Get (GetByName for a
// host referenced by name) and a disk Get. A running instance that does
// not hold the data disk (its read_write_attachment names another, or
// none) reports the volume transitional.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
	inst, absent, err := p.instance(ctx, host)
	switch {
	case err != nil:
		return hoststate.Observation{}, err
	case !absent:
		obs.RawVM = inst.State
		obs.VM = InstanceStates.Normalize(inst.State)
		obs.Address = inst.PublicIP
		obs.VMID = inst.ID
	}
	disk, err := p.disks.Get(ctx, host.Volume)
	switch {
	case err == nil && (disk.ID != host.Volume || disk.State == ""):
		return hoststate.Observation{}, &callError{"get disk " + host.Volume, provider.ErrBadResponse, errForeign}
	case err == nil:
		obs.RawVolume = disk.State
		obs.Volume = provider.HeldVolume(obs.VM, DiskStates.Normalize(disk.State), disk.AttachedTo == inst.ID)
	default:
		if err = classify("get disk "+host.Volume, err); !errors.Is(err, provider.ErrNotFound) {
			return hoststate.Observation{}, err
		}
	}
	return obs, nil
}

// instance reads host's instance: by id, or by name in Host.Project.
// absent is Nebius's NOT_FOUND.
func (p *Provider) instance(ctx context.Context, host provider.Host) (Instance, bool, error) {
	call := "get instance " + host.Instance
	var inst Instance
	var err error
	if byName(host) {
		inst, err = p.instances.GetByName(ctx, host.Project, host.Instance)
	} else {
		inst, err = p.instances.Get(ctx, host.Instance)
	}
	switch {
	case err == nil && (inst.State == "" || inst.ID == "" || (byName(host) && inst.Name != host.Instance) || (!byName(host) && inst.ID != host.Instance)):
		return Instance{}, false, &callError{call, provider.ErrBadResponse, errForeign}
	case err == nil && (checkID("instance id", inst.ID) != nil || (inst.BootDisk != "" && checkID("boot disk", inst.BootDisk) != nil)):
		// Ids from an answer go into later calls (and a shim's paths):
		// only ones of Nebius's syntax may.
		return Instance{}, false, &callError{call, provider.ErrBadResponse, errors.New("the answer names an id that is not one")}
	case err == nil:
		return inst, false, nil
	}
	if err = classify(call, err); errors.Is(err, provider.ErrNotFound) {
		return Instance{}, true, nil
	}
	return Instance{}, false, err
}

// ours reads host's instance for an action (verb): an error matching
// provider.ErrNotFound when it is gone, provider.ErrNotOurs when a host
// referenced by name finds someone else's instance of the name. (A host
// referenced by id is its instance: the immutable id is the proof.)
func (p *Provider) ours(ctx context.Context, host provider.Host, verb string) (Instance, error) {
	if err := p.Validate(host); err != nil {
		return Instance{}, err
	}
	inst, absent, err := p.instance(ctx, host)
	switch {
	case err != nil:
		return Instance{}, err
	case absent:
		return Instance{}, fmt.Errorf("%s: %s %s: no such instance: %w", Name, verb, quote(host.Instance), provider.ErrNotFound)
	}
	return inst, checkOurs(host, inst)
}

// checkOurs returns a *provider.NotOursError when host is referenced by
// name and inst lacks its ownership labels.
func checkOurs(host provider.Host, inst Instance) error {
	if !byName(host) {
		return nil
	}
	if ok, missing := provider.Owns(inst.Labels, host); !ok {
		return &provider.NotOursError{Provider: Name, Instance: host.Instance, VMID: inst.ID, Missing: missing}
	}
	return nil
}

// Start implements provider.Provider.
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	inst, err := p.ours(ctx, host, "start")
	if err != nil {
		return nil, err
	}
	return asOp(p.act(ctx, host, "start instance "+inst.ID, func() (Operation, error) {
		return p.instances.Start(ctx, inst.ID)
	}))
}

// Stop implements provider.Provider: the instance becomes STOPPED and keeps
// its disks.
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	inst, err := p.ours(ctx, host, "stop")
	if err != nil {
		return nil, err
	}
	return asOp(p.act(ctx, host, "stop instance "+inst.ID, func() (Operation, error) {
		return p.instances.Stop(ctx, inst.ID)
	}))
}

// Deprovision implements provider.Provider: it deletes the instance
// and, inside the returned Operation's Wait once the instance is gone, the
// data disk. When the instance is already gone — a deprovision
// interrupted between the two deletes included — only the disk is
// deleted; when both are gone the error matches provider.ErrNotFound.
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	deleteDisk := func(ctx context.Context) (provider.Operation, error) {
		op, err := asOp(p.act(ctx, host, "delete disk "+host.Volume, func() (Operation, error) {
			return p.disks.Delete(ctx, host.Volume)
		}))
		if errors.Is(err, provider.ErrNotFound) {
			return nil, nil
		}
		return op, err
	}
	inst, err := p.ours(ctx, host, "deprovision")
	switch {
	case errors.Is(err, provider.ErrNotFound):
		op, err := deleteDisk(ctx)
		if op == nil && err == nil {
			return nil, fmt.Errorf("%s: deprovision %s: instance and disk already gone: %w", Name, quote(host.Instance), provider.ErrNotFound)
		}
		return op, err
	case err != nil:
		return nil, err
	}
	op, err := p.act(ctx, host, "delete instance "+inst.ID, func() (Operation, error) {
		return p.instances.Delete(ctx, inst.ID)
	})
	switch {
	case errors.Is(err, provider.ErrNotFound):
		return deleteDisk(ctx)
	case err != nil:
		return nil, err
	}
	return provider.Then(op, deleteDisk), nil
}

// asOp returns op as a provider.Operation: nil (not a nil *operation)
// when the call failed.
func asOp(op *operation, err error) (provider.Operation, error) {
	if op == nil || err != nil {
		return nil, err
	}
	return op, nil
}

// act validates host, sends one mutating call and wraps its operation.
func (p *Provider) act(ctx context.Context, host provider.Host, what string, call func() (Operation, error)) (*operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	op, err := call()
	if err != nil {
		return nil, classify(what, err)
	}
	if op == nil {
		return nil, &callError{what, provider.ErrBadResponse, errors.New("service returned no operation")}
	}
	p.cfg.Logger.DebugContext(ctx, "nebius action", slog.String("call", what), slog.String("operation", op.ID()))
	return &operation{p: p, call: what, op: op}, nil
}

// quote quotes user or provider text for messages, cut short.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
