package hoststate

// Observation is what one successful provider probe saw: the VM and its data
// volume, in one reading. A probe that failed is not an observation; pass it
// to [Record.Observe] with Err set so only error bookkeeping changes.
type Observation struct {
	// VM is the normalized VM state.
	VM VMState
	// Volume is the normalized data-volume state. Providers with no separate
	// data volume report VolumeNone (the shells set it from the provider's
	// capabilities, whatever an adapter says).
	Volume VolumeState
	// Address is the public address the provider reports ("" if none).
	Address string
	// RawVM and RawVolume are the provider's own strings, kept for display
	// and debugging (e.g. "TERMINATED", "reserved").
	RawVM, RawVolume string
	// VMID is the provider's immutable id of the VM seen, "" when the
	// adapter does not report one. A different id than the record's means
	// the VM was recreated: its first-boot setup runs again.
	VMID string
	// Unreachable reports that the provider answered but cannot see the VM:
	// a self-host connector silent beyond its TTL. The host becomes
	// unknown, never off.
	Unreachable bool
	// Err, when non-nil, marks a failed probe (network, 5xx, 429, auth). The
	// other fields are then ignored and the status never changes.
	Err error
}
