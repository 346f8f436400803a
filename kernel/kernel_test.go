package kernel_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// panicky panics in every method but Name.
type panicky struct{ provider.Provider }

func (panicky) Name() string                                   { return "panicky" }
func (panicky) Capabilities() provider.Capabilities            { panic("caps") }
func (panicky) Supports(provider.Host, hoststate.Action) error { panic("supports") }
func (panicky) Validate(provider.Host) error                   { panic("validate") }
func (panicky) Probe(context.Context, provider.Host) (hoststate.Observation, error) {
	panic("probe")
}
func (panicky) Start(context.Context, provider.Host) (provider.Operation, error) { panic("start") }

// hanging blocks every probe until its context ends.
type hanging struct{ provider.Provider }

func (hanging) Name() string { return "hanging" }
func (hanging) Probe(ctx context.Context, _ provider.Host) (hoststate.Observation, error) {
	<-ctx.Done()
	return hoststate.Observation{}, ctx.Err()
}

func newRegistry(t *testing.T, cfg kernel.Config) *kernel.Registry {
	t.Helper()
	r, err := kernel.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGuardsTurnPanicsIntoErrors(t *testing.T) {
	r := newRegistry(t, kernel.Config{Providers: []provider.Provider{panicky{}}})
	p, err := r.Get("panicky")
	if err != nil {
		t.Fatal(err)
	}
	h := provider.Host{Instance: "i"}
	if err := p.Validate(h); !errors.Is(err, kernel.ErrProviderPanic) {
		t.Errorf("Validate = %v", err)
	}
	if err := p.Supports(h, hoststate.ActionStart); !errors.Is(err, kernel.ErrProviderPanic) {
		t.Errorf("Supports = %v", err)
	}
	if _, err := p.Probe(t.Context(), h); !errors.Is(err, kernel.ErrProviderPanic) {
		t.Errorf("Probe = %v", err)
	}
	if _, err := p.Send(t.Context(), hoststate.ActionStart, h); !errors.Is(err, kernel.ErrProviderPanic) {
		t.Errorf("Send = %v", err)
	}
	if c := p.Capabilities(); c != (provider.Capabilities{}) {
		t.Errorf("Capabilities = %+v after a panic, want zero", c)
	}
	if got := p.Offered(hoststate.Record{Status: hoststate.StatusOff}); len(got) != 0 {
		t.Errorf("Offered = %v from a provider whose Supports panics, want none", got)
	}
}

func TestEveryRequestHasATimeout(t *testing.T) {
	r := newRegistry(t, kernel.Config{Providers: []provider.Provider{hanging{}}, CallTimeout: 20 * time.Millisecond})
	p, _ := r.Get("hanging")
	if _, err := p.Probe(context.Background(), provider.Host{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Probe = %v, want the call timeout", err)
	}
}

func TestRegistryConfig(t *testing.T) {
	c := fakes.NewCloud(clocktest.New(t0), 1)
	for name, cfg := range map[string]kernel.Config{
		"none":  {},
		"nil":   {Providers: []provider.Provider{nil}},
		"twice": {Providers: []provider.Provider{c.Provider(fakes.GCP), c.Provider(fakes.GCP)}},
	} {
		if _, err := kernel.New(cfg); !errors.Is(err, kernel.ErrConfig) {
			t.Errorf("%s: New = %v, want ErrConfig", name, err)
		}
	}
	r := newRegistry(t, kernel.Config{Providers: []provider.Provider{c.Provider(fakes.Nebius), c.Provider(fakes.GCP)}})
	if _, err := r.Get("aws"); !errors.Is(err, provider.ErrNoProvider) {
		t.Errorf("Get(aws) = %v, want ErrNoProvider", err)
	}
	if all := r.All(); len(all) != 2 || all[0].Name() != fakes.GCP {
		t.Errorf("All = %v, want gcp, nebius", all)
	}
}

func TestBackoffHonoursTheHintWithinTheMax(t *testing.T) {
	c := fakes.NewCloud(clocktest.New(t0), 1)
	r := newRegistry(t, kernel.Config{Providers: []provider.Provider{c.Provider(fakes.GCP)}, BackoffBase: time.Second, BackoffMax: 10 * time.Minute})
	p, _ := r.Get(fakes.GCP)
	hint := &provider.RateLimitError{RetryAfter: 3 * time.Minute}
	if until := p.Failed(t0, hint); until.Before(t0.Add(3 * time.Minute)) {
		t.Errorf("backoff until %v, before the 3 min hint", until)
	}
	huge := &provider.RateLimitError{RetryAfter: time.Hour}
	if until := p.Failed(t0, huge); until.After(t0.Add(10 * time.Minute)) {
		t.Errorf("backoff until %v, past BackoffMax", until)
	}
	p.Succeeded()
	if !p.BackoffUntil().IsZero() {
		t.Error("Succeeded left a backoff")
	}
}

func TestTokenBucketIsShared(t *testing.T) {
	c := fakes.NewCloud(clocktest.New(t0), 1)
	r := newRegistry(t, kernel.Config{Providers: []provider.Provider{c.Provider(fakes.GCP)}, RateLimit: 1, Burst: 2})
	p, _ := r.Get(fakes.GCP)
	if !p.Allow(t0) || p.Admit(t0) != 0 {
		t.Fatal("the burst of 2 was not there")
	}
	if p.Allow(t0) {
		t.Fatal("a third call in the same instant was allowed")
	}
	if d := p.Admit(t0); d != time.Second {
		t.Fatalf("Admit = %v, want 1s at 1/s", d)
	}
	// Admit's refusal took no token: one second later exactly one call goes.
	if d := p.Admit(t0.Add(time.Second)); d != 0 {
		t.Fatalf("Admit after the wait = %v, want 0", d)
	}
	// A backoff holds every caller until it ends.
	p.Failed(t0.Add(time.Second), &provider.RateLimitError{RetryAfter: time.Minute})
	if d := p.Admit(t0.Add(2 * time.Second)); d < 59*time.Second {
		t.Fatalf("Admit during a backoff = %v, want the rest of the minute", d)
	}
}

// conflicting makes the first n writes of host "h" lose a race.
type conflicting struct {
	*store.MemStore
	n atomic.Int32
}

func (s *conflicting) Update(ctx context.Context, w store.Write) (hoststate.Record, error) {
	if s.n.Add(-1) >= 0 {
		cur, _ := s.MemStore.Get(ctx, w.Record.ID)
		cur.ProbeFailures += 100
		if _, err := s.MemStore.Update(ctx, store.Write{Record: cur}); err != nil {
			return hoststate.Record{}, err
		}
	}
	return s.MemStore.Update(ctx, w)
}

func TestModifyRedecidesOnConflictAndIsBounded(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		conflicts int32
		wantErr   bool
	}{{0, false}, {3, false}, {kernel.MaxConflicts - 1, false}, {kernel.MaxConflicts, true}, {100, true}} {
		s := &conflicting{MemStore: store.NewMemStore(store.MemConfig{})}
		if _, err := s.MemStore.Update(ctx, store.Write{Record: hoststate.Record{ID: "h", Status: hoststate.StatusRunning}}); err != nil {
			t.Fatal(err)
		}
		s.n.Store(tc.conflicts)
		decisions := 0
		got, err := kernel.Modify(ctx, s, "h", func(cur hoststate.Record) (store.Write, error) {
			decisions++
			cur.ProbeFailures++
			return store.Write{Record: cur}, nil
		})
		if tc.wantErr {
			if !errors.Is(err, store.ErrConflict) || decisions != kernel.MaxConflicts {
				t.Errorf("%d conflicts: err = %v after %d decisions, want ErrConflict after %d", tc.conflicts, err, decisions, kernel.MaxConflicts)
			}
			continue
		}
		// Every decision saw the other writer's increments: none lost.
		if err != nil || got.ProbeFailures != int(tc.conflicts)*100+1 {
			t.Errorf("%d conflicts: %v, ProbeFailures %d", tc.conflicts, err, got.ProbeFailures)
		}
	}
}

func TestModifyUnchangedWritesNothing(t *testing.T) {
	s := store.NewMemStore(store.MemConfig{})
	rec, _ := s.Update(t.Context(), store.Write{Record: hoststate.Record{ID: "h", Status: hoststate.StatusOff}})
	got, err := kernel.Modify(t.Context(), s, "h", func(hoststate.Record) (store.Write, error) { return store.Write{}, kernel.ErrUnchanged })
	if err != nil || got.Version != rec.Version {
		t.Fatalf("Modify = version %d, %v; want the unchanged record", got.Version, err)
	}
}
