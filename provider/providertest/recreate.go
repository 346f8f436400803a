package providertest

import (
	"errors"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// testReprovision: a stopped host is recreated around its kept data
// volume: the volume exists at every step, the host runs at the end on a
// new VM (a new id where the provider has ids), and a probe agrees.
func testReprovision(w *world) {
	h := w.Host(0)
	w.create(h, false)
	before := w.truth(h)
	sep := w.facts.Capabilities.SeparateVolume
	w.act(hoststate.ActionReprovision, h, func(tr fakes.Truth) {
		if sep && !tr.VolumeExists {
			w.t.Fatalf("the data volume is gone during the reprovision: %+v", tr)
		}
	})
	after := w.truth(h)
	if sep && (!after.VolumeExists || !after.VolumeAttached) {
		w.t.Errorf("after reprovision the data volume is not the new VM's: %+v", after)
	}
	if before.VMID != "" && after.VMID == before.VMID {
		w.t.Errorf("after reprovision the VM id is still %s: not a new VM", after.VMID)
	}
	if after.VMID == "" && before.VMID == "" && after.VMExists && w.facts.Name != "selfhost" {
		w.t.Errorf("the new VM has no id: %+v", after)
	}
}

// testNotOurs: a VM of the host's name that someone else made (without the
// host's ownership labels) is never acted on: every action refuses with a
// *provider.NotOursError naming the VM found, and the VM is as it was.
func testNotOurs(w *world) {
	if !w.OwnershipLabels {
		w.t.Skipf("%s hosts are not found by name on a provider with labels", w.facts.Name)
	}
	h := w.Host(0)
	w.create(h, true)
	if err := w.Cloud.ReplaceVM(w.facts.Name, h, map[string]string{"owner": "someone-else"}); err != nil {
		w.t.Fatal(err)
	}
	foreign := w.truth(h)
	for _, a := range []hoststate.Action{hoststate.ActionStop, hoststate.ActionReboot, hoststate.ActionStart,
		hoststate.ActionReprovision, hoststate.ActionDeprovision} {
		if !w.supports(h, a) {
			continue
		}
		_, err := provider.ActionCall(w.Provider, a)(w.ctx(), h)
		var no *provider.NotOursError
		if !errors.Is(err, provider.ErrNotOurs) || !errors.As(err, &no) || no.VMID != foreign.VMID {
			w.t.Errorf("%s of someone else's VM (id %s): %v, want a *provider.NotOursError with its id", a, foreign.VMID, err)
		}
		w.Cloud.Clock().Advance(time.Minute)
		if tr := w.truth(h); tr.VMID != foreign.VMID || tr.RawVM != foreign.RawVM {
			w.t.Fatalf("%s changed someone else's VM: %+v, was %+v", a, tr, foreign)
		}
	}
}

// testDeprovisionAfterVMGone: a host whose VM is already gone with its
// volume left — a deprovision interrupted between its two deletes, or a VM
// deleted in the console — is finished by the next Deprovision.
func testDeprovisionAfterVMGone(w *world) {
	if !w.facts.Capabilities.SeparateVolume {
		w.t.Skipf("%s has no separate data volume", w.facts.Name)
	}
	h := w.Host(0)
	w.create(h, true)
	if err := w.Cloud.ConsoleDelete(w.facts.Name, h); err != nil {
		w.t.Fatal(err)
	}
	w.settle(nil, h, func(tr fakes.Truth) bool { return !tr.VMExists && tr.Volume == hoststate.VolumePresent }, nil)
	w.act(hoststate.ActionDeprovision, h, nil)
	if tr := w.truth(h); tr.VolumeExists {
		w.t.Errorf("after deprovision the volume is still there: %+v", tr)
	}
}

// testStartFromEveryStoppedStatus: every raw status the tables read as
// stopped starts (GCP resumes a SUSPENDED instance instead, Hyperstack
// restores a HIBERNATED VM).
func testStartFromEveryStoppedStatus(w *world) {
	rows := 0
	for i, row := range w.facts.VMStates.Rows() {
		if row.VM != hoststate.VMStopped {
			continue
		}
		rows++
		h := w.Host(i)
		w.create(h, true)
		if err := w.Cloud.SetVMStatus(w.facts.Name, h, row.Raw); err != nil {
			w.t.Fatal(err)
		}
		w.sync()
		w.t.Logf("start from %s", row.Raw)
		w.act(hoststate.ActionStart, h, nil)
	}
	if rows == 0 {
		w.t.Skipf("%s has no stopped status", w.facts.Name)
	}
}

// testStopWithLocalSSD: a VM with Local SSDs stops (GCP refuses a stop
// that does not say what becomes of them).
func testStopWithLocalSSD(w *world) {
	h := w.Host(0)
	w.create(h, true)
	if err := w.Cloud.SetLocalSSD(w.facts.Name, h, true); err != nil {
		w.t.Fatal(err)
	}
	w.act(hoststate.ActionStop, h, nil)
}

// testStartWhileStopping: a start sent while the previous stop still
// settles (the VM still stopping or deleting, its name or volume not yet
// free) is accepted or refused as worth retrying — never definitively —
// and a start resent on that advice succeeds: the waiter retries
// transient errors within the action's deadline.
func testStartWhileStopping(w *world) {
	h := w.Host(0)
	w.create(h, true)
	if !w.supports(h, hoststate.ActionStop) || !w.supports(h, hoststate.ActionStart) {
		w.t.Skipf("%s cannot stop and start", w.facts.Name)
	}
	if w.facts.Capabilities.PushReports {
		w.t.Skip("a connector orders the starts and stops it is sent")
	}
	if _, err := w.Provider.Stop(w.ctx(), h); err != nil {
		w.t.Fatal(err)
	}
	var op provider.Operation
	retried := 0
	for range maxSteps {
		var err error
		op, err = w.Provider.Start(w.ctx(), h)
		if err == nil {
			break
		}
		if !provider.Transient(err) {
			w.t.Fatalf("a start while the stop settles (truth %+v): %v, want success or a transient error", w.truth(h), err)
		}
		retried++
		w.Cloud.Clock().Advance(time.Second)
	}
	w.t.Logf("the start was refused as transient %d times", retried)
	if err := w.settle(op, h, implies(hoststate.StatusRunning), nil); err != nil {
		w.t.Fatalf("the start's Wait: %v", err)
	}
	w.checkProbe("after a start sent during a stop", h)
}

// testVolumeNotAttached: a running VM whose data volume is not attached
// to it (the volume exists, but another VM or none holds it) reports the
// volume transitional, not present: the host does not have its data.
func testVolumeNotAttached(w *world) {
	if !w.facts.Capabilities.SeparateVolume {
		w.t.Skipf("%s has no separate data volume", w.facts.Name)
	}
	h := w.Host(0)
	w.create(h, true)
	if err := w.Cloud.DetachVolume(w.facts.Name, h); err != nil {
		w.t.Fatal(err)
	}
	if obs := w.checkProbe("a running VM without its volume", h); obs.Volume != hoststate.VolumeTransitional {
		w.t.Errorf("a running VM without its volume: volume %s (%q), want transitional", obs.Volume, obs.RawVolume)
	}
}
