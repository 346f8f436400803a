package fakes

import "github.com/driftless/driftless/hoststate"

// planHyperstack is Hyperstack as the seeds' system uses it: stop deletes
// the VM (STOPPING → DELETING → 404) while the volume goes in-use →
// reserved → available; start creates a new VM (CREATING → BUILD → ACTIVE)
// and attaches the volume, and is refused while the old VM exists or the
// volume is not yet available (the stop/start race); hard reboot goes
// HARD_REBOOT → ACTIVE; there is no spot capacity.
func planHyperstack(in planInput, a RawAction) (plan, error) {
	switch a {
	case RawStart:
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
	case RawStop, rawDeleteVM:
		switch in.vmState {
		case hoststate.VMAbsent:
			return notFound("the VM")
		case hoststate.VMStopping:
			return in.noop()
		}
		half, gone := in.after(in.d.Stop/2), in.after(in.d.Stop)
		p := plan{vm: []step{at(in.now, "STOPPING"), at(half, "DELETING"), goneAt(gone)}, done: gone}
		if in.volExists {
			p.done = gone.Add(in.d.VolumeDetach)
			p.vol = []step{at(half, "reserved"), at(p.done, "available")}
		}
		return p, nil
	case RawReboot:
		switch in.vmState {
		case hoststate.VMAbsent:
			return notFound("the VM")
		case hoststate.VMRunning:
			end := in.after(in.d.Reboot)
			return plan{vm: []step{at(in.now, "HARD_REBOOT"), at(end, "ACTIVE")}, done: end}, nil
		}
		return conflict("the VM", in.vm)
	case RawDelete:
		if in.vmState == hoststate.VMAbsent {
			if !in.volExists {
				return notFound("the VM and its volume")
			}
			vol, end := in.volumeDeletion(in.now, "deleting")
			return plan{vol: vol, done: end}, nil
		}
		gone := in.after(in.d.Delete)
		vol, end := in.volumeDeletion(gone, "deleting")
		return plan{vm: []step{at(in.now, "DELETING"), goneAt(gone)}, vol: vol, done: end}, nil
	}
	return unsupported(Hyperstack, a)
}
