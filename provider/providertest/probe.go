package providertest

import (
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// checkProbe probes h and compares the observation with the ground truth.
func (w *world) checkProbe(what string, h provider.Host) hoststate.Observation {
	w.t.Helper()
	got := w.probe(h)
	if diff := cmp.Diff(w.expect(h), got); diff != "" {
		w.t.Errorf("%s: Probe disagrees with the ground truth (-truth +probe):\n%s", what, diff)
	}
	return got
}

// testProbeRunning: a running host is observed as it is.
func testProbeRunning(w *world) {
	h := w.Host(0)
	w.create(h, true)
	obs := w.checkProbe("running host", h)
	if obs.VM != hoststate.VMRunning || obs.RawVM == "" {
		w.t.Errorf("running host: VM %s (%q), want running", obs.VM, obs.RawVM)
	}
	if w.facts.Capabilities.SeparateVolume && obs.Volume != hoststate.VolumePresent {
		w.t.Errorf("running host: volume %s (%q), want present", obs.Volume, obs.RawVolume)
	}
	if !w.facts.Capabilities.SeparateVolume && obs.Volume != hoststate.VolumeNone {
		w.t.Errorf("a provider without a separate volume reports volume %s", obs.Volume)
	}
}

// testProbeStopped: a host created stopped is what the provider shows for
// a stopped host (stopped; VM gone and volume kept where a stop deletes
// the VM; nothing at all where there is no stop).
func testProbeStopped(w *world) {
	h := w.Host(0)
	w.create(h, false)
	obs := w.checkProbe("stopped host", h)
	if s, ok := hoststate.Implied(obs.VM, obs.Volume); !ok || (s != hoststate.StatusOff && s != hoststate.StatusDeprovisioned) {
		w.t.Errorf("stopped host: %s/%s implies %s, want off (or deprovisioned where there is no stop)", obs.VM, obs.Volume, s)
	}
}

// testProbeDeleted: a VM deleted behind the control plane's back (from the
// provider's console) is absent — a successful observation, not an error —
// and its data volume is kept.
func testProbeDeleted(w *world) {
	h := w.Host(0)
	w.create(h, true)
	if err := w.Cloud.ConsoleDelete(w.facts.Name, h); err != nil {
		w.t.Fatal(err)
	}
	w.settle(nil, h, func(tr fakes.Truth) bool { return tr.VM == hoststate.VMAbsent }, nil)
	obs := w.checkProbe("deleted VM", h)
	if obs.VM != hoststate.VMAbsent {
		w.t.Errorf("deleted VM: %s (%q), want absent", obs.VM, obs.RawVM)
	}
}

// testProbeNeverCreated: a host the provider never had is absent, VM and
// volume — the provider's own not-found is an observation. A push-based
// adapter never heard of it, so it cannot tell: unknown, never absent.
func testProbeNeverCreated(w *world) {
	h := w.Host(7)
	w.create(w.Host(0), true) // the provider is reachable and knows others
	obs := w.probe(h)
	want := hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
	if !w.facts.Capabilities.SeparateVolume {
		want.Volume = hoststate.VolumeNone
	}
	if w.facts.Capabilities.PushReports {
		if obs.VM != hoststate.VMUnknown {
			w.t.Errorf("a VM no connector ever reported: %s, want unknown", obs.VM)
		}
		return
	}
	if diff := cmp.Diff(want, obs); diff != "" {
		w.t.Errorf("never-created host (-want +probe):\n%s", diff)
	}
}

// garbage is a raw status no provider has: it must read unknown.
const garbage = "SOMETHING_NEW_42"

// unsendable reports whether got is how a wire that carries statuses as
// enum numbers (gRPC) renders the garbage status: a number the enum does
// not define, which the adapter names, never as a status it knows.
func unsendable(want, got string) bool {
	return want == garbage && strings.HasPrefix(got, "UNKNOWN(")
}

// testProbeEveryStatus: every raw VM and volume status of the adapter's
// tables, set at the provider and read through the wire, normalizes as the
// table says; a status no table has is unknown.
func testProbeEveryStatus(w *world) {
	h := w.Host(0)
	w.create(h, true)
	for _, row := range append(w.facts.VMStates.Rows(), provider.VMRow{Raw: garbage, VM: hoststate.VMUnknown}) {
		if err := w.Cloud.SetVMStatus(w.facts.Name, h, row.Raw); err != nil {
			w.t.Fatal(err)
		}
		obs := w.probe(h)
		if obs.VM != row.VM || (obs.RawVM != row.Raw && !unsendable(row.Raw, obs.RawVM)) {
			w.t.Errorf("VM status %q: probe says %s (%q), want %s", row.Raw, obs.VM, obs.RawVM, row.VM)
		}
	}
	if !w.facts.Capabilities.SeparateVolume {
		return
	}
	if err := w.Cloud.SetVMStatus(w.facts.Name, h, w.facts.VMStates.Rows()[0].Raw); err != nil {
		w.t.Fatal(err)
	}
	for _, row := range append(w.facts.VolumeStates.Rows(), provider.VolumeRow{Raw: garbage, Volume: hoststate.VolumeUnknown}) {
		if err := w.Cloud.SetVolumeStatus(w.facts.Name, h, row.Raw); err != nil {
			w.t.Fatal(err)
		}
		obs := w.probe(h)
		if obs.Volume != row.Volume || (obs.RawVolume != row.Raw && !unsendable(row.Raw, obs.RawVolume)) {
			w.t.Errorf("volume status %q: probe says %s (%q), want %s", row.Raw, obs.Volume, obs.RawVolume, row.Volume)
		}
	}
}
