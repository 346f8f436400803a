package fakes

import (
	"fmt"
	"hash/fnv"
	"regexp"

	"github.com/driftless/driftless/hoststate"
)

// planLambda is Lambda Cloud: no stop; start launches a new instance
// (booting → active); restart goes booting → active; terminate goes
// terminating → terminated, and a terminated or preempted instance stays
// listed for Durations.Linger before it disappears. There is no separate
// data volume.
//
// A real launch returns a new instance id; the fake keeps Host.Instance
// stable and replaces the old record, so tests need not follow ids.
func planLambda(in planInput, a RawAction) (plan, error) {
	switch a {
	case RawStart, RawCreate:
		if in.vmState != hoststate.VMAbsent {
			return conflict("the instance", in.vm)
		}
		end := in.after(in.d.Create)
		return plan{vm: []step{freshAt(in.now, "booting"), runningAt(end, "active")}, done: end}, nil
	case RawReboot:
		switch in.vmState {
		case hoststate.VMAbsent:
			return notFound("the instance")
		case hoststate.VMRunning, hoststate.VMError:
			end := in.after(in.d.Reboot)
			return plan{vm: []step{at(in.now, "booting"), at(end, "active")}, done: end}, nil
		}
		return conflict("the instance", in.vm)
	case RawDelete, RawDeleteVM:
		switch in.vmState {
		case hoststate.VMAbsent:
			return notFound("the instance")
		case hoststate.VMStopping:
			return in.noop()
		}
		end := in.after(in.d.Delete)
		return plan{vm: []step{at(in.now, "terminating"), at(end, "terminated"), goneAt(end.Add(in.d.Linger))}, done: end}, nil
	case rawPreempt:
		switch in.vmState {
		case hoststate.VMRunning, hoststate.VMStarting, hoststate.VMError:
			return plan{vm: []step{at(in.now, "preempted"), goneAt(in.after(in.d.Linger))}, done: in.now}, nil
		}
		return conflict("the instance", in.vm)
	}
	return unsupported(Lambda, a)
}

// lambdaIDShape is a Lambda instance id: 32 lower-case hex digits.
var lambdaIDShape = regexp.MustCompile(`^[0-9a-f]{32}$`)

// lambdaVMID is a Lambda instance id: 32 hex digits, new for every launch.
// A host referenced by an instance id keeps it for the instance it was
// added with.
func lambdaVMID(instance string, n uint64, first bool) string {
	if first && lambdaIDShape.MatchString(instance) {
		return instance
	}
	h := fnv.New64a()
	h.Write([]byte(instance))
	return fmt.Sprintf("%016x%016x", h.Sum64(), n)
}
