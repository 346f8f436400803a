package providertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// testCase is one conformance check.
type testCase struct {
	name string
	run  func(w *world)
}

// cases is the suite: one entry per check. A new contract adds its cases
// here.
func cases() []testCase {
	return []testCase{
		{"Facts", testFacts},
		{"ProbeRunning", testProbeRunning},
		{"ProbeStopped", testProbeStopped},
		{"ProbeDeleted", testProbeDeleted},
		{"ProbeNeverCreated", testProbeNeverCreated},
		{"ProbeEveryStatus", testProbeEveryStatus},
		{"ListPages", testListPages},
		{"ListMalformedPage", listBrokenPage(Malformed)},
		{"ListIncompletePage", listBrokenPage(Incomplete)},
		{"Start", testStart},
		{"Stop", testStop},
		{"Reboot", testReboot},
		{"Deprovision", testDeprovision},
		{"Reprovision", testReprovision},
		{"NotOurs", testNotOurs},
		{"DeprovisionAfterVMGone", testDeprovisionAfterVMGone},
		{"StartFromEveryStoppedStatus", testStartFromEveryStoppedStatus},
		{"StopWithLocalSSD", testStopWithLocalSSD},
		{"StartWhileStopping", testStartWhileStopping},
		{"VolumeNotAttached", testVolumeNotAttached},
		{"ForeignNotFound", testForeignNotFound},
		{"ErrorClasses", testErrorClasses},
		{"Overridden", testOverridden},
		{"InvalidHost", testInvalidHost},
		{"Unsupported", testUnsupported},
		{"Redirect", testRedirect},
		{"Redaction", testRedaction},
		{"SecretEcho", testSecretEcho},
		{"CallTimeout", testCallTimeout},
	}
}

// Run runs every case against the harness's adapter, one subtest each,
// each on a fresh Env.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil || h.Facts.Validate == nil || h.Facts.Supports == nil {
		t.Fatal("providertest: the Harness needs New and the adapter's Facts")
	}
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			env := h.New(t)
			if env == nil || env.Provider == nil || env.Cloud == nil || env.Host == nil || env.Requests == nil {
				t.Fatal("providertest: New must return an Env with Provider, Cloud, Host and Requests")
			}
			c.run(&world{t: t, facts: h.Facts, Env: env})
		})
	}
}

// world is one case's Env with the suite's helpers.
type world struct {
	t     *testing.T
	facts provider.Facts
	*Env
}

// ctx is the context of every call: the case's own.
func (w *world) ctx() context.Context { return w.t.Context() }

// sync delivers pushed reports, where the adapter has them.
func (w *world) sync() {
	if w.Sync != nil {
		w.Sync()
	}
}

// create creates h at the emulator and fails the case on error.
func (w *world) create(h provider.Host, running bool) {
	w.t.Helper()
	create := w.Create
	if create == nil {
		create = func(h provider.Host, running bool) error { return w.Cloud.AddHost(w.facts.Name, h, running) }
	}
	if err := create(h, running); err != nil {
		w.t.Fatalf("create %+v: %v", h, err)
	}
	w.sync()
}

// truth is the ground truth of h.
func (w *world) truth(h provider.Host) fakes.Truth { return w.Cloud.Truth(w.facts.Name, h) }

// probe probes h through the adapter and fails the case on error.
func (w *world) probe(h provider.Host) hoststate.Observation {
	w.t.Helper()
	w.sync()
	obs, err := w.Provider.Probe(w.ctx(), h)
	if err != nil {
		w.t.Fatalf("Probe(%s): %v", h.Instance, err)
	}
	return obs
}

// expect is what a perfect probe of h sees now: the ground truth.
func (w *world) expect(h provider.Host) hoststate.Observation {
	return w.truth(h).Observation()
}

// supports reports whether the adapter supports a on h.
func (w *world) supports(h provider.Host, a hoststate.Action) bool {
	return w.Provider.Supports(h, a) == nil
}

// maxSteps bounds a settle: half an hour of simulated seconds.
const maxSteps = 1800

// settle waits for an action: it runs op's Wait (if op is set) and moves
// the fake clock a second at a time — only while Wait sleeps on it, so the
// adapter's polls happen at the times they ask for — until Wait returned
// and until holds. check sees the ground truth at every step. It returns
// Wait's error.
func (w *world) settle(op provider.Operation, h provider.Host, until func(fakes.Truth) bool, check func(fakes.Truth)) error {
	w.t.Helper()
	clock := w.Cloud.Clock()
	var (
		done  chan struct{} // closed once op's Wait returned opErr
		opErr error
	)
	if op != nil {
		done = make(chan struct{})
		go func() { opErr = op.Wait(w.ctx()); close(done) }()
	}
	for range maxSteps {
		w.sync()
		tr := w.truth(h)
		if check != nil {
			check(tr)
		}
		if done == nil && until(tr) {
			return opErr
		}
		if done != nil && w.waitIdle(done) {
			done = nil
			continue
		}
		clock.Advance(time.Second)
	}
	w.t.Fatalf("%s %s: not settled after %d simulated seconds; truth %+v", w.facts.Name, h.Instance, maxSteps, w.truth(h))
	return nil
}

// waitIdle blocks until the operation's Wait returned (finished) or sleeps
// on the fake clock. A Wait that does neither for a minute of real time is
// stuck.
func (w *world) waitIdle(done <-chan struct{}) (finished bool) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx(), time.Minute)
	defer cancel()
	finished, err := w.Cloud.Clock().WaitIdle(ctx, 1, done)
	if err != nil {
		w.t.Fatalf("the operation's Wait neither returned nor waited on the clock: %v", err)
	}
	return finished
}

// implies returns a settle condition: the ground truth implies status s.
func implies(s hoststate.Status) func(fakes.Truth) bool {
	return func(tr fakes.Truth) bool {
		got, ok := hoststate.Implied(tr.VM, tr.Volume)
		return ok && got == s
	}
}

// isInvalidHost reports whether err is the contract's invalid-host error.
func isInvalidHost(err error) bool {
	var he *provider.HostError
	return errors.Is(err, provider.ErrInvalidHost) && errors.As(err, &he)
}
