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
// call, and act on it.
//
// Probe reports not-found as a successful observation with VM
// [hoststate.VMAbsent]; only a failed API call (network, 5xx, 429, auth) is
// an error. Every method validates the host first and returns an error
// matching [ErrInvalidHost] before any request.
//
// What a provider can do is said in one place, [Provider.Supports]: callers
// ask it before they write or send anything, and an action method called
// anyway for an unsupported action returns the same error without a
// request.
type Provider interface {
	// Name is the provider kind, e.g. "gcp"; it matches Record.Provider.
	Name() string
	// Capabilities tells how the provider behaves (stop semantics, native
	// waits, pushed reports); what it can do is Supports.
	Capabilities() Capabilities
	// Supports returns nil when the provider can perform action a on
	// host, or an error matching [ErrUnsupported] that says why (Lambda
	// cannot stop; a host without a launch spec cannot be recreated). It
	// makes no request; support may depend on the host (its launch spec,
	// its stop mode) and on the adapter's configuration.
	Supports(host Host, a hoststate.Action) error
	// Validate checks host for this provider without any request.
	Validate(host Host) error
	// Probe observes the host's VM and data volume.
	Probe(ctx context.Context, host Host) (hoststate.Observation, error)
	// Start starts (or, where stop deletes the VM, recreates) the VM. The
	// Operation is nil when the provider offers no native wait.
	Start(ctx context.Context, host Host) (Operation, error)
	// Stop stops the VM and keeps the data volume.
	Stop(ctx context.Context, host Host) (Operation, error)
	// Reboot restarts a running VM.
	Reboot(ctx context.Context, host Host) (Operation, error)
	// Reprovision recreates the VM of a stopped host around its kept data
	// volume, from the host's launch spec: the old VM is deleted without
	// its data volume and a new one is created with that volume attached
	// (a new VM id, the same volume). Adapters that cannot say so in
	// Supports.
	Reprovision(ctx context.Context, host Host) (Operation, error)
	// Deprovision deletes the host's VM and then its data volume.
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
