package providertest

import (
	"errors"
	"strings"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// failedProbe probes h under fault f and returns the error; it skips the
// case when the harness cannot inject f, and fails it when the probe
// succeeds or returns an observation with its error.
func (w *world) failedProbe(h provider.Host, f Fault) error {
	w.t.Helper()
	if w.Inject == nil || !w.Inject(f) {
		w.t.Skipf("the harness cannot inject %s answers", f.Kind)
	}
	w.sync()
	obs, err := w.Provider.Probe(w.ctx(), h)
	if err == nil {
		w.t.Fatalf("Probe under a %s answer succeeded: %+v", f.Kind, obs)
	}
	if obs != (hoststate.Observation{}) {
		w.t.Errorf("a failed probe returned an observation: %+v", obs)
	}
	return err
}

// testForeignNotFound: only the provider's own not-found is absence. A 404
// from a gateway or a wrong endpoint, without the provider's envelope, is
// an error — else a misrouted base URL would make every host look gone.
func testForeignNotFound(w *world) {
	h := w.Host(0)
	w.create(h, true)
	err := w.failedProbe(h, Fault{Kind: ForeignNotFound})
	if errors.Is(err, provider.ErrNotFound) || provider.Transient(err) {
		w.t.Errorf("a foreign 404: %v; want a definitive error that is not provider.ErrNotFound", err)
	}
}

// refusal is the message of the refusals the suite injects; forged is what
// it carries after a newline, which must not reach a log as a line of its
// own.
const (
	refusal = "driftless-conformance: refused for a reason only the provider knows"
	forged  = "\nlevel=ERROR msg=forged"
)

// testErrorClasses: rate limits (in each shape the provider sends them)
// and server failures are transient (worth a backoff); refusals (400)
// and quota or capacity refusals are provider.ErrRefused, a permission
// failure (403) is not (it says nothing about the host), and all carry the
// provider's message, quoted so that a newline in it cannot forge a log
// line, on probes and actions alike.
func testErrorClasses(w *world) {
	h := w.Host(0)
	w.create(h, true)
	for _, c := range []struct {
		f     Fault
		check func(error) bool
		want  string
	}{
		{Fault{Kind: RateLimited}, func(err error) bool { return errors.Is(err, provider.ErrRateLimited) && provider.Transient(err) }, "a transient provider.ErrRateLimited"},
		{Fault{Kind: RateLimited, Status: 429}, func(err error) bool { return errors.Is(err, provider.ErrRateLimited) && provider.Transient(err) }, "a transient provider.ErrRateLimited"},
		{Fault{Kind: Unavailable}, func(err error) bool { return errors.Is(err, provider.ErrUnavailable) && provider.Transient(err) }, "a transient provider.ErrUnavailable"},
		{Fault{Kind: Refused, Status: 400, Message: refusal + forged}, refused, "a provider.ErrRefused with the provider's message, quoted"},
		{Fault{Kind: Refused, Status: 403, Message: refusal + forged}, func(err error) bool { return definitive(err) && !errors.Is(err, provider.ErrRefused) },
			"an error with the provider's message that is no provider.ErrRefused: a permission failure says nothing about the host"},
		{Fault{Kind: QuotaExceeded, Message: refusal + forged}, func(err error) bool { return refused(err) && !errors.Is(err, provider.ErrRateLimited) },
			"a provider.ErrRefused with the provider's message, never a rate limit"},
	} {
		if w.Inject == nil || !w.Inject(c.f) {
			w.t.Logf("the harness cannot inject %s %d answers", c.f.Kind, c.f.Status)
			continue
		}
		if err := w.failedProbe(h, c.f); !c.check(err) {
			w.t.Errorf("Probe under %s %d: %v; want %s", c.f.Kind, c.f.Status, err, c.want)
		}
		for _, a := range []hoststate.Action{hoststate.ActionStop, hoststate.ActionReboot, hoststate.ActionDeprovision} {
			if !w.supports(h, a) {
				continue
			}
			w.Inject(c.f)
			if _, err := provider.ActionCall(w.Provider, a)(w.ctx(), h); err == nil || !c.check(err) {
				w.t.Errorf("%s under %s %d: %v; want %s", a, c.f.Kind, c.f.Status, err, c.want)
			}
			break
		}
	}
}

// refused reports a definitive refusal that fails an action: a
// provider.ErrRefused carrying the provider's message.
func refused(err error) bool { return definitive(err) && errors.Is(err, provider.ErrRefused) }

// definitive reports a refusal: not transient, not a not-found, and
// carrying the provider's message with no raw newline.
func definitive(err error) bool {
	return err != nil && !provider.Transient(err) && !errors.Is(err, provider.ErrNotFound) &&
		strings.Contains(err.Error(), refusal) && !strings.Contains(err.Error(), "\n")
}

// testOverridden: an action whose operation a later operation overtook
// (Nebius ABORTED) ends with provider.ErrOverridden — drift for the
// reconciler — never provider.ErrOperationFailed.
func testOverridden(w *world) {
	h := w.Host(0)
	w.create(h, true)
	a := hoststate.ActionStop
	if !w.supports(h, a) {
		w.t.Skipf("%s cannot stop", w.facts.Name)
	}
	if w.Inject == nil || !w.Inject(Fault{Kind: Overridden}) {
		w.t.Skip("the harness cannot inject overtaken operations")
	}
	op, err := provider.ActionCall(w.Provider, a)(w.ctx(), h)
	if err != nil {
		w.t.Fatalf("%s: %v", a, err)
	}
	if op == nil {
		w.t.Skip("the adapter has no operations to overtake")
	}
	err = w.settle(op, h, func(fakes.Truth) bool { return true }, nil)
	if !errors.Is(err, provider.ErrOverridden) || errors.Is(err, provider.ErrOperationFailed) {
		w.t.Errorf("an overtaken %s: %v, want provider.ErrOverridden and not ErrOperationFailed", a, err)
	}
}
