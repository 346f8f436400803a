package fakes

import (
	"fmt"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// RawAction is an action an API call asks of a VM, as [Cloud.Act] takes it.
type RawAction uint8

// The actions of [Cloud.Act]. What each means depends on the kind: RawStop
// deletes a hyperstack VM, RawStart launches a new lambda instance.
// RawDelete is a whole deprovision as the adapters perform it: the VM
// first, the data volume only once the VM is gone (and, at Hyperstack,
// the volume detached). RawDeleteVM and RawDeleteVolume are the two API
// calls behind it, as emulators receive them: RawDeleteVM deletes the VM
// and keeps the volume; RawDeleteVolume deletes a volume and is refused
// (provider.ErrConflict) while it is attached. RawCreate creates a new VM
// (a new id) for a host whose VM is absent, around its kept data volume:
// a GCP instances.insert, a Nebius Create, a Hyperstack create, a Lambda
// launch — what a reprovision does once the old VM is gone. RawHibernate
// is Hyperstack's hibernate (the VM kept, HIBERNATED), RawResume
// Hyperstack's hibernate-restore and Compute Engine's resume of a
// SUSPENDED instance.
const (
	RawStart RawAction = iota + 1
	RawStop
	RawReboot
	RawDelete
	RawDeleteVM
	RawDeleteVolume
	RawCreate
	RawHibernate
	RawResume

	// rawPreempt is an external event planned like an action but never
	// accepted by Act: a spot preemption.
	rawPreempt RawAction = 64 + iota
)

// String returns the action's lower-case name.
func (a RawAction) String() string {
	switch a {
	case RawStart:
		return "start"
	case RawStop:
		return "stop"
	case RawReboot:
		return "reboot"
	case RawDelete:
		return "delete"
	case RawDeleteVM:
		return "delete VM"
	case RawDeleteVolume:
		return "delete volume"
	case RawCreate:
		return "create"
	case RawHibernate:
		return "hibernate"
	case RawResume:
		return "resume"
	case rawPreempt:
		return "preempt"
	}
	return fmt.Sprintf("RawAction(%d)", uint8(a))
}

// public reports whether a is one of the actions Act accepts.
func (a RawAction) public() bool { return a >= RawStart && a <= RawResume }

// planInput is what a kind's planner decides from: the host's state now.
type planInput struct {
	now time.Time
	d   Durations
	// vm is the VM's raw status ("" when it does not exist) and vmState
	// its normalized state (VMAbsent when it does not exist).
	vm      string
	vmState hoststate.VMState
	// vol is the volume's raw status, volExists whether it exists.
	vol       string
	volExists bool
	// settled is when everything already scheduled is done: the done time
	// of an action that changes nothing.
	settled time.Time
}

// plan is a planner's answer: the new schedules (nil keeps the current
// one) and when the action's operation is done.
type plan struct {
	vm, vol []step
	done    time.Time
}

// after returns the time d after the plan's start.
func (in planInput) after(d time.Duration) time.Time { return in.now.Add(d) }

// noop is the plan of an action with nothing left to do: its operation is
// done when what is already scheduled is.
func (in planInput) noop() (plan, error) { return plan{done: in.settled}, nil }

// conflict refuses an action because of the current status of what ("the
// VM", "the volume").
func conflict(what, status string) (plan, error) {
	return plan{}, fmt.Errorf("%w: %s is %q", provider.ErrConflict, what, status)
}

// notFound refuses an action whose target does not exist.
func notFound(what string) (plan, error) {
	return plan{}, fmt.Errorf("%w: %s does not exist", provider.ErrNotFound, what)
}

// unsupported refuses an action the kind cannot do.
func unsupported(kind string, a RawAction) (plan, error) {
	return plan{}, fmt.Errorf("%w: %s cannot %s", provider.ErrUnsupported, kind, a)
}

// at returns a step to status at t.
func at(t time.Time, status string) step { return step{at: t, status: status} }

// goneAt returns a step that deletes the resource at t.
func goneAt(t time.Time) step { return step{at: t, gone: true} }

// runningAt returns a step to a running status at t that gives the VM a new
// public address.
func runningAt(t time.Time, status string) step {
	return step{at: t, status: status, newAddr: true}
}

// freshAt returns a step creating a new VM with status at t.
func freshAt(t time.Time, status string) step { return step{at: t, status: status, fresh: true} }

// volumeDeletion deletes the volume: deleting from t, gone d later. It
// returns nil when there is no volume.
func (in planInput) volumeDeletion(t time.Time, deleting string) ([]step, time.Time) {
	if !in.volExists {
		return nil, t
	}
	end := t.Add(in.d.VolumeDelete)
	return []step{at(t, deleting), goneAt(end)}, end
}

// deleteVolume is the plan of RawDeleteVolume at a provider that refuses to
// delete a volume still held (held says whether it is): deleting from now,
// gone Durations.VolumeDelete later; a volume already deleting is a no-op.
func (in planInput) deleteVolume(held bool, deleting string) (plan, error) {
	switch {
	case !in.volExists:
		return notFound("the volume")
	case in.vol == deleting:
		return in.noop()
	case held:
		return conflict("the volume", in.vol)
	}
	vol, end := in.volumeDeletion(in.now, deleting)
	return plan{vol: vol, done: end}, nil
}
