package smoke

import (
	"context"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/waiter"
)

// Target is one provider under test and the one host the run creates on
// it and owns.
type Target struct {
	// Name names the target in reports when Provider is nil (a skipped
	// target); otherwise the provider's Name is used.
	Name string
	// Provider is the adapter under test. Required unless Skip is set.
	Provider provider.Provider
	// Host is the reference of the host the run creates: everything it
	// names must be the run's own (real runs put their -prefix in it).
	Host provider.Host
	// Create makes what the host needs before the library can start it —
	// its data volume, or the stopped VM and its volume — or nil when the
	// provider's start creates everything (a launch).
	Create func(ctx context.Context) error
	// Inspector reads the provider's own view of the host, independent of
	// the control plane. Required unless Skip is set.
	Inspector Inspector
	// Faults injects the fault mode's faults at this provider; nil: the
	// target runs without the fault mode.
	Faults Injector
	// DNS, when set, is how the host's name resolves: starts are checked
	// to be reported only once it resolves, stops to leave it.
	DNS *DNSCheck
	// Sync, when set, runs before every reconcile tick and every probe
	// the harness makes (a self-host connector's reports being delivered).
	Sync func()
	// Skip, when not empty, skips the whole target with this reason
	// (missing credentials): nothing is created or called.
	Skip string
}

// name is the target's provider name, or "?" without one.
func (t Target) name() string {
	if t.Provider == nil {
		if t.Name == "" {
			return "?"
		}
		return t.Name
	}
	return t.Provider.Name()
}

// Inspection is the provider's own view of a host at one moment.
type Inspection struct {
	// VM is the VM's normalized state (VMAbsent when there is none), RawVM
	// the provider's string, VMID its immutable id, Address its public
	// address.
	VM      hoststate.VMState
	RawVM   string
	VMID    string
	Address string
	// VolumeExists reports whether the data volume exists at all;
	// VolumeID is its identity (an immutable id where the provider has
	// one, else its reference), RawVolume the provider's status string.
	VolumeExists bool
	VolumeID     string
	RawVolume    string
}

// Inspector answers, from the provider itself, what the harness checks
// the control plane against.
type Inspector interface {
	// Inspect reads the host's VM and data volume now.
	Inspect(ctx context.Context, host provider.Host) (Inspection, error)
	// Leftovers lists what of host still exists at the provider, in
	// words ("vm smoke-1 (RUNNING)"): empty once it is all gone.
	Leftovers(ctx context.Context, host provider.Host) ([]string, error)
}

// Injector turns the fault mode's faults on and off at one provider.
type Injector interface {
	// Inject turns f on; it stays on until Clear.
	Inject(f Fault) error
	// Clear turns every fault off.
	Clear() error
}

// DNSCheck is how a target's host names resolve.
type DNSCheck struct {
	// Name returns the host's DNS name ("" for none).
	Name func(rec hoststate.Record) string
	// Resolver answers the lookups.
	Resolver waiter.Resolver
}
