package fakes

import (
	"fmt"
	"strings"

	"github.com/driftless/driftless/hoststate"
)

// planNebius is Nebius compute/v1: stop goes STOPPING → STOPPED and keeps
// the instance, start STARTING → RUNNING, delete DELETING → gone and then
// the disk; there is no reboot; preemption leaves the instance STOPPED.
// Create (RawCreate) makes a new instance, CREATING → STARTING → RUNNING,
// around the kept data disk.
func planNebius(in planInput, a RawAction) (plan, error) {
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
			freshAt(in.now, "CREATING"),
			at(in.after(in.d.Create/2), "STARTING"),
			runningAt(end, "RUNNING"),
		}, done: end}, nil
	case RawDeleteVolume:
		// Refused while the instance exists: it holds the disk.
		return in.deleteVolume(in.vmState != hoststate.VMAbsent, "DELETING")
	case RawStart:
		switch in.vmState {
		case hoststate.VMRunning, hoststate.VMStarting:
			return in.noop()
		case hoststate.VMStopped:
			end := in.after(in.d.Start)
			return plan{vm: []step{at(in.now, "STARTING"), runningAt(end, "RUNNING")}, done: end}, nil
		}
		return conflict("the instance", in.vm)
	case RawStop:
		switch in.vmState {
		case hoststate.VMStopped, hoststate.VMStopping:
			return in.noop()
		case hoststate.VMRunning, hoststate.VMStarting, hoststate.VMError:
			end := in.after(in.d.Stop)
			return plan{vm: []step{at(in.now, "STOPPING"), at(end, "STOPPED")}, done: end}, nil
		}
		return conflict("the instance", in.vm)
	case RawDelete, RawDeleteVM:
		if in.vmState == hoststate.VMAbsent {
			if a == RawDeleteVM || !in.volExists {
				return notFound("the instance")
			}
			vol, end := in.volumeDeletion(in.now, "DELETING")
			return plan{vol: vol, done: end}, nil
		}
		gone := in.after(in.d.Delete)
		vm := []step{at(in.now, "DELETING"), goneAt(gone)}
		if a == RawDeleteVM {
			return plan{vm: vm, done: gone}, nil
		}
		vol, end := in.volumeDeletion(gone, "DELETING")
		return plan{vm: vm, vol: vol, done: end}, nil
	case rawPreempt:
		if in.vmState != hoststate.VMRunning && in.vmState != hoststate.VMStarting {
			return conflict("the instance", in.vm)
		}
		return plan{vm: []step{at(in.now, "STOPPED")}, done: in.now}, nil
	}
	return unsupported(Nebius, a)
}

// nebiusVMID is a Nebius instance id, new for every instance. A host
// referenced by its instance id keeps it for the instance it was added
// with.
func nebiusVMID(instance string, n uint64, first bool) string {
	if first && strings.HasPrefix(instance, "computeinstance-") {
		return instance
	}
	return fmt.Sprintf("computeinstance-e00%012x", n)
}
