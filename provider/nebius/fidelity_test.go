package nebius_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
)

// spec is the launch spec of these tests.
var spec = provider.LaunchSpec{Flavor: "gpu-h100-sxm", Preset: "1gpu-16vcpu-200gb", Image: "ubuntu22.04-cuda12", Network: "vpcsubnet-e00abc", PublicIP: true}

// named is a host referenced by its instance's name.
var named = provider.Host{Project: "project-e00abc", Instance: "host-1", Volume: "computedisk-e00h1"}

// newNamedEnv is the gRPC emulator with a stopped host referenced by name,
// and an adapter with a launch spec over it.
func newNamedEnv(t *testing.T) (*grpcEnv, *nebius.Provider) {
	t.Helper()
	e := newGRPCEnv(t, fakes.Durations{})
	if err := e.emu.AddHost(named, false); err != nil {
		t.Fatal(err)
	}
	p, err := nebius.New(e.client.Instances(), e.client.Disks(), nebius.Config{Clock: e.clock, LaunchSpec: provider.FixedLaunch(spec)})
	if err != nil {
		t.Fatal(err)
	}
	return e, p
}

// wait waits for op on the emulator's instant operations.
func wait(t *testing.T, clock *clocktest.Clock, op provider.Operation) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- op.Wait(context.Background()) }()
	_, err := drive(t, clock, time.Second, done)
	return err
}

// TestReprovisionByName: the stopped instance is deleted, a new boot disk
// made, and a new instance (a new id, our labels) created around the same
// data disk, over the wire.
func TestReprovisionByName(t *testing.T) {
	e, p := newNamedEnv(t)
	ctx := context.Background()
	before := e.cloud.Truth(fakes.Nebius, named)
	obs, err := p.Probe(ctx, named)
	if err != nil || obs.VM != hoststate.VMStopped || obs.VMID != before.VMID {
		t.Fatalf("probe by name: %+v %v", obs, err)
	}
	op, err := p.Reprovision(ctx, named)
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(t, e.clock, op); err != nil {
		t.Fatal(err)
	}
	after := e.cloud.Truth(fakes.Nebius, named)
	if !after.VolumeExists || !after.VMExists || after.VMID == before.VMID {
		t.Fatalf("after reprovision: %+v (before %+v)", after, before)
	}
	vm, _ := e.cloud.RawVM(fakes.Nebius, named.Instance)
	if ok, missing := provider.Owns(vm.Labels, named); !ok {
		t.Errorf("the new instance lacks %s", missing)
	}
	obs, err = p.Probe(ctx, named)
	if err != nil || obs.VMID != after.VMID {
		t.Errorf("probe after: %+v %v, want the new id %s", obs, err, after.VMID)
	}
	// A second reprovision replaces the boot disk the first one made.
	for obs.VM != hoststate.VMRunning {
		e.clock.Advance(time.Second)
		obs, _ = p.Probe(ctx, named)
	}
	stop, err := p.Stop(ctx, named)
	if err != nil || wait(t, e.clock, stop) != nil {
		t.Fatalf("stop: %v", err)
	}
	op, err = p.Reprovision(ctx, named)
	if err != nil || wait(t, e.clock, op) != nil {
		t.Fatalf("second reprovision: %v", err)
	}
	if n := e.cloud.Calls(fakes.Nebius)[emulators.NebiusDiskDelete]; n != 1 {
		t.Errorf("%d disk deletes, want the first boot disk's", n)
	}
}

// TestReprovisionRefusals: a data disk managed by the instance, a running
// instance, someone else's instance of the name, a host referenced by id.
func TestReprovisionRefusals(t *testing.T) {
	ctx := context.Background()
	e, p := newNamedEnv(t)
	e.emu.Fake().MarkManaged(named.Volume, "computeinstance-x")
	if _, err := p.Reprovision(ctx, named); !errors.Is(err, provider.ErrConflict) || provider.Transient(err) {
		t.Errorf("a managed data disk: %v, want a definitive conflict", err)
	}
	e, p = newNamedEnv(t)
	if err := e.cloud.ReplaceVM(fakes.Nebius, named, map[string]string{"owner": "someone-else"}); err != nil {
		t.Fatal(err)
	}
	var no *provider.NotOursError
	for name, call := range map[string]func(context.Context, provider.Host) (provider.Operation, error){
		"Reprovision": p.Reprovision, "Stop": p.Stop, "Start": p.Start, "Deprovision": p.Deprovision,
	} {
		if _, err := call(ctx, named); !errors.Is(err, provider.ErrNotOurs) || !errors.As(err, &no) || no.VMID == "" {
			t.Errorf("%s of someone else's instance: %v, want a *NotOursError", name, err)
		}
	}
	if p.Supports(e.host, hoststate.ActionReprovision) == nil {
		t.Error("Supports(reprovision) of a host referenced by id: nil")
	}
}

// TestAbortedOperationIsOverridden: an operation a later one overtook
// (ABORTED) is drift, not a failed action.
func TestAbortedOperationIsOverridden(t *testing.T) {
	e := newGRPCEnv(t, fakes.Durations{})
	e.emu.Fake().InjectFault(emulators.GRPCFault{Method: emulators.NebiusInstanceStop, Abort: true})
	op, err := e.p.Stop(context.Background(), e.host)
	if err != nil {
		t.Fatal(err)
	}
	err = wait(t, e.clock, op)
	if !errors.Is(err, provider.ErrOverridden) || errors.Is(err, provider.ErrOperationFailed) {
		t.Fatalf("an aborted stop: %v, want ErrOverridden, not ErrOperationFailed", err)
	}
}
