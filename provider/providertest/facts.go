package providertest

import (
	"errors"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// testFacts: the adapter answers from its package's Facts — the single
// source the simulated cloud takes them from too.
func testFacts(w *world) {
	p, f := w.Provider, w.facts
	if p.Name() != f.Name {
		w.t.Errorf("Name() = %q, Facts.Name = %q", p.Name(), f.Name)
	}
	if p.Capabilities() != f.Capabilities {
		w.t.Errorf("Capabilities() = %+v, Facts.Capabilities = %+v", p.Capabilities(), f.Capabilities)
	}
	if f.Capabilities.SeparateVolume != (f.VolumeStates.Name() != "") {
		w.t.Errorf("SeparateVolume is %v but the volume table is %q", f.Capabilities.SeparateVolume, f.VolumeStates.Name())
	}
	h := w.Host(0)
	if err := p.Validate(h); err != nil {
		w.t.Fatalf("Validate(Host(0)) = %v: the harness's host must be valid", err)
	}
	for _, v := range hostVariants(h) {
		got, want := p.Validate(v.host), f.Validate(v.host)
		var gotHE, wantHE *provider.HostError
		switch {
		case (got == nil) != (want == nil):
			w.t.Errorf("Validate(%s %q) = %v, Facts.Validate says %v", v.field, v.value, got, want)
		case got != nil && (!errors.As(got, &gotHE) || !errors.As(want, &wantHE) || gotHE.Field != wantHE.Field):
			w.t.Errorf("Validate(%s %q) = %v, Facts.Validate says %v", v.field, v.value, got, want)
		}
	}
	for _, a := range append(hoststate.Actions(), hoststate.ActionNone, hoststate.Action(250)) {
		got, want := p.Supports(h, a), f.Supports(h, a)
		if (got == nil) != (want == nil) {
			w.t.Errorf("Supports(%s) = %v, Facts.Supports says %v", a, got, want)
		}
		if got != nil && !errors.Is(got, provider.ErrUnsupported) {
			w.t.Errorf("Supports(%s) = %v, which does not match provider.ErrUnsupported", a, got)
		}
	}
	if !hoststate.ActionNone.Valid() && p.Supports(h, hoststate.ActionNone) == nil {
		w.t.Error("Supports(ActionNone) = nil: no action is not an action")
	}
	l, lists := p.(provider.Lister)
	if lists != (f.Scope != nil) {
		w.t.Fatalf("the adapter lists: %v; Facts.Scope set: %v", lists, f.Scope != nil)
	}
	if lists {
		for n := range 3 {
			if got, want := l.Scope(w.Host(n)), f.Scope(w.Host(n)); got != want {
				w.t.Errorf("Scope(Host(%d)) = %q, Facts.Scope says %q", n, got, want)
			}
		}
	}
	if w.Requests() != 0 {
		w.t.Errorf("answering from facts sent %d requests", w.Requests())
	}
}
