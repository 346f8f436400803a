package selfhost_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
	"github.com/driftless/driftless/store"
)

// replicas are two control-plane replicas' adapters over one store, with
// host "h" (the package's host) in it.
func replicas(t *testing.T) (a, b *selfhost.Provider, st *store.MemStore, clock *clocktest.Clock) {
	t.Helper()
	clock = clocktest.New(start)
	st = store.NewMemStore(store.MemConfig{Now: clock.Now})
	if _, err := st.Update(context.Background(), store.Write{Record: hoststate.Record{ID: "h", Provider: selfhost.Name, Ref: host}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []**selfhost.Provider{&a, &b} {
		var err error
		if *p, err = selfhost.New(selfhost.Config{Connector: &connector{}, Reports: st, Now: clock.Now, TTL: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	return a, b, st, clock
}

// A report one replica receives is what every replica's probe sees, and
// its age is what every replica judges the connector by.
func TestStoredReportsAreSharedByReplicas(t *testing.T) {
	a, b, _, clock := replicas(t)
	ctx := provider.WithHostID(context.Background(), "h")
	clock.Advance(2 * time.Minute) // past both starts' grace
	if obs, err := b.Probe(ctx, host); err != nil || !obs.Unreachable {
		t.Fatalf("never reported, past the grace: %+v, %v; want unreachable", obs, err)
	}
	if err := a.Report(ctx, selfhost.Report{Host: "h", Connector: host.Project, Instance: host.Instance, State: "stopped", At: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if obs, err := b.Probe(ctx, host); err != nil || obs.Unreachable || obs.VM != hoststate.VMStopped {
		t.Fatalf("the other replica's probe: %+v, %v; want stopped", obs, err)
	}
	clock.Advance(time.Minute + time.Second)
	if obs, _ := b.Probe(ctx, host); !obs.Unreachable || obs.VM != hoststate.VMUnknown {
		t.Errorf("a stopped host's connector silent past the TTL: %+v, want unreachable", obs)
	}
}

// A restarted control plane reads the reports stored before it went down,
// and judges no connector offline for the silence its own outage caused
// until the grace period is over; sends still need a live connector.
func TestRestartGivesConnectorsAGracePeriod(t *testing.T) {
	a, _, st, clock := replicas(t)
	ctx := provider.WithHostID(context.Background(), "h")
	if err := a.Report(ctx, selfhost.Report{Host: "h", Connector: host.Project, Instance: host.Instance, State: "running", At: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour) // the control plane was down
	restarted, err := selfhost.New(selfhost.Config{Connector: &connector{}, Reports: st, Now: clock.Now, TTL: time.Minute, Grace: 3 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if obs, err := restarted.Probe(ctx, host); err != nil || obs.Unreachable || obs.VM != hoststate.VMRunning {
		t.Fatalf("just restarted: %+v, %v; want the stored report, reachable", obs, err)
	}
	if _, err := restarted.Start(ctx, host); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("a send to a connector not heard since the restart: %v, want ErrUnavailable", err)
	}
	clock.Advance(3*time.Minute + time.Second)
	if obs, _ := restarted.Probe(ctx, host); !obs.Unreachable {
		t.Errorf("silent past the grace: %+v, want unreachable", obs)
	}
	// A failover: the replica taking over gives connectors a new grace.
	restarted.Resume()
	if obs, _ := restarted.Probe(ctx, host); obs.Unreachable {
		t.Errorf("after Resume: %+v, want reachable during the grace", obs)
	}
}

// With stored reports, a report must name its host, and a store that
// fails makes Report fail without delivering it.
func TestStoredReportsNeedTheirHost(t *testing.T) {
	a, _, _, clock := replicas(t)
	ctx := context.Background()
	if err := a.Report(ctx, selfhost.Report{Connector: host.Project, Instance: host.Instance, State: "running", At: clock.Now()}); !errors.Is(err, provider.ErrInvalidHost) {
		t.Errorf("a report without its host: %v, want ErrInvalidHost", err)
	}
	ch, cancel, err := a.Subscribe(host)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	err = a.Report(ctx, selfhost.Report{Host: "unknown-host", Connector: host.Project, Instance: host.Instance, State: "running", At: clock.Now()})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a report of a host the store does not have: %v, want ErrNotFound", err)
	}
	select {
	case r := <-ch:
		t.Errorf("a report the store refused was delivered: %+v", r)
	default:
	}
}
