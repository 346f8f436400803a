package hyperstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Deprovision implements provider.Provider. Hyperstack refuses to delete a
// volume its VM still holds (HTTP 400 "The Volume is currently attached to
// vm ... Please detach it"), and deleting a VM takes time, so Deprovision
// deletes every VM of the host's name and returns an Operation whose Wait
// deletes the volume once Hyperstack lets it go: when the VM is gone, or
// the volume already detached (available). Wait polls every
// Config.PollInterval on Config.Clock and retries state refusals (a VM
// still being created, the volume still attached) and transient failures
// until its context ends: the action's deadline bounds the retries. Call
// Wait: the volume is deleted inside it.
//
// With neither a VM nor the volume left the error matches
// provider.ErrNotFound.
func (p *Provider) Deprovision(ctx context.Context, host provider.Host) (provider.Operation, error) {
	if err := checkHost(host); err != nil {
		return nil, err
	}
	vms, err := p.findVMs(ctx, host.Instance)
	if err != nil {
		return nil, err
	}
	for _, v := range vms {
		// Someone else's VM of the name is never deleted, nor is anything
		// else sent for the host.
		if err := p.checkOurs(host, v); err != nil {
			return nil, err
		}
	}
	op := &deprovision{p: p, host: host, deletes: vmDeletes{}}
	if err := op.deletes.send(ctx, p, vms); err != nil {
		return nil, err
	}
	if len(vms) == 0 {
		switch _, err := p.getVolume(ctx, host.Volume); {
		case errors.Is(err, provider.ErrNotFound):
			return nil, fmt.Errorf("%s: deprovision %s: the VM and volume %s are already gone: %w",
				Name, rest.Quote(host.Instance), host.Volume, provider.ErrNotFound)
		case err != nil:
			return nil, err
		}
	}
	return op, nil
}

// deprovision is the rest of a Deprovision: the volume's delete, once
// Hyperstack allows it.
type deprovision struct {
	p       *Provider
	host    provider.Host
	deletes vmDeletes // the VMs' deletes
}

// Name implements provider.Operation. Hyperstack has no operation ids; the
// name says what is being waited for.
func (o *deprovision) Name() string { return "deprovision " + o.host.Instance }

// Wait implements provider.Operation: it returns nil once the volume's
// delete was accepted (or the volume is gone), a definitive failure at
// once, and ctx's error, wrapped with the last refusal, when ctx ends
// first.
func (o *deprovision) Wait(ctx context.Context) error { return o.p.poll(ctx, o.Name(), o.step) }

// poll runs step every Config.PollInterval on Config.Clock until it is
// done: state refusals and transient failures are retried (after a rate
// limit's hint, when longer), a definitive failure returns at once, and
// when ctx ends first its error is returned wrapped with the last
// refusal.
func (p *Provider) poll(ctx context.Context, name string, step func(context.Context) (bool, error)) error {
	var last error
	for {
		done, err := step(ctx)
		switch {
		case done:
			return nil
		case err != nil && !errors.Is(err, provider.ErrConflict) && !provider.Transient(err):
			return err
		case err != nil:
			last = err
			p.cfg.Logger.DebugContext(ctx, "hyperstack: retrying", slog.String("operation", name), slog.String("error", err.Error()))
		}
		if err := clock.Sleep(ctx, p.cfg.Clock, max(p.cfg.PollInterval, provider.RetryAfter(err))); err != nil {
			if last != nil {
				return fmt.Errorf("%s: %s: %w (last refusal: %w)", Name, name, err, last)
			}
			return fmt.Errorf("%s: %s: %w", Name, name, err)
		}
	}
}

// step looks once: it resends refused VM deletes and, when the volume can
// go, deletes it. done means the volume is deleted or gone.
func (o *deprovision) step(ctx context.Context) (done bool, err error) {
	vms, err := o.p.findVMs(ctx, o.host.Instance)
	if err != nil {
		return false, err
	}
	if err := o.deletes.resend(ctx, o.p, vms); err != nil {
		return false, err
	}
	if len(vms) > 0 {
		vol, err := o.p.getVolume(ctx, o.host.Volume)
		switch {
		case errors.Is(err, provider.ErrNotFound):
			return true, nil
		case err != nil:
			return false, err
		case !strings.EqualFold(vol.Status, "available"):
			return false, nil // still held by the VM going away
		}
	}
	_, err = o.p.call(ctx, "delete volume "+o.host.Volume, http.MethodDelete, []string{"core", "volumes", o.host.Volume}, nil, nil)
	if err == nil || errors.Is(err, provider.ErrNotFound) {
		return true, nil
	}
	return false, err
}
