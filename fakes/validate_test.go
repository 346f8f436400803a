package fakes_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
)

// badIDs are instance ids no kind accepts: each would break a URL path or
// a log line.
var badIDs = []string{
	"", "a/b", "a?b", "a#b", "a%2fb", "a b", "a\tb", "a\nb", "..", "a..b",
	"a\\b", "a\x00b", "\xff\xfe", strings.Repeat("a", 129),
}

func TestInvalidHostsFailBeforeAnyCall(t *testing.T) {
	type badHost struct {
		h     provider.Host
		field string
	}
	cases := map[string][]badHost{}
	for _, kind := range fakes.Kinds() {
		for _, id := range badIDs {
			h := hostFor(kind, "ok")
			h.Instance = id
			cases[kind] = append(cases[kind], badHost{h, "Instance"})
		}
	}
	gcp := func(f func(*provider.Host), field string) badHost {
		h := hostFor(fakes.GCP, "ok")
		f(&h)
		return badHost{h, field}
	}
	cases[fakes.GCP] = append(cases[fakes.GCP],
		gcp(func(h *provider.Host) { h.Instance = "VM1" }, "Instance"),
		gcp(func(h *provider.Host) { h.Instance = "1vm" }, "Instance"),
		gcp(func(h *provider.Host) { h.Instance = "vm-" }, "Instance"),
		gcp(func(h *provider.Host) { h.Instance = "vm_1" }, "Instance"),
		gcp(func(h *provider.Host) { h.Instance = "v" + strings.Repeat("m", 63) }, "Instance"),
		gcp(func(h *provider.Host) { h.Project = "" }, "Project"),
		gcp(func(h *provider.Host) { h.Zone = "us-central1/a" }, "Zone"),
		gcp(func(h *provider.Host) { h.Volume = "" }, "Volume"),
	)
	for _, kind := range []string{fakes.Nebius, fakes.Hyperstack} {
		h := hostFor(kind, "ok")
		h.Volume = ""
		cases[kind] = append(cases[kind], badHost{h, "Volume"})
	}
	for _, kind := range []string{fakes.Nebius, fakes.Hyperstack, fakes.Lambda, fakes.SelfHost} {
		h := hostFor(kind, "ok")
		h.Region = "eu/north"
		cases[kind] = append(cases[kind], badHost{h, "Region"})
	}

	for kind, hosts := range cases {
		c, _ := newCloud(t, 1)
		p := c.Provider(kind)
		calls := map[string]func(provider.Host) error{
			"Validate": p.Validate,
			"AddHost":  func(h provider.Host) error { return c.AddHost(kind, h, true) },
			"Probe":    func(h provider.Host) error { _, err := p.Probe(ctx, h); return err },
			"Start":    func(h provider.Host) error { _, err := p.Start(ctx, h); return err },
			"Stop":     func(h provider.Host) error { _, err := p.Stop(ctx, h); return err },
			"Deprovision": func(h provider.Host) error {
				_, err := p.Deprovision(ctx, h)
				return err
			},
		}
		calls["Reboot"] = func(h provider.Host) error { _, err := p.Reboot(ctx, h); return err }
		for _, bh := range hosts {
			for name, call := range calls {
				err := call(bh.h)
				var he *provider.HostError
				if !errors.Is(err, provider.ErrInvalidHost) || !errors.As(err, &he) {
					t.Errorf("%s %s(%+q): err = %v, want a *provider.HostError", kind, name, bh.h.Instance, err)
					continue
				}
				if he.Field != bh.field || he.Provider != kind {
					t.Errorf("%s %s(%+v): HostError names %s/%s, want %s/%s", kind, name, bh.h, he.Provider, he.Field, kind, bh.field)
				}
			}
		}
		if n := c.Calls(kind).Total(); n != 0 {
			t.Errorf("%s: invalid hosts cost %d counted calls, want 0", kind, n)
		}
	}
}

func TestValidHostsPass(t *testing.T) {
	c, _ := newCloud(t, 1)
	for _, kind := range fakes.Kinds() {
		for _, h := range []provider.Host{
			hostFor(kind, "a"),
			hostFor(kind, "vm-"+strings.Repeat("x", 53)+"9"), // 57 bytes; its gcp disk name 62
		} {
			if err := c.Provider(kind).Validate(h); err != nil {
				t.Errorf("%s Validate(%+v) = %v", kind, h, err)
			}
		}
	}
	// Region is optional outside gcp: listing scopes are then "".
	if err := c.Provider(fakes.Hyperstack).Validate(provider.Host{Instance: "vm", Volume: "42"}); err != nil {
		t.Errorf("hyperstack host without region: %v", err)
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
