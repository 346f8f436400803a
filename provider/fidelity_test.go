package provider_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

func TestRetryableConflict(t *testing.T) {
	err := fmt.Errorf("hyperstack: create: %w", provider.ErrRetryableConflict)
	if !errors.Is(err, provider.ErrConflict) || !errors.Is(err, provider.ErrRetryableConflict) || !provider.Transient(err) {
		t.Errorf("a retryable conflict: Is(ErrConflict) %v, Transient %v", errors.Is(err, provider.ErrConflict), provider.Transient(err))
	}
	if plain := fmt.Errorf("x: %w", provider.ErrConflict); errors.Is(plain, provider.ErrRetryableConflict) || provider.Transient(plain) {
		t.Error("a plain conflict matches ErrRetryableConflict or is transient")
	}
	if provider.Transient(provider.ErrOverridden) || errors.Is(provider.ErrOverridden, provider.ErrOperationFailed) {
		t.Error("ErrOverridden is transient or a failed operation")
	}
}

func TestNotOursError(t *testing.T) {
	err := error(&provider.NotOursError{Provider: "gcp", Instance: "p/z/vm-1", VMID: "42", Missing: "driftless-managed=true"})
	if !errors.Is(err, provider.ErrNotOurs) || provider.Transient(err) {
		t.Errorf("%v: want ErrNotOurs, not transient", err)
	}
	want := `gcp: the VM "p/z/vm-1" (id "42") is not ours: it lacks the label "driftless-managed=true"; nothing was sent`
	if err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	forged := &provider.NotOursError{Provider: "gcp", Instance: "a\nlevel=ERROR"}
	if strings.Contains(forged.Error(), "\n") {
		t.Errorf("a newline in the instance reaches the message: %q", forged.Error())
	}
}

func TestLaunch(t *testing.T) {
	host := provider.Host{Instance: "vm-1"}
	if _, err := provider.Launch("x", nil, host, nil); !errors.Is(err, provider.ErrNoLaunchSpec) || !errors.Is(err, provider.ErrUnsupported) {
		t.Errorf("no LaunchFunc: %v, want ErrNoLaunchSpec (ErrUnsupported)", err)
	}
	refuse := func(provider.Host) (provider.LaunchSpec, error) {
		return provider.LaunchSpec{}, errors.New("not this one")
	}
	if _, err := provider.Launch("x", refuse, host, nil); !errors.Is(err, provider.ErrUnsupported) || !strings.Contains(err.Error(), "not this one") {
		t.Errorf("a refusing LaunchFunc: %v", err)
	}
	spec := provider.LaunchSpec{Region: "r", SSHKeys: []string{"k"}}
	launch := provider.FixedLaunch(spec)
	spec.SSHKeys[0] = "changed"
	got, err := provider.Launch("x", launch, host, nil)
	if err != nil || got.SSHKeys[0] != "k" {
		t.Fatalf("FixedLaunch: %+v %v, want a copy", got, err)
	}
	got.SSHKeys[0] = "changed again"
	if again, _ := launch(host); again.SSHKeys[0] != "k" {
		t.Error("editing a returned spec changed the next one")
	}
	var fe error = &provider.LaunchFieldError{Provider: "x", Field: "Image", Reason: "no"}
	if !errors.Is(fe, provider.ErrNoLaunchSpec) || !errors.Is(fe, provider.ErrUnsupported) {
		t.Errorf("%v: want ErrNoLaunchSpec and ErrUnsupported", fe)
	}
	// The adapter's check refuses a spec it cannot create a VM from.
	noImage := func(s provider.LaunchSpec) error {
		if s.Image == "" {
			return fe
		}
		return nil
	}
	if got, err := provider.Launch("x", launch, host, noImage); !errors.Is(err, fe) || !errors.Is(err, provider.ErrUnsupported) || got.Region != "" {
		t.Errorf("a spec the check refuses: %+v %v, want no spec and the check's error", got, err)
	}
	if got, err := provider.Launch("x", launch, host, func(provider.LaunchSpec) error { return nil }); err != nil || got.Region != "r" {
		t.Errorf("a spec the check takes: %+v %v", got, err)
	}
}

// TestOwnership: a VM carrying a host's ownership labels is the host's,
// whatever else it carries; one missing any of them is not; control
// labels are neither put on VMs nor required of them.
func TestOwnership(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.StringMatching(`[a-z][-_a-z0-9]{0,10}`)
		labels := rapid.MapOf(key, rapid.StringMatching(`[-_a-z0-9]{0,10}`)).Draw(t, "labels")
		control := rapid.StringMatching(`[a-z]{1,8}`).Draw(t, "control")
		labels[provider.ControlPrefix+control] = "x"
		host := provider.Host{Instance: "vm", Labels: labels}
		own := provider.OwnershipLabels(host)
		if own[provider.ManagedLabel] != "true" {
			t.Fatalf("no managed label: %v", own)
		}
		if _, ok := own[provider.ControlPrefix+control]; ok {
			t.Fatalf("a control label is an ownership label: %v", own)
		}
		vm := map[string]string{"extra": "1"}
		for k, v := range own {
			vm[k] = v
		}
		if ok, missing := provider.Owns(vm, host); !ok {
			t.Fatalf("a VM with every ownership label is not owned: lacks %s", missing)
		}
		drop := rapid.SampledFrom(keys(own)).Draw(t, "drop")
		delete(vm, drop)
		if ok, missing := provider.Owns(vm, host); ok || !strings.HasPrefix(missing, drop+"=") {
			t.Fatalf("a VM without %s is owned (missing %q)", drop, missing)
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRequestID(t *testing.T) {
	ctx := context.Background()
	if provider.RequestID(ctx) != "" {
		t.Error("a bare context carries a request id")
	}
	if got := provider.RequestID(provider.WithRequestID(ctx, "h/7")); got != "h/7" {
		t.Errorf("RequestID = %q", got)
	}
}

// reprovisioner records which method ActionCall sent.
type reprovisioner struct {
	provider.Provider
	called string
}

func (r *reprovisioner) Start(context.Context, provider.Host) (provider.Operation, error) {
	r.called = "Start"
	return nil, nil
}

func (r *reprovisioner) Reprovision(context.Context, provider.Host) (provider.Operation, error) {
	r.called = "Reprovision"
	return nil, nil
}

func TestActionCallSendsReprovision(t *testing.T) {
	for a, want := range map[hoststate.Action]string{
		hoststate.ActionReprovision: "Reprovision", hoststate.ActionStart: "Start", hoststate.ActionRetry: "Start",
	} {
		p := &reprovisioner{}
		if _, err := provider.ActionCall(p, a)(context.Background(), provider.Host{}); err != nil || p.called != want {
			t.Errorf("ActionCall(%s) called %q, want %s", a, p.called, want)
		}
	}
}
