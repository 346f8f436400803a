package fakes_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/gcp"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/provider/nebius"
	"github.com/driftless/driftless/provider/selfhost"
)

// adapterFacts are the real adapters' facts, which the fakes must follow.
var adapterFacts = map[string]provider.Facts{
	fakes.GCP: gcp.Facts(), fakes.Nebius: nebius.Facts(), fakes.Hyperstack: hyperstack.Facts(),
	fakes.Lambda: lambda.Facts(), fakes.SelfHost: selfhost.Facts(),
}

// badIDs are reference values no adapter accepts: each would break a URL
// path or a log line.
var badIDs = []string{
	"", "a/b", "a?b", "a#b", "a%2fb", "a b", "a\tb", "a\nb", "..", "a..b",
	"a\\b", "a\x00b", "\xff\xfe", strings.Repeat("a", 129), "../etc",
}

// variantsOf returns h and h with each of its set fields replaced by each
// bad id.
func variantsOf(h provider.Host) []provider.Host {
	out := []provider.Host{h}
	for _, set := range []func(*provider.Host, string){
		func(h *provider.Host, v string) { h.Instance = v },
		func(h *provider.Host, v string) { h.Volume = v },
		func(h *provider.Host, v string) { h.Project = v },
		func(h *provider.Host, v string) { h.Zone = v },
	} {
		for _, id := range badIDs {
			v := h
			set(&v, id)
			out = append(out, v)
		}
	}
	return out
}

// TestValidateIsTheAdapters checks that the fakes accept exactly the
// hosts the real adapters accept, with the same HostError field, and that
// a refused host costs no counted call.
func TestValidateIsTheAdapters(t *testing.T) {
	for _, kind := range fakes.Kinds() {
		facts := adapterFacts[kind]
		c, _ := newCloud(t, 1)
		p := c.Provider(kind)
		for _, h := range variantsOf(hostFor(kind, "ok")) {
			want := facts.Validate(h)
			got := p.Validate(h)
			var wantHE, gotHE *provider.HostError
			switch {
			case (want == nil) != (got == nil):
				t.Errorf("%s Validate(%+q) = %v, the adapter says %v", kind, h.Instance, got, want)
				continue
			case want == nil:
				continue
			case !errors.As(got, &gotHE) || !errors.As(want, &wantHE) || gotHE.Field != wantHE.Field:
				t.Errorf("%s Validate(%+v) = %v, the adapter says %v", kind, h, got, want)
				continue
			}
			calls := map[string]func() error{
				"AddHost":     func() error { return c.AddHost(kind, h, true) },
				"Probe":       func() error { _, err := p.Probe(ctx, h); return err },
				"Start":       func() error { _, err := p.Start(ctx, h); return err },
				"Stop":        func() error { _, err := p.Stop(ctx, h); return err },
				"Reboot":      func() error { _, err := p.Reboot(ctx, h); return err },
				"Deprovision": func() error { _, err := p.Deprovision(ctx, h); return err },
			}
			for name, call := range calls {
				if err := call(); !errors.Is(err, provider.ErrInvalidHost) {
					t.Errorf("%s %s(%+v) = %v, want ErrInvalidHost", kind, name, h, err)
				}
			}
		}
		if n := c.Calls(kind).Total(); n != 0 {
			t.Errorf("%s: invalid hosts cost %d counted calls, want 0", kind, n)
		}
	}
}

// TestFactsAreTheAdapters checks the rest of what the fakes take from the
// adapters: name, capabilities, listing and Supports for every action.
func TestFactsAreTheAdapters(t *testing.T) {
	c, _ := newCloud(t, 1)
	for _, kind := range fakes.Kinds() {
		facts := adapterFacts[kind]
		p := c.Provider(kind)
		h := hostFor(kind, "ok")
		if p.Name() != facts.Name || p.Capabilities() != facts.Capabilities {
			t.Errorf("%s: Name %q, Capabilities %+v; the adapter's are %q, %+v", kind, p.Name(), p.Capabilities(), facts.Name, facts.Capabilities)
		}
		l, lists := p.(provider.Lister)
		if lists != (facts.Scope != nil) {
			t.Errorf("%s: lists = %v, the adapter lists = %v", kind, lists, facts.Scope != nil)
		}
		if lists && l.Scope(h) != facts.Scope(h) {
			t.Errorf("%s: Scope = %q, the adapter's %q", kind, l.Scope(h), facts.Scope(h))
		}
		for _, act := range append(hoststate.Actions(), hoststate.ActionNone, hoststate.Action(200)) {
			if got, want := p.Supports(h, act), facts.Supports(h, act); (got == nil) != (want == nil) {
				t.Errorf("%s Supports(%s) = %v, the adapter says %v", kind, act, got, want)
			}
		}
	}
}

func TestAddHostErrors(t *testing.T) {
	c, _ := newCloud(t, 1)
	h := addHost(t, c, fakes.GCP, "vm-1", true)
	if err := c.AddHost(fakes.GCP, h, false); !errors.Is(err, fakes.ErrDuplicateHost) {
		t.Errorf("AddHost(same instance) = %v, want ErrDuplicateHost", err)
	}
	other := hostFor(fakes.GCP, "vm-2")
	other.Volume = h.Volume
	if err := c.AddHost(fakes.GCP, other, false); !errors.Is(err, fakes.ErrDuplicateHost) {
		t.Errorf("AddHost(same volume) = %v, want ErrDuplicateHost", err)
	}
	if err := c.AddHost("aws", h, true); !errors.Is(err, fakes.ErrUnknownKind) {
		t.Errorf("AddHost(unknown kind) = %v, want ErrUnknownKind", err)
	}
	// The same instance name is fine at another kind.
	if err := c.AddHost(fakes.Nebius, hostFor(fakes.Nebius, "vm-1"), true); err != nil {
		t.Errorf("AddHost(nebius vm-1) = %v", err)
	}
	if got := c.Truth(fakes.GCP, other); got.VMExists || got.VolumeExists {
		t.Errorf("a refused AddHost left truth %+v", got)
	}
}
