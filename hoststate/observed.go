package hoststate

import (
	"errors"
	"fmt"
	"strings"
)

// VMState is a provider's VM state, normalized. Provider tables map their raw
// strings onto these; an unrecognized raw string maps to [VMUnknown], never to
// [VMAbsent] or [VMRunning].
type VMState uint8

// Normalized VM states. The zero value is VMUnknown.
const (
	// VMUnknown: the raw status was not recognized; it never flips a status.
	VMUnknown VMState = iota
	// VMRunning: the VM runs.
	VMRunning
	// VMStarting: the VM is being created, provisioned or booted.
	VMStarting
	// VMStopping: the VM is stopping or being deleted.
	VMStopping
	// VMStopped: the VM exists and is stopped (e.g. GCP TERMINATED).
	VMStopped
	// VMAbsent: the VM does not exist (not found, terminated and gone).
	VMAbsent
	// VMError: the provider reports the VM failed.
	VMError

	numVMStates = iota
)

var vmStateNames = [numVMStates]string{
	VMUnknown:  "unknown",
	VMRunning:  "running",
	VMStarting: "starting",
	VMStopping: "stopping",
	VMStopped:  "stopped",
	VMAbsent:   "absent",
	VMError:    "error",
}

// VolumeState is the normalized state of a host's data volume.
type VolumeState uint8

// Normalized data-volume states. The zero value is VolumeUnknown.
const (
	// VolumeUnknown: the volume's state was not recognized or not checked.
	VolumeUnknown VolumeState = iota
	// VolumePresent: the volume exists and is usable.
	VolumePresent
	// VolumeAbsent: the host's separate data volume does not exist.
	VolumeAbsent
	// VolumeTransitional: the volume exists but is changing (creating,
	// attaching, detaching, Hyperstack "reserved"). Never read as absent.
	VolumeTransitional
	// VolumeNone: the provider keeps no separate data volume (Lambda, a
	// self-hosted VM's own disk), so there is none to lose: a gone VM is
	// deprovisioned, a stopped one off.
	VolumeNone

	numVolumeStates = iota
)

var volumeStateNames = [numVolumeStates]string{
	VolumeUnknown:      "unknown",
	VolumePresent:      "present",
	VolumeAbsent:       "absent",
	VolumeTransitional: "transitional",
	VolumeNone:         "none",
}

// ErrUnknownVMState and ErrUnknownVolumeState are matched by the errors that
// parsing unrecognized names returns.
var (
	ErrUnknownVMState     = errors.New("hoststate: unknown VM state")
	ErrUnknownVolumeState = errors.New("hoststate: unknown volume state")
)

// VMStates returns every VM state in declaration order.
func VMStates() []VMState {
	out := make([]VMState, numVMStates)
	for i := range out {
		out[i] = VMState(i)
	}
	return out
}

// VolumeStates returns every volume state in declaration order.
func VolumeStates() []VolumeState {
	out := make([]VolumeState, numVolumeStates)
	for i := range out {
		out[i] = VolumeState(i)
	}
	return out
}

// Valid reports whether v is a declared VM state.
func (v VMState) Valid() bool { return v < numVMStates }

// String returns the VM state's name.
func (v VMState) String() string {
	if v.Valid() {
		return vmStateNames[v]
	}
	return fmt.Sprintf("VMState(%d)", uint8(v))
}

// ParseVMState parses a normalized VM state name, ignoring case.
func ParseVMState(s string) (VMState, error) {
	t := strings.TrimSpace(s)
	for i, name := range vmStateNames {
		if strings.EqualFold(t, name) {
			return VMState(i), nil
		}
	}
	return VMUnknown, fmt.Errorf("%w %q", ErrUnknownVMState, Truncate(s, MaxQuoted))
}

// MarshalText implements encoding.TextMarshaler.
func (v VMState) MarshalText() ([]byte, error) {
	if !v.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownVMState, uint8(v))
	}
	return []byte(vmStateNames[v]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. On error v is unchanged.
func (v *VMState) UnmarshalText(b []byte) error {
	x, err := ParseVMState(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}

// Valid reports whether v is a declared volume state.
func (v VolumeState) Valid() bool { return v < numVolumeStates }

// String returns the volume state's name.
func (v VolumeState) String() string {
	if v.Valid() {
		return volumeStateNames[v]
	}
	return fmt.Sprintf("VolumeState(%d)", uint8(v))
}

// ParseVolumeState parses a normalized volume state name, ignoring case.
func ParseVolumeState(s string) (VolumeState, error) {
	t := strings.TrimSpace(s)
	for i, name := range volumeStateNames {
		if strings.EqualFold(t, name) {
			return VolumeState(i), nil
		}
	}
	return VolumeUnknown, fmt.Errorf("%w %q", ErrUnknownVolumeState, Truncate(s, MaxQuoted))
}

// MarshalText implements encoding.TextMarshaler.
func (v VolumeState) MarshalText() ([]byte, error) {
	if !v.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownVolumeState, uint8(v))
	}
	return []byte(volumeStateNames[v]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. On error v is unchanged.
func (v *VolumeState) UnmarshalText(b []byte) error {
	x, err := ParseVolumeState(string(b))
	if err != nil {
		return err
	}
	*v = x
	return nil
}
