package providertest

import (
	"testing"
	"time"

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
	// OwnershipLabels says that the provider has labels and the hosts of
	// Host are found by name: the adapter must refuse to act on a VM of
	// the host's name that lacks its ownership labels
	// (provider.ErrNotOurs) and send nothing.
	OwnershipLabels bool
	// Secret is the credential the adapter sends ("" when the adapter
	// holds none): it must never appear in an error, a log or a rendering
	// of Provider or Config, even when the provider echoes it back.
	Secret string
	// Config is the adapter's configuration value (e.g. a
	// hyperstack.Config), rendered by the suite through fmt, JSON and
	// slog, by value and by pointer; nil skips those renderings.
	Config any
	// CallTimeout is the adapter's per-call timeout as the harness set it
	// (short, so the case takes little time): a call that hangs must end
	// within about it even when the caller's context allows hours; 0
	// skips the case.
	CallTimeout time.Duration
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
	// QuotaExceeded is the provider's quota or capacity refusal carrying
	// Fault.Message (GCP 403 quotaExceeded, Nebius RESOURCE_EXHAUSTED with
	// a QuotaFailure detail, Lambda global/quota-exceeded): definitive,
	// never a rate limit.
	QuotaExceeded
	// Overridden makes the next action's operation end aborted by a later
	// operation (Nebius ABORTED): the action happened, and was overtaken.
	Overridden
	// Redirect is a redirect (HTTP 307) to Fault.Location: the adapter
	// must not follow it, and must send its credentials nowhere else.
	Redirect
	// Hang never answers.
	Hang
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
	case QuotaExceeded:
		return "quota exceeded"
	case Overridden:
		return "overridden"
	case Redirect:
		return "redirect"
	case Hang:
		return "hang"
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
	// Status is a Refused answer's HTTP status (400 or 403), or the
	// status of a RateLimited answer in a shape other than the provider's
	// usual one (429 at Compute Engine, whose usual one is a 403); 0 means
	// the usual one.
	Status int
	// Message is a Refused or QuotaExceeded answer's message: the error
	// must carry it.
	Message string
	// Location is where a Redirect points.
	Location string
}
