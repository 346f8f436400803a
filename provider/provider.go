package provider

import (
	"context"

	"github.com/driftless/driftless/hoststate"
)

// Host is a host's reference at its provider (instance, zone/region/project,
// volume, labels). It is the same type the control plane stores in
// [hoststate.Record].Ref: one definition of the concept.
type Host = hoststate.Ref

// Provider is one cloud's adapter: probe a host's VM and data volume in one
// call, and start or stop it.
//
// Probe reports not-found as a successful observation with VM
// [hoststate.VMAbsent]; only a failed API call (network, 5xx, 429, auth) is
// an error. Every method validates the host first and returns an error
// matching [ErrInvalidHost] before any request.
type Provider interface {
	// Name is the provider kind, e.g. "gcp"; it matches Record.Provider.
	Name() string
	// Capabilities tells what the provider can do and how it behaves.
	Capabilities() Capabilities
	// Validate checks host for this provider without any request.
	Validate(host Host) error
	// Probe observes the host's VM and data volume.
	Probe(ctx context.Context, host Host) (hoststate.Observation, error)
	// Start starts (or, where stop deletes the VM, recreates) the VM. The
	// Operation is nil when the provider offers no native wait.
	Start(ctx context.Context, host Host) (Operation, error)
	// Stop stops the VM and keeps the data volume. Providers that cannot
	// stop return an error matching [ErrUnsupported].
	Stop(ctx context.Context, host Host) (Operation, error)
}

// Rebooter is implemented by providers that can restart a running VM.
type Rebooter interface {
	Reboot(ctx context.Context, host Host) (Operation, error)
}

// Deprovisioner is implemented by providers that can delete a host's VM and
// data volume.
type Deprovisioner interface {
	Deprovision(ctx context.Context, host Host) (Operation, error)
}

// Operation is a provider-native long-running operation (GCP, Nebius).
type Operation interface {
	// Name identifies the operation at the provider.
	Name() string
	// Wait blocks until the provider reports the operation done, and
	// returns the operation's own error if it finished with one. Done is
	// necessary, not sufficient: callers verify the host with a probe.
	Wait(ctx context.Context) error
}

// Capabilities describes how a provider behaves, so callers need no
// per-provider switches.
type Capabilities struct {
	// CanStop is false where stopping means deprovisioning (Lambda).
	CanStop bool
	// StopDeletesVM: a stop deletes the VM and keeps the data volume, and a
	// start recreates it (Hyperstack; Nebius with a persistent data disk).
	StopDeletesVM bool
	// SeparateVolume: the host has a data volume probed apart from the VM.
	SeparateVolume bool
	// NativeWait: Start/Stop return an Operation with a provider-side wait.
	NativeWait bool
	// PushReports: state arrives as pushed reports (self-host connector),
	// so waiters subscribe instead of polling.
	PushReports bool
}
