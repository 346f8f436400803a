package provider

import "github.com/driftless/driftless/hoststate"

// HeldVolume is the data volume's state a probe reports for a VM in state
// vm whose volume the provider reports as vol, held telling whether the
// volume is attached to that VM: a running VM without its data volume has
// it transitional, not present — the host does not have its data yet.
func HeldVolume(vm hoststate.VMState, vol hoststate.VolumeState, held bool) hoststate.VolumeState {
	if vm == hoststate.VMRunning && vol == hoststate.VolumePresent && !held {
		return hoststate.VolumeTransitional
	}
	return vol
}
