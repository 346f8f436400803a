package nebius_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
	"google.golang.org/grpc/codes"
)

// TestReprovisionWhileTheInstanceGoes: a reprovision sent again while the
// instance of a first one is still being deleted (or stopped) is a
// refusal that settles by itself — retryable, so a waiter resending after
// a reprovision cut short by a transient error keeps trying — while a
// running instance stays a definitive conflict. The smoke harness found a
// 5xx in a reprovision's chain leaving the host without a VM: the resend
// came while the old instance was DELETING and was refused for good.
func TestReprovisionWhileTheInstanceGoes(t *testing.T) {
	for _, tc := range []struct {
		raw       string
		transient bool
	}{
		{"DELETING", true},
		{"STOPPING", true},
		{"RUNNING", false},
		{"STARTING", false},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			e, p := newNamedEnv(t)
			if err := e.cloud.SetVMStatus(fakes.Nebius, named, tc.raw); err != nil {
				t.Fatal(err)
			}
			_, err := p.Reprovision(context.Background(), named)
			if !errors.Is(err, provider.ErrConflict) || provider.Transient(err) != tc.transient ||
				errors.Is(err, provider.ErrRetryableConflict) != tc.transient {
				t.Errorf("reprovision of a %s instance: %v (transient %v), want a conflict, transient %v", tc.raw, err, provider.Transient(err), tc.transient)
			}
		})
	}
}

// TestResentReprovisionReusesItsBootDisk: a reprovision cut short after it
// made the new boot disk (the instance create failed transiently) and
// sent again with the same request id, as the waiter resends, reuses that
// disk: the project ends with one boot disk, the new instance's, none
// left behind. Without a request id each send names a disk of its own.
func TestResentReprovisionReusesItsBootDisk(t *testing.T) {
	e, p := newNamedEnv(t)
	ctx := cutShort(t, e, p)
	if got := bootDisks(t, e); len(got) != 1 || got[0].AttachedTo != "" {
		t.Fatalf("after the cut: boot disks %+v, want one, unattached", got)
	}
	e.clock.Advance(time.Minute) // the waiter resends after a pause
	op, err := p.Reprovision(ctx, named)
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(t, e.clock, op); err != nil {
		t.Fatal(err)
	}
	vm, ok := e.cloud.RawVM(fakes.Nebius, named.Instance)
	got := bootDisks(t, e)
	if !ok || len(got) != 1 || got[0].AttachedTo != vm.ID {
		t.Fatalf("after the resend: boot disks %+v, instance %q; want one, the instance's", got, vm.ID)
	}
	if n := e.cloud.Calls(fakes.Nebius)[emulators.NebiusDiskCreate]; n != 2 {
		t.Errorf("%d boot disk creates, want 2 (the second answered AlreadyExists)", n)
	}
}

// cutShort sends a reprovision of named whose instance create fails
// transiently, after its boot disk was made, and returns the context that
// resends it (the same request id, as the waiter's).
func cutShort(t *testing.T, e *grpcEnv, p *nebius.Provider) context.Context {
	t.Helper()
	ctx := provider.WithRequestID(context.Background(), "host-1/7")
	e.emu.Fake().InjectFault(emulators.GRPCFault{Method: emulators.NebiusInstanceCreate, Code: codes.Unavailable, Count: 1})
	op, err := p.Reprovision(ctx, named)
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(t, e.clock, op); !provider.Transient(err) {
		t.Fatalf("the cut-short reprovision ended with %v, want a transient error", err)
	}
	return ctx
}

// bootDisks lists the boot disks reprovisions of named made (the project
// holds other hosts' disks too).
func bootDisks(t *testing.T, e *grpcEnv) []nebius.Disk {
	t.Helper()
	var out []nebius.Disk
	token := ""
	for {
		page, err := e.client.Disks().List(context.Background(), nebius.ListRequest{ParentID: named.Project, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Items {
			if strings.HasPrefix(d.Name, named.Instance+"-boot-") {
				out = append(out, d)
			}
		}
		if token = page.NextPageToken; token == "" {
			return out
		}
	}
}

// leftoverAs lists disks like its service but shows a cut-short
// reprovision's boot disk in a given state, or held by an instance.
type leftoverAs struct {
	nebius.DiskService
	state, holder string
}

func (d *leftoverAs) List(ctx context.Context, req nebius.ListRequest) (nebius.DiskPage, error) {
	page, err := d.DiskService.List(ctx, req)
	for i, disk := range page.Items {
		if d.state != "" && strings.HasPrefix(disk.Name, named.Instance+"-boot-") {
			page.Items[i].State, page.Items[i].AttachedTo = d.state, d.holder
		}
	}
	return page, err
}

// TestResentReprovisionReusesOnlyAReadyFreeBootDisk: the boot disk a
// cut-short attempt made is reused only while READY and held by no
// instance; one still creating is a retryable conflict (it settles), one
// held or failed a conflict, and nothing is created around it.
func TestResentReprovisionReusesOnlyAReadyFreeBootDisk(t *testing.T) {
	for _, tc := range []struct {
		state, holder string
		retryable     bool
	}{
		{"CREATING", "", true},
		{"ERROR", "", false},
		{"READY", "computeinstance-e00other", false},
	} {
		t.Run(tc.state+"/"+tc.holder, func(t *testing.T) {
			e := newGRPCEnv(t, fakes.Durations{})
			if err := e.emu.AddHost(named, false); err != nil {
				t.Fatal(err)
			}
			disks := &leftoverAs{DiskService: e.client.Disks()}
			p, err := nebius.New(e.client.Instances(), disks, nebius.Config{Clock: e.clock, LaunchSpec: provider.FixedLaunch(spec)})
			if err != nil {
				t.Fatal(err)
			}
			ctx := cutShort(t, e, p)
			disks.state, disks.holder = tc.state, tc.holder
			e.clock.Advance(time.Minute)
			op, err := p.Reprovision(ctx, named)
			if err != nil {
				t.Fatal(err)
			}
			err = wait(t, e.clock, op)
			if !errors.Is(err, provider.ErrConflict) || errors.Is(err, provider.ErrRetryableConflict) != tc.retryable {
				t.Errorf("resend over a %s boot disk held by %q: %v, want a conflict, retryable %v", tc.state, tc.holder, err, tc.retryable)
			}
			if _, ok := e.cloud.RawVM(fakes.Nebius, named.Instance); ok {
				t.Error("an instance was created around the leftover disk")
			}
		})
	}
}
