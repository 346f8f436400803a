package gcp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Reprovision implements provider.Provider: it recreates the host's
// instance around its kept data disk. The old instance must be stopped
// (TERMINATED or SUSPENDED; a running one is provider.ErrConflict) and
// ours (provider.ErrNotOurs); its data disk is first set not to be
// deleted with it (setDiskAutoDelete false) where it would be, then the
// instance is deleted, and once it is gone a new one is inserted from the
// host's launch spec with the same data disk attached (a new instance id,
// the same disk). Call the Operation's Wait: the later steps happen
// inside it. An instance already gone (a reprovision interrupted after
// the delete) is simply inserted. Without a launch spec nothing is sent
// (provider.ErrUnsupported).
func (p *Provider) Reprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	spec, err := provider.Launch(Name, p.cfg.LaunchSpec, host, checkSpec)
	if err != nil {
		return nil, provider.Unsupported(Name, hoststate.ActionReprovision, "a reprovision creates the instance from the host's launch spec: "+err.Error())
	}
	if err := p.requireDisk(ctx, host); err != nil {
		return nil, err
	}
	insert := func(ctx context.Context) (provider.Operation, error) { return p.insert(ctx, host, spec) }
	inst, absent, err := p.lookup(ctx, host)
	switch {
	case err != nil:
		return nil, err
	case absent:
		return insert(ctx)
	}
	if err := p.checkOurs(host, inst); err != nil {
		return nil, err
	}
	switch s := strings.ToUpper(inst.GetStatus()); s {
	case "TERMINATED", "STOPPED", "SUSPENDED":
	default:
		return nil, fmt.Errorf("%s: reprovision %s: the instance is %s; stop it first: %w", Name, path(host, host.Instance), quote(s), provider.ErrConflict)
	}
	del := func(ctx context.Context) (provider.Operation, error) {
		op, err := p.deleteInstance(ctx, host)
		if errors.Is(err, errGone) {
			return nil, nil // gone meanwhile: nothing to wait for
		}
		return op, err
	}
	name := "reprovision " + path(host, host.Instance)
	if d := dataDisk(inst, host); d != nil && d.GetAutoDelete() {
		// The disk must outlive the instance: keep it first, then delete
		// the instance, then insert the new one.
		keep, err := p.act(ctx, host, "keep disk "+path(host, host.Volume), func() (*compute.Operation, error) {
			return p.instances.SetDiskAutoDelete(ctx, &computepb.SetDiskAutoDeleteInstanceRequest{
				Project: host.Project, Zone: host.Zone, Instance: host.Instance, DeviceName: d.GetDeviceName(),
				AutoDelete: false, RequestId: requestID(ctx, "keep-disk"),
			}, noRetry())
		})
		if err != nil {
			return nil, err
		}
		return provider.Steps(name, keep, del, insert), nil
	}
	op, err := del(ctx)
	if err != nil {
		return nil, err
	}
	return provider.Steps(name, op, insert), nil
}

// insert creates host's instance from spec around its data disk.
func (p *Provider) insert(ctx context.Context, host provider.Host, spec provider.LaunchSpec) (provider.Operation, error) {
	labels := provider.OwnershipLabels(p.owner(host))
	return p.act(ctx, host, "insert instance "+path(host, host.Instance), func() (*compute.Operation, error) {
		return p.instances.Insert(ctx, &computepb.InsertInstanceRequest{
			Project: host.Project, Zone: host.Zone, InstanceResource: instanceResource(host, spec, labels),
			RequestId: requestID(ctx, "insert"),
		}, noRetry())
	})
}

// requireDisk fails unless host's data disk exists: a reprovision keeps
// it, it never makes one.
func (p *Provider) requireDisk(ctx context.Context, host provider.Host) error {
	call := "get disk " + path(host, host.Volume)
	disk, err := p.disks.Get(ctx, &computepb.GetDiskRequest{Project: host.Project, Zone: host.Zone, Disk: host.Volume}, noRetry())
	err = p.classify(call, err)
	switch absent, err := absence(call, err, "disks", host.Volume); {
	case absent:
		return fmt.Errorf("%s: reprovision %s: the data disk %s is gone: %w", Name, path(host, host.Instance), quote(host.Volume), provider.ErrNotFound)
	case err != nil:
		return err
	case disk.GetName() != host.Volume:
		return &callError{call, provider.ErrBadResponse, "the answer does not describe the disk", errIncomplete}
	}
	return nil
}
