package hyperstack

import (
	"context"
	"fmt"
	"slices"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Reprovision implements provider.Provider: it recreates the host's VM
// from its launch spec around the kept volume (the same volume id before
// and after). A VM still there (a hibernated one, a VM stopped in the
// console) is deleted first, without the volume; the returned Operation's
// Wait then creates the new VM once the old one is gone and the volume
// available, retrying Hyperstack's state refusals ("name is not
// available") within its context. A running VM is refused
// (provider.ErrConflict: stop it first), someone else's VM of the name
// too (provider.ErrNotOurs); without a launch spec nothing is sent
// (provider.ErrUnsupported). Call Wait: the VM is created inside it.
func (p *Provider) Reprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := checkHost(host); err != nil {
		return nil, err
	}
	if err := p.Supports(host, hoststate.ActionReprovision); err != nil {
		return nil, err
	}
	vms, err := p.findVMs(ctx, host.Instance)
	if err != nil {
		return nil, err
	}
	for _, v := range vms {
		if err := p.checkOurs(host, v); err != nil {
			return nil, err
		}
		switch VMStates.Normalize(v.Status) {
		case hoststate.VMRunning, hoststate.VMStarting:
			return nil, fmt.Errorf("%s: reprovision %s: VM %d is %s; stop it first: %w", Name, rest.Quote(host.Instance), v.ID, rest.Quote(v.Status), provider.ErrConflict)
		}
	}
	op := &reprovision{p: p, host: host, deletes: vmDeletes{}}
	going := func(v vm) bool { return VMStates.Normalize(v.Status) == hoststate.VMStopping }
	if err := op.deletes.send(ctx, p, slices.DeleteFunc(vms, going)); err != nil {
		return nil, err
	}
	return op, nil
}

// reprovision is the rest of a Reprovision: the create, once the old VM
// is gone and the volume available.
type reprovision struct {
	p       *Provider
	host    provider.Host
	deletes vmDeletes // the old VMs' deletes
}

// Name implements provider.Operation.
func (o *reprovision) Name() string { return "reprovision " + o.host.Instance }

// Wait implements provider.Operation: nil once the create was accepted.
func (o *reprovision) Wait(ctx context.Context) error { return o.p.poll(ctx, o.Name(), o.step) }

// step looks once: it resends refused deletes of old VMs and, once none
// is left, sends the create.
func (o *reprovision) step(ctx context.Context) (bool, error) {
	vms, err := o.p.findVMs(ctx, o.host.Instance)
	if err != nil {
		return false, err
	}
	for _, v := range vms {
		if err := o.p.checkOurs(o.host, v); err != nil {
			return false, err
		}
	}
	if err := o.deletes.resend(ctx, o.p, vms); err != nil {
		return false, err
	}
	if len(vms) > 0 {
		return false, nil // the old VM is still going
	}
	if err := o.p.create(ctx, o.host); err != nil {
		return false, err
	}
	return true, nil
}
