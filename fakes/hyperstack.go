package fakes

import (
	"strconv"

	"github.com/driftless/driftless/hoststate"
)

// planHyperstack is Hyperstack as the seeds' system uses it: stop deletes
// the VM (STOPPING → DELETING → 404) while the volume goes in-use →
// reserved → available; start creates a new VM (CREATING → BUILD → ACTIVE)
// and attaches the volume, and is refused while the old VM exists or the
// volume is not yet available (the stop/start race); hard reboot goes
// HARD_REBOOT → ACTIVE; there is no spot capacity.
//
// Hyperstack refuses to delete a volume that is not detached: a
// deprovision (RawDelete, what the adapter does) deletes the VM as a stop
// does, and deletes the volume only once it is available again.
//
// Hibernation keeps the VM: hibernate (RawHibernate) needs ACTIVE and goes
// HIBERNATING → HIBERNATED, restore (RawResume) needs HIBERNATED and goes
// RESTORING → ACTIVE; the volume stays attached throughout. Create
// (RawCreate) is a start from no VM; a start of a SHUTOFF VM goes
// STARTING → ACTIVE.
func planHyperstack(in planInput, a RawAction) (plan, error) {
	switch a {
	case RawHibernate:
		if in.vm != "ACTIVE" {
			return conflict("the VM", in.vm)
		}
		end := in.after(in.d.Stop)
		return plan{vm: []step{at(in.now, "HIBERNATING"), at(end, "HIBERNATED")}, done: end}, nil
	case RawResume:
		if in.vm != "HIBERNATED" {
			return conflict("the VM", in.vm)
		}
		end := in.after(in.d.Start)
		return plan{vm: []step{at(in.now, "RESTORING"), runningAt(end, "ACTIVE")}, done: end}, nil
	case RawStart, RawCreate:
		if a == RawStart && in.vm == "SHUTOFF" {
			end := in.after(in.d.Start)
			return plan{vm: []step{at(in.now, "STARTING"), runningAt(end, "ACTIVE")}, done: end}, nil
		}
		if in.vmState != hoststate.VMAbsent {
			return conflict("the old VM", in.vm)
		}
		if !in.volExists {
			return notFound("the volume")
		}
		if in.vol != "available" {
			return conflict("the volume", in.vol)
		}
		end := in.after(in.d.Create)
		return plan{
			vm:   []step{freshAt(in.now, "CREATING"), at(in.after(in.d.Create/2), "BUILD"), runningAt(end, "ACTIVE")},
			vol:  []step{at(in.now, "attaching"), at(end, "in-use")},
			done: end,
		}, nil
	case RawStop, RawDeleteVM:
		switch in.vmState {
		case hoststate.VMAbsent:
			return notFound("the VM")
		case hoststate.VMStopping:
			return in.noop()
		}
		return hyperstackVMDeletion(in), nil
	case RawReboot:
		switch in.vmState {
		case hoststate.VMAbsent:
			return notFound("the VM")
		case hoststate.VMRunning:
			end := in.after(in.d.Reboot)
			return plan{vm: []step{at(in.now, "HARD_REBOOT"), at(end, "ACTIVE")}, done: end}, nil
		}
		return conflict("the VM", in.vm)
	case RawDeleteVolume:
		return in.deleteVolume(hyperstackHeld(in.vol), "deleting")
	case RawDelete:
		if in.vmState == hoststate.VMAbsent {
			if !in.volExists {
				return notFound("the VM and its volume")
			}
			if in.vol == "deleting" {
				return in.noop()
			}
			// A volume still detaching is deleted once it is available.
			vol, end := in.volumeDeletion(in.settled, "deleting")
			return plan{vol: vol, done: end}, nil
		}
		p := plan{done: in.settled}
		if in.vmState != hoststate.VMStopping {
			p = hyperstackVMDeletion(in)
		}
		if !in.volExists {
			return p, nil
		}
		// The volume is reserved while its VM goes, then deleted.
		vol, end := in.volumeDeletion(p.done, "deleting")
		if p.vol != nil {
			vol = append(p.vol[:1:1], vol...)
		}
		p.vol, p.done = vol, end
		return p, nil
	}
	return unsupported(Hyperstack, a)
}

// hyperstackVMDeletion is the plan of deleting the VM and keeping the
// volume (the seeds' stop): STOPPING, DELETING half way, gone after
// Durations.Stop; the volume reserved from half way and available
// Durations.VolumeDetach after the VM is gone. The plan is done when the
// volume is available.
func hyperstackVMDeletion(in planInput) plan {
	half, gone := in.after(in.d.Stop/2), in.after(in.d.Stop)
	p := plan{vm: []step{at(in.now, "STOPPING"), at(half, "DELETING"), goneAt(gone)}, done: gone}
	if in.volExists {
		p.done = gone.Add(in.d.VolumeDetach)
		p.vol = []step{at(half, "reserved"), at(p.done, "available")}
	}
	return p
}

// hyperstackAttached reports whether a volume with raw status vol is
// attached to its VM.
func hyperstackAttached(_ bool, vol string) bool {
	return vol == "in-use" || vol == "attaching" || vol == "detaching"
}

// hyperstackHeld reports whether Hyperstack refuses to delete a volume
// with raw status vol: only a detached one (available, or failed) can go.
func hyperstackHeld(vol string) bool { return vol != "available" && vol != "error" }

// hyperstackVMID is a Hyperstack VM id: an integer, new for every VM.
func hyperstackVMID(_ string, n uint64, _ bool) string { return strconv.FormatUint(100+n, 10) }
