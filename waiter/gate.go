package waiter

import "github.com/driftless/driftless/hoststate"

// ReadyToStart is the gate before a start or reprovision (docs/ARCHITECTURE.md
// Invariant 8): any previous VM is settled — stopped, gone, or already
// running or in error, never still stopping, being deleted or starting —
// and the data volume is visible and not changing. volumeExpected says the
// host has a data volume to keep: then it must be present (a volume not
// yet visible again must not make the provider start without it);
// otherwise an absent volume is fine too (a host provisioned anew, or a
// provider without separate volumes).
//
// It is the Hyperstack stop/start race from the original control plane: a start sent while
// the old VM is still DELETING, or its volume still "reserved", fails.
func ReadyToStart(volumeExpected bool) Condition {
	c := Condition{
		VM:     []hoststate.VMState{hoststate.VMStopped, hoststate.VMAbsent, hoststate.VMRunning, hoststate.VMError},
		Volume: []hoststate.VolumeState{hoststate.VolumePresent},
	}
	if !volumeExpected {
		c.Volume = append(c.Volume, hoststate.VolumeAbsent, hoststate.VolumeNone)
	}
	return c
}
