package providertest

import (
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// Harness connects the suite to one adapter.
type Harness struct {
	// Facts are the adapter package's facts (e.g. gcp.Facts()): the suite
	// checks the adapter answers from them, and reads its tables there.
	Facts provider.Facts
	// New builds a fresh Env for one case — a new simulated cloud, the
	// emulator over it, the adapter pointed at the emulator — and
	// registers its cleanup with t.
	New func(t *testing.T) *Env
}

// Env is one case's world.
type Env struct {
	// Provider is the adapter under test. Its clock must be Cloud's.
	Provider provider.Provider
	// Cloud is the simulated cloud behind the emulator.
	Cloud *fakes.Cloud
	// Host returns a valid host reference, distinct for each n ≥ 0, all
	// in one listing scope. It must set exactly the fields the adapter
	// reads: the suite tries malformed values in each field it sets.
	Host func(n int) provider.Host
	// Create creates the host at the emulator, its VM running or not, as
	// fakes.Cloud.AddHost does; nil means Cloud.AddHost.
	Create func(h provider.Host, running bool) error
	// Requests returns how many requests the emulator has received so
	// far, recognized or not.
	Requests func() int
	// Inject makes the emulator answer requests with f from now on,
	// replacing any fault injected before, and reports whether it can;
	// nil injects nothing (the cases that need it are skipped).
	Inject func(f Fault) bool
	// Sync hands a push-based adapter what its emulator has to report by
	// now (a self-host connector's reports); nil for adapters that ask.
	// The suite calls it before every observation.
	Sync func()
	// PageSize is the adapter's listing page size, so the suite can make
	// a listing of several pages; 0 when the adapter lists in one page.
	PageSize int
}

// FaultKind is a class of failure answer.
type FaultKind uint8

// The failure answers a harness injects, each in its provider's own shape.
const (
	// RateLimited is the provider's rate-limit answer: HTTP 429, gRPC
	// RESOURCE_EXHAUSTED.
	RateLimited FaultKind = iota + 1
	// Unavailable is a server failure: HTTP 503, gRPC UNAVAILABLE.
	Unavailable
	// Refused is a definitive refusal in the provider's envelope carrying
	// Fault.Message: HTTP Fault.Status (400 or 403), gRPC INVALID_ARGUMENT
	// or PERMISSION_DENIED.
	Refused
	// ForeignNotFound is a not-found that is not the provider's: a
	// gateway's or wrong endpoint's 404 without the provider's envelope
	// (gRPC: UNIMPLEMENTED, what a wrong endpoint answers).
	ForeignNotFound
	// Malformed is a success answer that does not parse.
	Malformed
	// Incomplete is a well-formed success answer missing what the
	// provider always sends: a listing page without its count, an item
	// without its id or status.
	Incomplete
)

// String names the kind.
func (k FaultKind) String() string {
	switch k {
	case RateLimited:
		return "rate limited"
	case Unavailable:
		return "unavailable"
	case Refused:
		return "refused"
	case ForeignNotFound:
		return "foreign not found"
	case Malformed:
		return "malformed"
	case Incomplete:
		return "incomplete"
	}
	return "unknown fault"
}

// Fault is one failure answer to inject.
type Fault struct {
	// Kind is the class of the answer.
	Kind FaultKind
	// Listing restricts the fault to listing requests.
	Listing bool
	// Skip is how many of the requests it applies to pass untouched
	// first (1 breaks a listing's second page).
	Skip int
	// Status is a Refused answer's HTTP status: 400 or 403.
	Status int
	// Message is a Refused answer's message: the error must carry it.
	Message string
}
