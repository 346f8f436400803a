package nebius

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Reprovision implements provider.Provider for a host referenced by name:
// it recreates the instance around its kept data disk. The data disk must
// exist and be managed by no instance (a managed disk would go with the
// instance: provider.ErrConflict, nothing sent); the old instance must be
// STOPPED (else provider.ErrConflict) and ours (provider.ErrNotOurs). The
// old instance is deleted; the returned Operation's Wait then deletes its
// old boot disk (unless the instance managed it, and it went along),
// creates a new boot disk from the launch spec's image family, and
// creates the instance from the launch spec with the boot disk and the
// same data disk attached (a new instance id). An instance already gone
// (an interrupted reprovision) is simply created; a resend of the same
// action (provider.WithRequestID) names its boot disk alike, so it reuses
// the unattached boot disk a cut-short attempt made instead of leaving it
// behind. Without a launch spec,
// or for a host referenced by id, nothing is sent (provider.ErrUnsupported).
func (p *Provider) Reprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	if err := supports(host, hoststate.ActionReprovision); err != nil {
		return nil, err
	}
	spec, err := p.reprovisionSpec(host)
	if err != nil {
		return nil, err
	}
	disk, err := p.disks.Get(ctx, host.Volume)
	switch {
	case err != nil:
		return nil, classify("get disk "+host.Volume, err)
	case disk.ID != host.Volume:
		return nil, &callError{"get disk " + host.Volume, provider.ErrBadResponse, errForeign}
	case disk.ManagedBy != "":
		return nil, fmt.Errorf("%s: reprovision %s: the data disk %s is managed by instance %s, which would delete it: %w",
			Name, quote(host.Instance), quote(host.Volume), quote(disk.ManagedBy), provider.ErrConflict)
	}
	var (
		first provider.Operation // the old instance's delete, when there is one
		steps []func(ctx context.Context) (provider.Operation, error)
	)
	inst, absent, err := p.instance(ctx, host)
	switch {
	case err != nil:
		return nil, err
	case !absent:
		if err := checkOurs(host, inst); err != nil {
			return nil, err
		}
		if s := strings.ToUpper(inst.State); s != "STOPPED" {
			if InstanceStates.Normalize(s) == hoststate.VMStopping {
				// STOPPING and DELETING settle by themselves: a resend
				// (after a reprovision cut short) is worth another try.
				return nil, fmt.Errorf("%s: reprovision %s: the instance is still %s: %w", Name, quote(host.Instance), quote(s), provider.ErrRetryableConflict)
			}
			return nil, fmt.Errorf("%s: reprovision %s: the instance is %s; stop it first: %w", Name, quote(host.Instance), quote(s), provider.ErrConflict)
		}
		del, err := p.act(ctx, host, "delete instance "+inst.ID, func() (Operation, error) { return p.instances.Delete(ctx, inst.ID) })
		if err != nil && !errors.Is(err, provider.ErrNotFound) {
			return nil, err
		}
		if del != nil {
			first = del
		}
		if old := inst.BootDisk; old != "" && old != host.Volume {
			steps = append(steps, func(ctx context.Context) (provider.Operation, error) {
				op, err := asOp(p.act(ctx, host, "delete boot disk "+old, func() (Operation, error) { return p.disks.Delete(ctx, old) }))
				if errors.Is(err, provider.ErrNotFound) {
					return nil, nil // managed by the instance: gone with it
				}
				return op, err
			})
		}
	}
	var (
		boot   *operation // the boot disk's create, when this attempt made it
		bootID string     // the boot disk an earlier attempt made, when reused
	)
	name := bootDiskName(host, provider.RequestID(ctx), p.cfg.Clock.Now())
	size := spec.BootDiskGiB
	if size == 0 {
		size = DefaultBootDiskGiB
	}
	labels := provider.OwnershipLabels(host)
	steps = append(steps,
		func(ctx context.Context) (provider.Operation, error) {
			op, err := p.act(ctx, host, "create boot disk "+name, func() (Operation, error) {
				return p.disks.Create(ctx, CreateDiskRequest{ParentID: host.Project, Name: name, Labels: labels, SizeGiB: size, ImageFamily: spec.Image})
			})
			if st, ok := grpcStatus(err); ok && st.Code() == codes.AlreadyExists {
				d, err := p.leftoverBootDisk(ctx, host, name)
				bootID = d.ID
				return nil, err
			}
			boot = op
			return asOp(op, err)
		},
		func(ctx context.Context) (provider.Operation, error) {
			if bootID == "" {
				bootID = boot.op.ResourceID()
			}
			if checkID("boot disk", bootID) != nil {
				return nil, &callError{"create boot disk", provider.ErrBadResponse, errors.New("the operation names no disk")}
			}
			return asOp(p.act(ctx, host, "create instance "+host.Instance, func() (Operation, error) {
				return p.instances.Create(ctx, CreateInstanceRequest{
					ParentID: host.Project, Name: host.Instance, Labels: labels, Platform: spec.Flavor, Preset: spec.Preset,
					SubnetID: spec.Network, PublicIP: spec.PublicIP, BootDiskID: bootID, DataDiskID: host.Volume,
				})
			}))
		})
	return provider.Steps("reprovision "+host.Instance, first, steps...), nil
}

// bootDiskName names the boot disk a reprovision of host creates. With a
// request id, the same on every resend of one action, it is the same on
// every resend, so a resend finds the disk a cut-short attempt made; the
// host's data disk id goes into it too, so a host record made again under
// the same id (its action numbers start over) never meets another host's
// disk. Without a request id it is unique per send.
func bootDiskName(host provider.Host, requestID string, now time.Time) string {
	if requestID == "" {
		return fmt.Sprintf("%s-boot-%x", host.Instance, now.UnixNano())
	}
	sum := sha256.Sum256([]byte(host.Volume + "\x00" + requestID))
	return fmt.Sprintf("%s-boot-%x", host.Instance, sum[:8])
}

// leftoverBootDisk finds the boot disk named name that an earlier attempt
// of this reprovision created (DiskService.Create answered AlreadyExists),
// by listing the project's disks. It is reused only while it is READY and
// no instance holds it: one still CREATING is provider.ErrRetryableConflict
// (it settles by itself), one held or in another state
// provider.ErrConflict, as is a disk of that name the listing does not
// show.
func (p *Provider) leftoverBootDisk(ctx context.Context, host provider.Host, name string) (Disk, error) {
	call := "find boot disk " + name
	token := ""
	for {
		page, err := p.disks.List(ctx, ListRequest{ParentID: host.Project, PageSize: p.cfg.PageSize, PageToken: token})
		if err != nil {
			return Disk{}, classify(call, err)
		}
		for _, d := range page.Items {
			if d.Name != name {
				continue
			}
			if err := checkID("boot disk", d.ID); err != nil {
				return Disk{}, &callError{call, provider.ErrBadResponse, err}
			}
			switch state := strings.ToUpper(d.State); {
			case d.AttachedTo != "" || d.ManagedBy != "":
				return Disk{}, fmt.Errorf("%s: reprovision %s: the boot disk %s of an earlier attempt is held by instance %s: %w",
					Name, quote(host.Instance), quote(name), quote(d.AttachedTo+d.ManagedBy), provider.ErrConflict)
			case state == "CREATING":
				return Disk{}, fmt.Errorf("%s: reprovision %s: the boot disk %s of an earlier attempt is still creating: %w",
					Name, quote(host.Instance), quote(name), provider.ErrRetryableConflict)
			case state != "READY":
				return Disk{}, fmt.Errorf("%s: reprovision %s: the boot disk %s of an earlier attempt is %s: %w",
					Name, quote(host.Instance), quote(name), quote(d.State), provider.ErrConflict)
			}
			return d, nil
		}
		if page.NextPageToken == "" {
			return Disk{}, fmt.Errorf("%s: reprovision %s: a boot disk named %s exists but is not listed: %w", Name, quote(host.Instance), quote(name), provider.ErrConflict)
		}
		if page.NextPageToken == token {
			return Disk{}, &callError{call, provider.ErrBadResponse, errors.New("listing repeated its page token")}
		}
		token = page.NextPageToken
	}
}
