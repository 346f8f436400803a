package smoke

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// ErrConfig is matched by the error Run returns for a Config it cannot
// run.
var ErrConfig = errors.New("smoke: invalid config")

// Config configures [Run].
type Config struct {
	// Targets are the providers to run, in order; one run each.
	Targets []Target
	// Time is the run's time. Required.
	Time Time
	// Policy is the reconcile policy of the waiter and the reconciler;
	// zero fields take their defaults.
	Policy hoststate.Policy
	// Timeouts bound each action (waiter.Timeouts defaults).
	Timeouts waiter.Timeouts
	// Interval is the time between the reconcile ticks that settle a host
	// after a create or a crash; default 30 s.
	Interval time.Duration
	// Logger receives the waiter's and reconciler's logs; nil discards.
	Logger *slog.Logger
	// Seed seeds the waiter's and reconciler's jitter (default 1), so
	// runs on a fake clock repeat exactly.
	Seed uint64
}

// Run runs every target's plan in turn and reports each step. It returns
// an error only for a Config it cannot run (ErrConfig); failures of the
// providers or the library are failed steps in the Report. A ctx that
// ends fails the step in flight, skips the rest, and still cleans up what
// the run created (with its own time limit), reporting what remains.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Time == nil {
		return Report{}, fmt.Errorf("%w: nil Time", ErrConfig)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var rep Report
	for i, t := range cfg.Targets {
		run := runTarget(ctx, cfg, t, cfg.Seed+uint64(i))
		rep.Runs = append(rep.Runs, run)
		rep.count(run)
	}
	return rep, nil
}

// harness is one target's run: the store, the components under test
// (rebuilt by restart, as after a crash) and what the checks remember.
type harness struct {
	cfg  Config
	t    Target
	id   string
	caps provider.Capabilities
	st   *checkedStore
	seed uint64
	// cp is where the crash fault kills the driver.
	cp crashPoint

	actions *waiter.Actions
	rec     *reconcile.Reconciler

	// volumeID is the data volume's identity as first seen; vmID the VM
	// id seen last.
	volumeID, vmID string
	// dnsChecks counts the DNS checks made; dnsFailure is the first that
	// failed.
	dnsChecks  int
	dnsFailure *StepResult
	// note is what the step in progress has to add to its detail.
	note string
}

// modeOf names a target's mode.
func modeOf(t Target) string {
	if t.Faults != nil {
		return "faults"
	}
	return "plain"
}

// runTarget runs t's plan and cleans up after it.
func runTarget(ctx context.Context, cfg Config, t Target, seed uint64) RunResult {
	res := RunResult{Provider: t.name(), Mode: modeOf(t)}
	if t.Skip != "" {
		res.Skip = t.Skip
		return res
	}
	if t.Provider == nil || t.Inspector == nil {
		res.Steps = []StepResult{{Step: stepCreate, Outcome: Failed, Expected: "a provider and an inspector", Got: "none", Detail: "invalid target"}}
		return res
	}
	if err := t.Provider.Validate(t.Host); err != nil {
		res.Steps = []StepResult{{Step: stepCreate, Outcome: Failed, Expected: "a valid host", Got: err.Error(), Detail: "invalid target"}}
		return res
	}
	clk := cfg.Time.Clock()
	// The record's id is the host's own: request ids derive from it, and
	// two runs at one provider must not share them.
	h := &harness{cfg: cfg, t: t, id: t.Provider.Name() + "/" + t.Host.Instance, caps: t.Provider.Capabilities(), seed: seed}
	h.st = newCheckedStore(store.NewMemStore(store.MemConfig{Now: clk.Now}), t, h.caps)
	if err := h.restart(); err != nil {
		res.Steps = []StepResult{{Step: stepCreate, Outcome: Failed, Expected: "waiter and reconciler", Got: err.Error()}}
		return res
	}
	defer func() { h.actions.Close() }()

	created := false
	failedAt := ""
	for _, s := range PlanFor(t.Provider, t.Host, t.Faults != nil) {
		r := StepResult{Step: s.Name, Action: actionName(s.Action), Fault: s.Fault}
		switch {
		case s.Skip != "":
			r.Outcome, r.Detail = Skipped, s.Skip
		case s.Name == stepDNS:
			r = h.dnsResult(r)
		case failedAt != "":
			r.Outcome, r.Detail = Skipped, "not run: step "+failedAt+" failed"
		case ctx.Err() != nil:
			r.Outcome, r.Detail = Skipped, "not run: interrupted"
		default:
			start := clk.Now()
			if s.Name == stepCreate {
				created = true
				r = h.create(ctx, r)
			} else {
				r = h.step(ctx, s, r)
			}
			r.Duration = clk.Now().Sub(start)
		}
		if r.Outcome == Failed && failedAt == "" {
			failedAt = s.Name
		}
		res.Steps = append(res.Steps, r)
	}
	if created {
		res.Leftovers = h.cleanup(ctx)
	}
	return res
}

// actionName is a's name, "" for none.
func actionName(a hoststate.Action) string {
	if a == hoststate.ActionNone {
		return ""
	}
	return a.String()
}

// restart builds the components under test anew on the same store, as a
// driver restarted after a crash does: a registry, the waiter and the
// reconciler.
func (h *harness) restart() error {
	if h.actions != nil {
		h.actions.Close()
	}
	h.seed++
	reg, err := kernel.New(kernel.Config{Providers: []provider.Provider{withCrashPoint(h.t.Provider, &h.cp)}, Seed: h.seed})
	if err != nil {
		return err
	}
	clk := h.cfg.Time.Clock()
	wcfg := waiter.Config{Store: h.st, Registry: reg, Clock: clk, Policy: h.cfg.Policy, Logger: h.cfg.Logger,
		Timeouts: h.cfg.Timeouts, Seed: h.seed}
	if d := h.t.DNS; d != nil {
		wcfg.DNS = &waiter.DNS{Name: d.Name, Resolver: d.Resolver}
	}
	actions, err := waiter.New(wcfg)
	if err != nil {
		return err
	}
	rec, err := reconcile.New(reconcile.Config{Store: h.st, Clock: clk, Registry: reg, Policy: h.cfg.Policy,
		Logger: h.cfg.Logger, FullSweepEvery: 1, Interval: h.cfg.Interval, Seed: h.seed})
	if err != nil {
		actions.Close()
		return err
	}
	h.actions, h.rec = actions, rec
	return nil
}

// get reads the host's record.
func (h *harness) get(ctx context.Context) (hoststate.Record, error) { return h.st.Get(ctx, h.id) }

// tick runs one reconcile tick.
func (h *harness) tick(ctx context.Context) error {
	_, err := h.rec.RunOnce(ctx)
	return err
}

// fail fills r as a failure.
func fail(r StepResult, expected, got, detail string) StepResult {
	r.Outcome, r.Expected, r.Got, r.Detail = Failed, expected, got, detail
	return r
}

// create makes the host's resources, stores a never-observed record and
// lets reconcile ticks find it off or deprovisioned, as the provider's own
// view implies.
func (h *harness) create(ctx context.Context, r StepResult) StepResult {
	if h.t.Create != nil {
		if err := h.t.Create(ctx); err != nil {
			return fail(r, "the host's resources created", err.Error(), "")
		}
	}
	if _, err := h.st.Update(ctx, store.Write{Record: hoststate.Record{ID: h.id, Provider: h.t.Provider.Name(), Ref: h.t.Host}, Reason: "smoke: created"}); err != nil {
		return fail(r, "the record stored", err.Error(), "")
	}
	in, err := h.t.Inspector.Inspect(ctx, h.t.Host)
	if err != nil {
		return fail(r, "the provider's view", err.Error(), "")
	}
	want := hoststate.StatusDeprovisioned
	if in.VolumeExists || in.VM != hoststate.VMAbsent {
		want = hoststate.StatusOff
	}
	if h.caps.SeparateVolume {
		if !in.VolumeExists {
			return fail(r, "the data volume created", "no volume", "")
		}
		h.volumeID = in.VolumeID
	}
	rec, err := h.settle(ctx, want, 3*h.cfg.Interval*time.Duration(h.policy().Confirmations+2))
	if err != nil {
		return fail(r, want.String(), rec.Status.String(), err.Error())
	}
	h.vmID = in.VMID
	r.Outcome, r.Detail = OK, fmt.Sprintf("%s (vm %s, volume %s)", rec.Status, orNone(in.RawVM), orNone(in.RawVolume))
	return h.violations(r)
}

// policy is the run's policy with its defaults.
func (h *harness) policy() hoststate.Policy { return h.cfg.Policy.WithDefaults() }

// settle runs reconcile ticks, Interval apart, until the record's status
// is want or limit has passed.
func (h *harness) settle(ctx context.Context, want hoststate.Status, limit time.Duration) (hoststate.Record, error) {
	clk := h.cfg.Time.Clock()
	end := clk.Now().Add(limit)
	for {
		if err := h.tick(ctx); err != nil {
			rec, _ := h.get(ctx)
			return rec, fmt.Errorf("reconcile tick: %w", err)
		}
		rec, err := h.get(ctx)
		if err != nil {
			return rec, err
		}
		if rec.Status == want {
			return rec, nil
		}
		if !clk.Now().Before(end) {
			return rec, fmt.Errorf("not %s after %s of reconcile ticks (%s)", want, limit, describeRecord(rec))
		}
		if err := h.cfg.Time.Sleep(ctx, h.cfg.Interval); err != nil {
			return rec, err
		}
	}
}

// describeRecord says what a record last saw.
func describeRecord(rec hoststate.Record) string {
	s := fmt.Sprintf("status %s, vm %s (%s), volume %s (%s)", rec.Status, rec.Observed, orNone(rec.ProviderStatus), rec.ObservedVolume, orNone(rec.ProviderVolumeStatus))
	if rec.ProbeError != "" {
		s += ", probe error: " + rec.ProbeError
	}
	if rec.Reason != "" {
		s += ", reason: " + rec.Reason
	}
	return s
}

// orNone is s, or "none".
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
