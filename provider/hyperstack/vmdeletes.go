package hyperstack

import (
	"context"
	"errors"

	"github.com/driftless/driftless/provider"
)

// vmDeletes deletes a host's VMs for a deprovision or a reprovision and
// keeps the ones Hyperstack refused to delete for their state (a VM still
// being created), so a later look sends their delete again.
type vmDeletes map[int64]bool

// send deletes each of vms; a state refusal is kept for resend, not
// returned, and a VM already gone is no error.
func (d vmDeletes) send(ctx context.Context, p *Provider, vms []vm) error {
	for _, v := range vms {
		switch err := p.deleteVM(ctx, v.ID); {
		case err == nil, errors.Is(err, provider.ErrNotFound):
		case errors.Is(err, provider.ErrConflict):
			d[v.ID] = true
		default:
			return err
		}
	}
	return nil
}

// resend sends the refused deletes of vms, the VMs still there, again; a
// delete refused once more stays kept and its error is returned (the
// caller's poll retries conflicts).
func (d vmDeletes) resend(ctx context.Context, p *Provider, vms []vm) error {
	for _, v := range vms {
		if !d[v.ID] {
			continue
		}
		if err := p.deleteVM(ctx, v.ID); err != nil && !errors.Is(err, provider.ErrNotFound) {
			return err
		}
		delete(d, v.ID)
	}
	return nil
}
