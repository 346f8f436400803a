package fakes

import (
	"strconv"

	"github.com/driftless/driftless/hoststate"
)

// planGCP is Compute Engine: a stopped instance is TERMINATED and still
// exists with its disks; start goes PROVISIONING → STAGING → RUNNING, stop
// STOPPING → TERMINATED, reset keeps RUNNING, delete removes the instance
// and then its data disk; preemption leaves the instance TERMINATED. A
// SUSPENDED instance comes back only with resume (STAGING → RUNNING);
// insert (RawCreate) makes a new instance around the kept data disk and
// is refused while one of that name exists.
func planGCP(in planInput, a RawAction) (plan, error) {
	if in.vmState == hoststate.VMAbsent && a != RawDelete && a != RawDeleteVolume && a != RawCreate {
		return notFound("the instance")
	}
	switch a {
	case RawCreate:
		if in.vmState != hoststate.VMAbsent {
			return conflict("an instance of that name", in.vm)
		}
		if !in.volExists || in.vol == "DELETING" {
			return notFound("the disk")
		}
		end := in.after(in.d.Create)
		return plan{vm: []step{
			freshAt(in.now, "PROVISIONING"),
			at(in.after(in.d.Create/2), "STAGING"),
			runningAt(end, "RUNNING"),
		}, done: end}, nil
	case RawResume:
		if in.vm != "SUSPENDED" {
			return conflict("the instance", in.vm)
		}
		end := in.after(in.d.Start)
		return plan{vm: []step{at(in.now, "STAGING"), runningAt(end, "RUNNING")}, done: end}, nil
	case RawDeleteVolume:
		// Refused while the instance exists: it holds the disk.
		return in.deleteVolume(in.vmState != hoststate.VMAbsent, "DELETING")
	case RawStart:
		switch {
		case in.vmState == hoststate.VMRunning, in.vmState == hoststate.VMStarting:
			return in.noop()
		case in.vm == "SUSPENDED":
			// "Instance is suspended": only resume brings it back.
			return conflict("the instance", in.vm)
		case in.vmState == hoststate.VMStopped:
			end := in.after(in.d.Start)
			return plan{vm: []step{
				at(in.now, "PROVISIONING"),
				at(in.after(in.d.Start/2), "STAGING"),
				runningAt(end, "RUNNING"),
			}, done: end}, nil
		}
		return conflict("the instance", in.vm)
	case RawStop:
		switch in.vmState {
		case hoststate.VMStopped, hoststate.VMStopping:
			return in.noop()
		case hoststate.VMRunning, hoststate.VMStarting, hoststate.VMError:
			end := in.after(in.d.Stop)
			return plan{vm: []step{at(in.now, "STOPPING"), at(end, "TERMINATED")}, done: end}, nil
		}
		return conflict("the instance", in.vm)
	case RawReboot:
		// A reset is a hard restart that GCE reports as RUNNING throughout.
		if in.vmState != hoststate.VMRunning {
			return conflict("the instance", in.vm)
		}
		return plan{done: in.after(in.d.Reboot)}, nil
	case RawDelete, RawDeleteVM:
		if in.vmState == hoststate.VMAbsent {
			if a == RawDeleteVM || !in.volExists {
				return notFound("the instance")
			}
			vol, end := in.volumeDeletion(in.now, "DELETING")
			return plan{vol: vol, done: end}, nil
		}
		gone := in.after(in.d.Delete)
		vm := []step{goneAt(gone)}
		if in.vmState != hoststate.VMStopped {
			vm = []step{at(in.now, "STOPPING"), goneAt(gone)}
		}
		if a == RawDeleteVM {
			return plan{vm: vm, done: gone}, nil
		}
		vol, end := in.volumeDeletion(gone, "DELETING")
		return plan{vm: vm, vol: vol, done: end}, nil
	case rawPreempt:
		if in.vmState != hoststate.VMRunning && in.vmState != hoststate.VMStarting {
			return conflict("the instance", in.vm)
		}
		return plan{vm: []step{at(in.now, "TERMINATED")}, done: in.now}, nil
	}
	return unsupported(GCP, a)
}

// gcpVMID is a Compute Engine instance id: a decimal number, new for every
// instance, even one recreated under the same name.
func gcpVMID(_ string, n uint64, _ bool) string {
	return strconv.FormatUint(4_100_000_000_000_000_000+n, 10)
}
