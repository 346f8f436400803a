package smoke

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/waiter"
)

// step performs one action of the plan under its fault, runs a reconcile
// tick and checks the outcome against the provider's own view.
func (h *harness) step(ctx context.Context, s Step, r StepResult) StepResult {
	h.note = ""
	cur, err := h.get(ctx)
	if err != nil {
		return fail(r, "the host's record", err.Error(), "")
	}
	act := s.Action
	if act == hoststate.ActionStart && cur.Status == hoststate.StatusOff && !h.caps.StopDeletesVM && h.caps.SeparateVolume {
		// A provider whose start only starts an existing VM creates one
		// around the kept volume by reprovisioning.
		if in, err := h.t.Inspector.Inspect(ctx, h.t.Host); err == nil && in.VM == hoststate.VMAbsent && h.t.Provider.Supports(h.t.Host, hoststate.ActionReprovision) == nil {
			act = hoststate.ActionReprovision
			r.Action = act.String()
		}
	}
	if !hoststate.Allowed(cur.Status, act) {
		r.Outcome, r.Detail = Skipped, fmt.Sprintf("the host is %s, where %s is not allowed", cur.Status, act)
		return r
	}
	before, err := h.t.Inspector.Inspect(ctx, h.t.Host)
	if err != nil {
		return fail(r, "the provider's view before the step", err.Error(), "")
	}
	if s.Fault != FaultNone && s.Fault != FaultCrash {
		if err := h.t.Faults.Inject(s.Fault); err != nil {
			return fail(r, "the fault injected", err.Error(), "")
		}
	}
	goal := act.Goal()
	var rec hoststate.Record
	if s.Fault == FaultCrash {
		rec, err = h.crash(ctx, act, goal)
	} else {
		rec, err = h.perform(ctx, act)
	}
	if err != nil {
		h.clearFaults()
		return fail(r, goal.String(), rec.Status.String(), err.Error())
	}
	dns := ""
	if s.Fault != FaultCrash {
		// After a crash the reconciler settles the host, which holds
		// nothing back for DNS: only the waiter's reports are checked.
		dns = h.checkDNS(ctx, act, rec)
	}
	// The loop must agree with what the waiter wrote: a tick, still under
	// the fault, changes nothing.
	tickErr := h.tick(ctx)
	h.clearFaults()
	if tickErr != nil {
		return fail(r, "a reconcile tick", tickErr.Error(), "")
	}
	after, err := h.get(ctx)
	if err != nil {
		return fail(r, "the host's record", err.Error(), "")
	}
	if after.Status != rec.Status {
		return fail(r, rec.Status.String()+" after a reconcile tick", after.Status.String(), "the reconciler disagrees with the waiter: "+describeRecord(after))
	}
	if r = h.checkProvider(ctx, r, act, before, after); r.Outcome == Failed {
		return r
	}
	if dns != "" {
		r.Detail += ", " + dns
	}
	if h.note != "" {
		r.Detail += "; " + h.note
	}
	return h.violations(r)
}

// perform runs act through the waiter, as a control plane's request
// does: Begin, then the Handle's outcome.
func (h *harness) perform(ctx context.Context, act hoststate.Action) (hoststate.Record, error) {
	var (
		rec hoststate.Record
		err error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var hd *waiter.Handle
		if hd, err = h.actions.Begin(ctx, h.id, act); err != nil {
			return
		}
		rec, err = hd.Wait(ctx)
	}()
	if werr := h.cfg.Time.Await(ctx, done); werr != nil {
		// Begin's action goes on past ctx; Close ends it.
		h.closeActions()
		<-done
		return rec, werr
	}
	return rec, err
}

// closeActions closes the waiter, letting time pass while its actions
// wind down.
func (h *harness) closeActions() {
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		h.actions.Close()
	}()
	_ = h.cfg.Time.Await(context.Background(), closed)
}

// crash begins act, abandons it once the provider call is sent — the
// driver crashed — and restarts: a new waiter and reconciler on the same
// store, whose reconcile ticks must bring the host to goal from the
// provider's ground truth.
func (h *harness) crash(ctx context.Context, act hoststate.Action, goal hoststate.Status) (hoststate.Record, error) {
	sent := h.cp.arm()
	defer h.cp.disarm()
	var err error
	began, either := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(began)
		_, err = h.actions.Begin(ctx, h.id, act)
	}()
	go func() {
		defer close(either)
		select {
		case <-sent:
		case <-began:
		}
	}()
	// Once the call is sent, nothing under test moves (the crash point
	// holds the waiter without a timer of its own), so the clock stands
	// still until the crash.
	werr := h.cfg.Time.Await(ctx, either)
	h.closeActions()
	<-began
	if err == nil {
		err = werr
	}
	if err != nil {
		rec, _ := h.get(ctx)
		return rec, err
	}
	if err := h.restart(); err != nil {
		rec, _ := h.get(ctx)
		return rec, fmt.Errorf("restarting: %w", err)
	}
	cur, err := h.get(ctx)
	if err != nil {
		return cur, err
	}
	// Past its deadline the action is orphaned and the reconciler settles
	// the host from what the provider says; before, it accepts the
	// action's expected outcome.
	limit := cur.Deadline.Sub(h.cfg.Time.Clock().Now()) + h.cfg.Interval*time.Duration(h.policy().Confirmations+2)
	rec, err := h.settle(ctx, goal, limit)
	if err == nil {
		return rec, nil
	}
	// The provider's part may need the driver itself (a deprovision whose
	// volume delete waits in the Operation): then the reconciler must have
	// settled the host where the provider left it, and the user's resend
	// of the action must finish it.
	in, ierr := h.t.Inspector.Inspect(ctx, h.t.Host)
	if ierr != nil {
		return rec, fmt.Errorf("after a crash mid-%s: %w; the provider's view: %w", act, err, ierr)
	}
	want, reason := h.implied(in), ""
	if act == hoststate.ActionDeprovision && want == hoststate.StatusOff && in.VM == hoststate.VMAbsent {
		// Half deprovisioned: an error to finish, never off.
		want, reason = hoststate.StatusError, hoststate.ReasonDeprovisionUnfinished
	}
	if rec.Status != want || (reason != "" && rec.Reason != reason) {
		return rec, fmt.Errorf("after a crash mid-%s: the reconciler left %s (%s) where the provider implies %s %s (vm %s, volume %s): %w",
			act, rec.Status, rec.Reason, want, reason, orNone(in.RawVM), orNone(in.RawVolume), err)
	}
	if rec, err = h.perform(ctx, act); err != nil {
		return rec, fmt.Errorf("resending %s after the crash: %w", act, err)
	}
	h.note = fmt.Sprintf("the crash left the provider's part half done (vm %s, volume %s), the reconciler settled %s, the resent %s finished it",
		orNone(in.RawVM), orNone(in.RawVolume), want, act)
	return rec, nil
}

// implied is the status the provider's view implies for a settled host.
func (h *harness) implied(in Inspection) hoststate.Status {
	switch {
	case in.VM == hoststate.VMRunning:
		return hoststate.StatusRunning
	case in.VM != hoststate.VMAbsent && in.VM != hoststate.VMStopped:
		return hoststate.StatusUnknown
	case in.VM == hoststate.VMStopped || (h.caps.SeparateVolume && in.VolumeExists):
		return hoststate.StatusOff
	}
	return hoststate.StatusDeprovisioned
}

// clearFaults turns the target's faults off.
func (h *harness) clearFaults() {
	if h.t.Faults != nil {
		// A fault that cannot be cleared shows as the next step's failure.
		_ = h.t.Faults.Clear()
	}
}

// checkProvider checks the settled record against the provider's own
// view after act; before is that view from before the action.
func (h *harness) checkProvider(ctx context.Context, r StepResult, act hoststate.Action, before Inspection, rec hoststate.Record) StepResult {
	in, err := h.t.Inspector.Inspect(ctx, h.t.Host)
	if err != nil {
		return fail(r, "the provider's view", err.Error(), "")
	}
	if rec.Status != act.Goal() {
		return fail(r, act.Goal().String(), rec.Status.String(), describeRecord(rec))
	}
	switch rec.Status {
	case hoststate.StatusRunning:
		if in.VM != hoststate.VMRunning {
			return fail(r, "the provider's VM running", fmt.Sprintf("%s (%s)", in.VM, orNone(in.RawVM)), "")
		}
		if in.Address == "" || rec.Address != in.Address {
			return fail(r, "the record's address "+orNone(in.Address), orNone(rec.Address), "")
		}
		if rec.VMID != "" && in.VMID != "" && rec.VMID != in.VMID {
			return fail(r, "the record's VM id "+in.VMID, rec.VMID, "")
		}
		if act == hoststate.ActionReprovision && before.VMID != "" && in.VMID == before.VMID {
			return fail(r, "a new VM", "VM id "+in.VMID+" unchanged", "")
		}
		r.Detail = fmt.Sprintf("running (%s) at %s, vm id %s", in.RawVM, in.Address, orNone(in.VMID))
	case hoststate.StatusOff:
		switch {
		case in.VM == hoststate.VMStopped:
		case in.VM == hoststate.VMAbsent && h.caps.StopDeletesVM:
		default:
			want := "stopped"
			if h.caps.StopDeletesVM {
				want = "stopped or deleted"
			}
			return fail(r, "the provider's VM "+want, fmt.Sprintf("%s (%s)", in.VM, orNone(in.RawVM)), "")
		}
		r.Detail = fmt.Sprintf("off (vm %s, volume %s)", orNone(in.RawVM), orNone(in.RawVolume))
	case hoststate.StatusDeprovisioned:
		left, err := h.t.Inspector.Leftovers(ctx, h.t.Host)
		if err != nil {
			return fail(r, "the provider's leftovers", err.Error(), "")
		}
		if len(left) > 0 {
			return fail(r, "nothing left behind", fmt.Sprint(left), "")
		}
		r.Outcome, r.Detail = OK, "deprovisioned, nothing left behind"
		return r
	}
	if h.caps.SeparateVolume {
		if !in.VolumeExists {
			return fail(r, "the data volume "+h.volumeID, "no volume", "")
		}
		if in.VolumeID != h.volumeID {
			return fail(r, "the data volume "+h.volumeID, "volume "+in.VolumeID, "the volume was replaced")
		}
		r.Detail += ", same volume " + in.VolumeID
	}
	h.vmID = in.VMID
	r.Outcome = OK
	return r
}

// checkDNS checks, for a target that names its hosts, that a start is
// reported done only once the name resolves to the address, and that a
// stop leaves the name resolving. It returns what it saw, "" for nothing
// checked, and records a failure for the dns step.
func (h *harness) checkDNS(ctx context.Context, act hoststate.Action, rec hoststate.Record) string {
	d := h.t.DNS
	if d == nil {
		return ""
	}
	name := d.Name(rec)
	if name == "" {
		return ""
	}
	h.dnsChecks++
	addrs, err := d.Resolver.LookupHost(ctx, name)
	switch act.Goal() {
	case hoststate.StatusRunning:
		if err != nil || !slices.Contains(addrs, rec.Address) {
			h.dnsFailed(act, name+" resolving to "+rec.Address+" when the start is reported", fmt.Sprintf("%v %v", addrs, err))
			return ""
		}
		return name + " resolves"
	case hoststate.StatusOff:
		if err != nil || len(addrs) == 0 {
			h.dnsFailed(act, name+" still resolving after the stop", fmt.Sprintf("%v %v", addrs, err))
			return ""
		}
		return name + " kept"
	}
	h.dnsChecks--
	return ""
}

// dnsFailed records the first DNS failure.
func (h *harness) dnsFailed(act hoststate.Action, want, got string) {
	if h.dnsFailure == nil {
		h.dnsFailure = &StepResult{Expected: want, Got: got, Detail: "after " + act.String()}
	}
}

// dnsResult is the dns step: the DNS checks made during the run.
func (h *harness) dnsResult(r StepResult) StepResult {
	switch {
	case h.t.DNS == nil:
		r.Outcome, r.Detail = Skipped, "the provider gives hosts no name"
	case h.dnsFailure != nil:
		r = fail(r, h.dnsFailure.Expected, h.dnsFailure.Got, h.dnsFailure.Detail)
	case h.dnsChecks == 0:
		r.Outcome, r.Detail = Skipped, "no start or stop ran"
	default:
		r.Outcome, r.Detail = OK, fmt.Sprintf("%d checks: ready only once resolving, kept by stops", h.dnsChecks)
	}
	return r
}

// violations fails r if an invariant was broken during the step.
func (h *harness) violations(r StepResult) StepResult {
	v := h.st.take()
	if len(v) == 0 || r.Outcome == Failed {
		return r
	}
	return fail(r, "no invariant broken", v[0], fmt.Sprintf("%d violations", len(v)))
}
