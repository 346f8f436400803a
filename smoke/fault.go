package smoke

import "fmt"

// Fault is one class of fault the fault mode injects.
type Fault uint8

// The faults, in the order the fault mode rotates through them over a
// plan's steps.
const (
	// FaultNone is no fault.
	FaultNone Fault = iota
	// FaultCreateLag keeps newly created VMs and volumes invisible for a
	// while (eventual consistency after a create).
	FaultCreateLag
	// FaultCrash abandons the action once its provider call is sent, as a
	// driver that crashed would, and restarts: a new waiter and reconciler
	// on the same store must bring the host to the action's goal. It is
	// done by the harness, not injected.
	FaultCrash
	// FaultUnavailable makes a share of calls fail with 5xx answers.
	FaultUnavailable
	// FaultRateLimit makes storms of rate-limit answers (429, or the
	// provider's 403 rateLimitExceeded).
	FaultRateLimit
	// FaultStaleReads keeps deleted VMs and volumes visible, with their
	// last status, for a while after they are gone.
	FaultStaleReads
	numFaults
)

// rotation is the order in which the fault mode gives steps their fault.
var rotation = [...]Fault{FaultCreateLag, FaultCrash, FaultUnavailable, FaultRateLimit, FaultStaleReads}

var faultNames = [numFaults]string{"none", "create-lag", "crash", "5xx", "rate-limit", "stale-reads"}

// String returns the fault's name.
func (f Fault) String() string {
	if f < numFaults {
		return faultNames[f]
	}
	return fmt.Sprintf("Fault(%d)", uint8(f))
}

// MarshalText renders the fault by name (for JSON).
func (f Fault) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText parses a fault's name, as MarshalText writes it.
func (f *Fault) UnmarshalText(b []byte) error {
	for i, n := range faultNames {
		if n == string(b) {
			*f = Fault(i)
			return nil
		}
	}
	return fmt.Errorf("smoke: unknown fault %q", b)
}
