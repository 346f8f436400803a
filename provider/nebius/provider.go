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

// Supports implements provider.Provider (see [Facts]).
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error { return supports(host, a) }

// Reboot implements provider.Provider: unsupported (see [Facts]).
func (p *Provider) Reboot(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionReboot)
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Probe implements provider.Provider: an instance Get and a disk Get.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	obs := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
	inst, err := p.instances.Get(ctx, host.Instance)
	switch {
	case err == nil && (inst.ID != host.Instance || inst.State == ""):
		return hoststate.Observation{}, &callError{"get instance " + host.Instance, provider.ErrBadResponse, errForeign}
	case err == nil:
		obs.RawVM = inst.State
		obs.VM = InstanceStates.Normalize(inst.State)
		obs.Address = inst.PublicIP
		obs.VMID = inst.ID
	default:
		if err = classify("get instance "+host.Instance, err); !errors.Is(err, provider.ErrNotFound) {
			return hoststate.Observation{}, err
		}
	}
	disk, err := p.disks.Get(ctx, host.Volume)
	switch {
	case err == nil && (disk.ID != host.Volume || disk.State == ""):
		return hoststate.Observation{}, &callError{"get disk " + host.Volume, provider.ErrBadResponse, errForeign}
	case err == nil:
		obs.RawVolume = disk.State
		obs.Volume = DiskStates.Normalize(disk.State)
	default:
		if err = classify("get disk "+host.Volume, err); !errors.Is(err, provider.ErrNotFound) {
			return hoststate.Observation{}, err
		}
	}
	return obs, nil
}

// Start implements provider.Provider.
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return p.act(ctx, host, "start instance "+host.Instance, func() (Operation, error) {
		return p.instances.Start(ctx, host.Instance)
	})
}

// Stop implements provider.Provider: the instance becomes STOPPED and keeps
// its disks.
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return p.act(ctx, host, "stop instance "+host.Instance, func() (Operation, error) {
		return p.instances.Stop(ctx, host.Instance)
	})
}

// Deprovision implements provider.Provider: it deletes the instance
// and, inside the returned Operation's Wait once the instance is gone, the
// data disk. When the instance is already gone only the disk is deleted;
// when both are gone the error matches provider.ErrNotFound.
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	deleteDisk := func(ctx context.Context) (provider.Operation, error) {
		op, err := p.act(ctx, host, "delete disk "+host.Volume, func() (Operation, error) {
			return p.disks.Delete(ctx, host.Volume)
		})
		if errors.Is(err, provider.ErrNotFound) {
			return nil, nil
		}
		return op, err
	}
	op, err := p.act(ctx, host, "delete instance "+host.Instance, func() (Operation, error) {
		return p.instances.Delete(ctx, host.Instance)
	})
	switch {
	case errors.Is(err, provider.ErrNotFound):
		op, err := deleteDisk(ctx)
		if op == nil && err == nil {
			return nil, fmt.Errorf("%s: deprovision %s: instance and disk already gone: %w", Name, host.Instance, provider.ErrNotFound)
		}
		return op, err
	case err != nil:
		return nil, err
	}
	return provider.Then(op, deleteDisk), nil
}

// act validates host, sends one mutating call and wraps its operation.
func (p *Provider) act(ctx context.Context, host provider.Host, what string, call func() (Operation, error)) (provider.Operation, error) {
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
