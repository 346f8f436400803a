package fakes

import "github.com/driftless/driftless/hoststate"

// planSelfHost is a self-host connector driving a local VM manager: the
// connector reports the manager's states (running, stopped, ...) and
// "not_found" for a missing VM. Start goes starting → running, stop
// stopping → stopped, reboot starting → running, delete stopping →
// not_found. There is no separate data volume and no spot capacity.
func planSelfHost(in planInput, a RawAction) (plan, error) {
	if in.vmState == hoststate.VMAbsent && a != RawDeleteVolume {
		return notFound("the VM")
	}
	switch a {
	case RawStart:
		switch in.vmState {
		case hoststate.VMRunning, hoststate.VMStarting:
			return in.noop()
		case hoststate.VMStopped, hoststate.VMError:
			end := in.after(in.d.Start)
			return plan{vm: []step{at(in.now, "starting"), runningAt(end, "running")}, done: end}, nil
		}
		return conflict("the VM", in.vm)
	case RawStop:
		switch in.vmState {
		case hoststate.VMStopped, hoststate.VMStopping:
			return in.noop()
		case hoststate.VMRunning, hoststate.VMStarting, hoststate.VMError:
			end := in.after(in.d.Stop)
			return plan{vm: []step{at(in.now, "stopping"), at(end, "stopped")}, done: end}, nil
		}
		return conflict("the VM", in.vm)
	case RawReboot:
		if in.vmState != hoststate.VMRunning {
			return conflict("the VM", in.vm)
		}
		end := in.after(in.d.Reboot)
		return plan{vm: []step{at(in.now, "starting"), at(end, "running")}, done: end}, nil
	case RawDelete, RawDeleteVM:
		end := in.after(in.d.Delete)
		return plan{vm: []step{at(in.now, "stopping"), goneAt(end)}, done: end}, nil
	}
	return unsupported(SelfHost, a)
}
