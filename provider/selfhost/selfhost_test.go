package selfhost_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
	"github.com/driftless/driftless/store"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// connector records what the adapter sends and fails on demand.
type connector struct {
	mu   sync.Mutex
	sent []string
	err  error
}

func (c *connector) Start(_ context.Context, h provider.Host) error {
	return c.record("start " + h.Instance)
}
func (c *connector) Stop(_ context.Context, h provider.Host) error {
	return c.record("stop " + h.Instance)
}

func (c *connector) record(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.sent = append(c.sent, s)
	return nil
}

var host = provider.Host{Project: "laptop-1", Instance: "vm-1"}

func newProvider(t *testing.T) (*selfhost.Provider, *clocktest.Clock, *connector) {
	t.Helper()
	clock := clocktest.New(start)
	conn := &connector{}
	p, err := selfhost.New(selfhost.Config{Connector: conn, Now: clock.Now, TTL: time.Minute, Buffer: 2})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute + time.Second) // past the start's grace period
	return p, clock, conn
}

func report(t *testing.T, p *selfhost.Provider, state string, at time.Time) {
	t.Helper()
	if err := p.Report(context.Background(), selfhost.Report{Connector: host.Project, Instance: host.Instance, State: state, Address: "192.0.2.7", At: at}); err != nil {
		t.Fatal(err)
	}
}

func probe(t *testing.T, p *selfhost.Provider) hoststate.Observation {
	t.Helper()
	obs, err := p.Probe(context.Background(), host)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestProbeEveryReportedState(t *testing.T) {
	p, clock, _ := newProvider(t)
	for _, row := range append(selfhost.States.Rows(), provider.VMRow{Raw: "hibernated", VM: hoststate.VMUnknown}) {
		clock.Advance(time.Second)
		report(t, p, row.Raw, clock.Now())
		want := hoststate.Observation{VM: row.VM, Volume: hoststate.VolumeNone, RawVM: row.Raw, Address: "192.0.2.7"}
		if diff := cmp.Diff(want, probe(t, p)); diff != "" {
			t.Errorf("state %s (-want +got):\n%s", row.Raw, diff)
		}
	}
}

func TestSilentConnectorIsUnreachableNeverOff(t *testing.T) {
	p, clock, _ := newProvider(t)
	unreachable := hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown, Unreachable: true}
	if diff := cmp.Diff(unreachable, probe(t, p)); diff != "" {
		t.Errorf("never heard from (-want +got):\n%s", diff)
	}
	report(t, p, "stopped", clock.Now())
	clock.Advance(time.Minute)
	if obs := probe(t, p); obs.Unreachable || obs.VM != hoststate.VMStopped {
		t.Errorf("at the TTL: %+v, want stopped", obs)
	}
	clock.Advance(time.Second)
	if diff := cmp.Diff(unreachable, probe(t, p)); diff != "" {
		t.Errorf("past the TTL (-want +got):\n%s", diff)
	}
	// A heartbeat alone brings the connector back, with the last report.
	if err := p.Heartbeat(host.Project, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if obs := probe(t, p); obs.Unreachable || obs.VM != hoststate.VMStopped {
		t.Errorf("after a heartbeat: %+v", obs)
	}
}

func TestAliveConnectorWithoutReportIsUnknown(t *testing.T) {
	p, clock, _ := newProvider(t)
	if err := p.Heartbeat(host.Project, clock.Now()); err != nil {
		t.Fatal(err)
	}
	want := hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown}
	if diff := cmp.Diff(want, probe(t, p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOutOfOrderAndFutureReports(t *testing.T) {
	p, clock, _ := newProvider(t)
	report(t, p, "running", clock.Now())
	report(t, p, "stopped", clock.Now().Add(-time.Second))
	if obs := probe(t, p); obs.RawVM != "running" {
		t.Errorf("an older report replaced a newer one: %s", obs.RawVM)
	}
	// A report stamped in the future counts as now: it cannot keep the
	// connector alive past the TTL.
	report(t, p, "running", clock.Now().Add(time.Hour))
	clock.Advance(time.Minute + time.Second)
	if obs := probe(t, p); !obs.Unreachable {
		t.Errorf("a future-stamped report kept the connector alive: %+v", obs)
	}
}

func TestReportRejectsBadInput(t *testing.T) {
	p, clock, _ := newProvider(t)
	good := selfhost.Report{Connector: "laptop-1", Instance: "vm-1", State: "running", At: clock.Now()}
	for name, mut := range map[string]func(*selfhost.Report){
		"connector": func(r *selfhost.Report) { r.Connector = "" },
		"instance":  func(r *selfhost.Report) { r.Instance = "vm 1" },
		"state":     func(r *selfhost.Report) { r.State = "" },
		"long":      func(r *selfhost.Report) { r.State = strings.Repeat("x", 65) },
		"control":   func(r *selfhost.Report) { r.State = "run\x00" },
		"address":   func(r *selfhost.Report) { r.Address = "1.2.3.4\n" },
		"time":      func(r *selfhost.Report) { r.At = time.Time{} },
	} {
		r := good
		mut(&r)
		if err := p.Report(context.Background(), r); !errors.Is(err, provider.ErrInvalidHost) {
			t.Errorf("%s: Report = %v, want ErrInvalidHost", name, err)
		}
	}
	if err := p.Heartbeat("bad id", clock.Now()); !errors.Is(err, provider.ErrInvalidHost) {
		t.Errorf("Heartbeat with a bad id: %v", err)
	}
	if obs := probe(t, p); !obs.Unreachable {
		t.Errorf("a rejected report counted as a heartbeat: %+v", obs)
	}
}

func TestActionsGoThroughTheConnector(t *testing.T) {
	p, clock, conn := newProvider(t)
	ctx := context.Background()
	if _, err := p.Start(ctx, host); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("Start to a silent connector: %v, want ErrUnavailable", err)
	}
	if err := p.Heartbeat(host.Project, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if op, err := p.Start(ctx, host); err != nil || op != nil {
		t.Fatalf("Start = %v, %v", op, err)
	}
	if op, err := p.Stop(ctx, host); err != nil || op != nil {
		t.Fatalf("Stop = %v, %v", op, err)
	}
	if diff := cmp.Diff([]string{"start vm-1", "stop vm-1"}, conn.sent); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	boom := errors.New("connector refused")
	conn.err = boom
	if _, err := p.Stop(ctx, host); !errors.Is(err, boom) {
		t.Errorf("Stop error = %v, want the connector's", err)
	}
	if _, err := p.Stop(ctx, provider.Host{Project: "laptop-1"}); !errors.Is(err, provider.ErrInvalidHost) {
		t.Errorf("Stop of an invalid host: %v", err)
	}
	if _, err := selfhost.New(selfhost.Config{}); err == nil {
		t.Error("New accepted a config without a connector")
	}
	want := provider.Capabilities{PushReports: true}
	if p.Capabilities() != want || p.Name() != "selfhost" {
		t.Errorf("Capabilities = %+v", p.Capabilities())
	}
}

func TestSubscribe(t *testing.T) {
	p, clock, _ := newProvider(t)
	ch, unsubscribe, err := p.Subscribe(host)
	if err != nil {
		t.Fatal(err)
	}
	other, unsubscribeOther, err := p.Subscribe(provider.Host{Project: "laptop-1", Instance: "vm-2"})
	if err != nil {
		t.Fatal(err)
	}
	defer unsubscribeOther()
	// Buffer is 2: of three unread reports the subscriber keeps the newest
	// two, and a slow subscriber never blocks Report.
	for _, s := range []string{"starting", "running", "stopping"} {
		clock.Advance(time.Second)
		report(t, p, s, clock.Now())
	}
	var got []string
	for range 2 {
		got = append(got, (<-ch).State)
	}
	if diff := cmp.Diff([]string{"running", "stopping"}, got); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
	select {
	case r := <-other:
		t.Errorf("another host's subscriber got %+v", r)
	default:
	}
	unsubscribe()
	unsubscribe()
	if _, open := <-ch; open {
		t.Error("the channel is open after unsubscribe")
	}
	report(t, p, "stopped", clock.Now().Add(time.Second))
	if _, _, err := p.Subscribe(provider.Host{}); !errors.Is(err, provider.ErrInvalidHost) {
		t.Errorf("Subscribe of an invalid host: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	p, clock, _ := newProvider(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := provider.Host{Project: "laptop-1", Instance: fmt.Sprintf("vm-%d", i%2)}
			ch, unsubscribe, err := p.Subscribe(h)
			if err != nil {
				t.Error(err)
				return
			}
			for j := range 50 {
				_ = p.Report(context.Background(), selfhost.Report{Connector: h.Project, Instance: h.Instance, State: "running", At: clock.Now().Add(time.Duration(j))})
				_, _ = p.Probe(context.Background(), h)
				select {
				case <-ch:
				default:
				}
			}
			unsubscribe()
		}()
	}
	wg.Wait()
}

// TestNeverOffWhileSilent checks, over random sequences of reports,
// heartbeats, restarts of the grace period and time, with reports in
// memory or in a store, that a probe is unreachable exactly when the
// connector was silent for longer than the TTL and the grace period is
// over, and then never claims a VM state.
func TestNeverOffWhileSilent(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		clock := clocktest.New(start)
		ctx := context.Background()
		cfg := selfhost.Config{Connector: &connector{}, Now: clock.Now, TTL: time.Minute,
			Grace: time.Duration(rapid.IntRange(0, 180).Draw(rt, "grace seconds")) * time.Second}
		grace := cfg.Grace
		if grace == 0 {
			grace = cfg.TTL
		}
		if rapid.Bool().Draw(rt, "stored") {
			st := store.NewMemStore(store.MemConfig{Now: clock.Now})
			if _, err := st.Update(ctx, store.Write{Record: hoststate.Record{ID: "h", Provider: selfhost.Name, Ref: host}}); err != nil {
				rt.Fatal(err)
			}
			cfg.Reports = st
			ctx = provider.WithHostID(ctx, "h")
		}
		p, err := selfhost.New(cfg)
		if err != nil {
			rt.Fatal(err)
		}
		var last time.Time
		heard := false
		graceFrom := clock.Now()
		for range rapid.IntRange(1, 30).Draw(rt, "steps") {
			switch rapid.IntRange(0, 3).Draw(rt, "op") {
			case 0:
				state := rapid.SampledFrom([]string{"running", "stopped", "off", "not_found", "error"}).Draw(rt, "state")
				if err := p.Report(ctx, selfhost.Report{Host: "h", Connector: host.Project, Instance: host.Instance, State: state, At: clock.Now()}); err != nil {
					rt.Fatal(err)
				}
				last, heard = clock.Now(), true
			case 1:
				if err := p.Heartbeat(host.Project, clock.Now()); err != nil {
					rt.Fatal(err)
				}
				last, heard = clock.Now(), true
			case 2:
				clock.Advance(time.Duration(rapid.IntRange(0, 120).Draw(rt, "seconds")) * time.Second)
			case 3:
				p.Resume()
				graceFrom = clock.Now()
			}
			obs, err := p.Probe(ctx, host)
			if err != nil {
				rt.Fatal(err)
			}
			inGrace := clock.Now().Sub(graceFrom) <= grace
			silent := !inGrace && (!heard || clock.Now().Sub(last) > time.Minute)
			if obs.Unreachable != silent {
				rt.Fatalf("unreachable = %v, silent = %v (in grace %v)", obs.Unreachable, silent, inGrace)
			}
			if silent && (obs.VM != hoststate.VMUnknown || obs.Volume != hoststate.VolumeUnknown) {
				rt.Fatalf("a silent connector's host is %v/%v", obs.VM, obs.Volume)
			}
		}
	})
}

func FuzzReport(f *testing.F) {
	f.Add("laptop-1", "vm-1", "running", "192.0.2.1")
	f.Add("", "vm 1", "\x00", "")
	f.Fuzz(func(t *testing.T, conn, inst, state, addr string) {
		clock := clocktest.New(start)
		p, err := selfhost.New(selfhost.Config{Connector: &connector{}, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		err = p.Report(context.Background(), selfhost.Report{Connector: conn, Instance: inst, State: state, Address: addr, At: clock.Now()})
		h := provider.Host{Project: conn, Instance: inst}
		obs, perr := p.Probe(context.Background(), h)
		switch {
		case err != nil && !errors.Is(err, provider.ErrInvalidHost):
			t.Fatalf("Report error %v is not ErrInvalidHost", err)
		case err == nil && (perr != nil || obs.RawVM != state):
			t.Fatalf("accepted report not observed: %+v %v", obs, perr)
		case err != nil && perr == nil && !obs.Unreachable:
			t.Fatalf("a rejected report changed the host: %+v", obs)
		}
	})
}
