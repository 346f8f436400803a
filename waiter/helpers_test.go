package waiter_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"pgregory.net/rapid"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// t0 is when every test's fake clock starts.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// step is how far the driver moves the fake clock each time the code under
// test idles. Times the waiter sees are multiples of it, so runs repeat.
const step = 250 * time.Millisecond

// tb is what the helpers need of *testing.T and *rapid.T alike.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Error(args ...any)
	Errorf(format string, args ...any)
}

// tick runs after each move of the clock: a connector pushing reports, an
// external event. finished closes when the code under test returned.
type tick func(now time.Time, finished <-chan struct{})

// drive runs f on its own goroutine and moves clock by step each time
// every goroutine of the test's synctest bubble is durably blocked, until f
// returns, calling tick (if set) after each move. It fails the test if
// simulated time passes limit. The caller must run inside synctest.Test:
// "blocked" is then a fact the runtime knows, not a guess from timers.
func drive[T any](t tb, _ context.Context, clock *clocktest.Clock, limit time.Duration, tk tick, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	finished := make(chan struct{})
	go func() {
		v := f()
		close(finished)
		done <- v
	}()
	end := clock.Now().Add(limit)
	for {
		synctest.Wait()
		select {
		case v := <-done:
			return v
		default:
		}
		if clock.Now().After(end) {
			t.Fatalf("still waiting after %s of simulated time", limit)
		}
		clock.Advance(step)
		if tk != nil {
			tk(clock.Now(), finished)
		}
	}
}

// hostOf returns a valid host reference for kind, distinct per n: valid
// as the kind's real adapter validates it (a Hyperstack volume is a decimal
// id, a Nebius host names its project, a self-host its connector).
func hostOf(kind string, n int) provider.Host {
	id := string(rune('a'+n%26)) + "x"
	switch kind {
	case fakes.GCP:
		return provider.Host{Project: "proj", Zone: "zone-a", Instance: "host-" + id, Volume: "disk-" + id}
	case fakes.Nebius:
		return provider.Host{Project: "proj", Region: "region-1", Instance: "vm-" + id, Volume: "vol-" + id}
	case fakes.Hyperstack:
		return provider.Host{Region: "region-1", Instance: "vm-" + id, Volume: strconv.Itoa(1001 + n%26)}
	case fakes.SelfHost:
		return provider.Host{Project: "conn-1", Instance: "vm-" + id}
	}
	return provider.Host{Region: "region-1", Instance: "vm-" + id}
}

// env is a fake cloud, a store and Actions over them.
type env struct {
	t       tb
	ctx     context.Context
	clock   *clocktest.Clock
	cloud   *fakes.Cloud
	store   *checkedStore
	actions *waiter.Actions
	// reports are the pushed-report channels Subscribe handed out.
	mu      sync.Mutex
	reports map[string]chan hoststate.Observation
}

// envConfig tweaks an env.
type envConfig struct {
	timeouts  waiter.Timeouts
	push      bool
	expected  func(string, hoststate.Action) time.Duration
	providers func(c *fakes.Cloud) []provider.Provider
	// onWrite runs on every store write before it happens.
	onWrite func(rec hoststate.Record)
	dns     *waiter.DNS
	metrics waiter.Metrics
}

func newEnv(t *testing.T, cfg envConfig) *env {
	t.Helper()
	return newEnvTB(t, t.Context(), cfg)
}

// newEnvTB is newEnv for any tb (a rapid.T) with its context.
func newEnvTB(t tb, ctx context.Context, cfg envConfig) *env {
	t.Helper()
	clock := clocktest.New(t0)
	e := &env{t: t, ctx: ctx, clock: clock, cloud: fakes.NewCloud(clock, 7), reports: map[string]chan hoststate.Observation{}}
	e.store = &checkedStore{MemStore: store.NewMemStore(store.MemConfig{}), onWrite: cfg.onWrite}
	var provs []provider.Provider
	if cfg.providers != nil {
		provs = cfg.providers(e.cloud)
	} else {
		for _, k := range fakes.Kinds() {
			provs = append(provs, e.cloud.Provider(k))
		}
	}
	wc := waiter.Config{
		Store:            e.store,
		Providers:        provs,
		Clock:            clock,
		Timeouts:         cfg.timeouts,
		ExpectedDuration: cfg.expected,
		Seed:             3,
		DNS:              cfg.dns,
		Metrics:          cfg.metrics,
	}
	if cfg.push {
		wc.Subscribe = e.subscribe
	}
	a, err := waiter.New(wc)
	if err != nil {
		t.Fatal(err)
	}
	e.actions = a
	return e
}

// subscribe hands out an unbuffered report channel per host.
func (e *env) subscribe(id string) (<-chan hoststate.Observation, func()) {
	ch := make(chan hoststate.Observation)
	e.mu.Lock()
	e.reports[id] = ch
	e.mu.Unlock()
	return ch, func() {
		e.mu.Lock()
		delete(e.reports, id)
		e.mu.Unlock()
	}
}

// connector returns a tick that pushes the host's ground truth whenever
// it changes, as a self-host connector reports its VM manager's states.
// The channel is unbuffered: the push completes when the waiter takes it.
func (e *env) connector(id, kind string, h provider.Host) tick {
	var last fakes.Truth
	return func(_ time.Time, finished <-chan struct{}) {
		tr := e.cloud.Truth(kind, h)
		if tr == last {
			return
		}
		e.mu.Lock()
		ch := e.reports[id]
		e.mu.Unlock()
		if ch == nil {
			return
		}
		last = tr
		select {
		case ch <- tr.Observation():
		case <-finished:
		}
	}
}

// addHost creates the ground truth and the record of one host.
func (e *env) addHost(id, kind string, h provider.Host, running bool, status hoststate.Status) hoststate.Record {
	e.t.Helper()
	if err := e.cloud.AddHost(kind, h, running); err != nil {
		e.t.Fatal(err)
	}
	rec, err := e.store.Update(e.ctx, store.Write{Record: hoststate.Record{ID: id, Provider: kind, Ref: h, Status: status, Since: t0}})
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

// do runs one action under the driver.
func (e *env) do(act func(context.Context, string) (hoststate.Record, error), id string, tk tick) (hoststate.Record, error) {
	e.t.Helper()
	type res struct {
		rec hoststate.Record
		err error
	}
	r := drive(e.t, e.ctx, e.clock, time.Hour, tk, func() res {
		rec, err := act(e.ctx, id)
		return res{rec, err}
	})
	return r.rec, r.err
}

// get returns the stored record of id.
func (e *env) get(id string) hoststate.Record {
	e.t.Helper()
	rec, err := e.store.Get(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

// checkedStore is a MemStore that lets a test look at every write as it
// happens (on the writer's goroutine, at the fake clock's current time).
type checkedStore struct {
	*store.MemStore
	onWrite func(rec hoststate.Record)
	mu      sync.Mutex
	writes  []hoststate.Record
}

// Update implements store.Store.
func (s *checkedStore) Update(ctx context.Context, w store.Write) (hoststate.Record, error) {
	if s.onWrite != nil {
		s.onWrite(w.Record)
	}
	rec, err := s.MemStore.Update(ctx, w)
	if err == nil {
		s.mu.Lock()
		s.writes = append(s.writes, rec)
		s.mu.Unlock()
	}
	return rec, err
}

// statuses returns the statuses written, in order.
func (s *checkedStore) statuses() []hoststate.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]hoststate.Status, len(s.writes))
	for i, w := range s.writes {
		out[i] = w.Status
	}
	return out
}

// errIs reports whether err matches want (nil matches only nil).
func errIs(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

// newRand returns a seeded jitter generator.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// inBubble hands a bubble's *testing.T to rapid.Check under another type:
// rapid calls T.Deadline on a *testing.T, which synctest forbids.
type inBubble struct{ rapid.TB }
