package waiter_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/waiter"
)

var (
	running  = hoststate.Observation{VM: hoststate.VMRunning, Address: "203.0.113.7", RawVM: "RUNNING"}
	starting = hoststate.Observation{VM: hoststate.VMStarting, RawVM: "STAGING"}
	stopping = hoststate.Observation{VM: hoststate.VMStopping, RawVM: "DELETING"}
	absent   = hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumePresent, RawVolume: "available"}
	broken   = hoststate.Observation{VM: hoststate.VMError, RawVM: "ERROR"}
	gone     = hoststate.Observation{VM: hoststate.VMAbsent, Volume: hoststate.VolumeAbsent}
)

// answer is one scripted probe result.
type answer struct {
	o   hoststate.Observation
	err error
}

func ok(o hoststate.Observation) answer { return answer{o: o} }

var (
	unavailable = answer{err: errors.Join(errors.New("503"), provider.ErrUnavailable)}
	badResponse = answer{err: errors.Join(errors.New("html page"), provider.ErrBadResponse)}
)

// script is a probe whose answer depends on simulated time: phases[i]
// holds from at[i] on. It records when it was called.
type script struct {
	clock  *clocktest.Clock
	at     []time.Duration
	phases []answer
	calls  []time.Duration
}

func (s *script) probe(context.Context) (hoststate.Observation, error) {
	el := s.clock.Now().Sub(t0)
	s.calls = append(s.calls, el)
	a := s.phases[0]
	for i, from := range s.at {
		if el >= from {
			a = s.phases[i]
		}
	}
	return a.o, a.err
}

// seq is a probe answering the scripted answers in order, then the last
// one forever.
type seq struct {
	answers []answer
	n       int
}

func (s *seq) probe(context.Context) (hoststate.Observation, error) {
	a := s.answers[min(s.n, len(s.answers)-1)]
	s.n++
	return a.o, a.err
}

// waitResult is what a driven Wait returned, and when.
type waitResult struct {
	o   hoststate.Observation
	err error
	at  time.Duration
}

func runWait(t *testing.T, clock *clocktest.Clock, probe waiter.Probe, opts waiter.Options) waitResult {
	t.Helper()
	if opts.Rand == nil {
		opts.Rand = newRand(9)
	}
	return drive(t, t.Context(), clock, 2*time.Hour, nil, func() waitResult {
		o, err := waiter.Wait(t.Context(), clock, probe, opts)
		return waitResult{o, err, clock.Now().Sub(t0)}
	})
}

func TestWait(t *testing.T) {
	toRunning := waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), FailFast: waiter.VMIn(hoststate.VMError, hoststate.VMAbsent)}
	detached := waiter.Options{Target: waiter.Condition{VM: []hoststate.VMState{hoststate.VMAbsent}, Volume: []hoststate.VolumeState{hoststate.VolumePresent}}}
	tests := []struct {
		name    string
		at      []time.Duration
		phases  []answer
		opts    waiter.Options
		want    hoststate.Observation
		wantErr error
		// doneBy bounds when the wait ends; minProbes/maxProbes its cost.
		notBefore, doneBy time.Duration
		maxProbes         int
	}{
		{
			name: "already there: one probe", at: []time.Duration{0}, phases: []answer{ok(running)},
			opts: toRunning, want: running, doneBy: 0, maxProbes: 1,
		},
		{
			name: "starting then running", at: []time.Duration{0, 30 * time.Second}, phases: []answer{ok(starting), ok(running)},
			opts: toRunning, want: running, notBefore: 30 * time.Second, doneBy: 50 * time.Second, maxProbes: 8,
		},
		{
			name: "an absent target needs two observations", at: []time.Duration{0, 30 * time.Second}, phases: []answer{ok(stopping), ok(absent)},
			opts: detached, want: absent, notBefore: 30*time.Second + waiter.DefaultMinInterval, doneBy: 60 * time.Second, maxProbes: 9,
		},
		{
			name: "transient errors are never the target", at: []time.Duration{0}, phases: []answer{unavailable},
			opts: waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), Timeout: time.Minute}, wantErr: waiter.ErrTimeout,
			notBefore: time.Minute, doneBy: time.Minute + step,
		},
		{
			name: "transient errors delay, never decide", at: []time.Duration{0, 10 * time.Second, 40 * time.Second}, phases: []answer{ok(starting), unavailable, ok(running)},
			opts: toRunning, want: running, notBefore: 40 * time.Second, doneBy: 70 * time.Second,
		},
		{
			name: "fail fast on error", at: []time.Duration{0, 20 * time.Second}, phases: []answer{ok(starting), ok(broken)},
			opts: toRunning, want: broken, wantErr: waiter.ErrFailFast, notBefore: 20 * time.Second, doneBy: 40 * time.Second,
		},
		{
			name: "not found right after a create is tolerated", at: []time.Duration{0, 20 * time.Second, 40 * time.Second}, phases: []answer{ok(absent), ok(starting), ok(running)},
			opts: withGrace(toRunning, 30*time.Second), want: running, notBefore: 40 * time.Second, doneBy: 70 * time.Second,
		},
		{
			name: "not found after the grace fails fast", at: []time.Duration{0, 45 * time.Second}, phases: []answer{ok(starting), ok(absent)},
			opts: withGrace(toRunning, 30*time.Second), want: absent, wantErr: waiter.ErrFailFast, notBefore: 45 * time.Second, doneBy: 70 * time.Second,
		},
		{
			name: "timeout keeps the last observation", at: []time.Duration{0}, phases: []answer{ok(stopping)},
			opts: waiter.Options{Target: detached.Target, Timeout: 90 * time.Second}, want: stopping, wantErr: waiter.ErrTimeout,
			notBefore: 90 * time.Second, doneBy: 90*time.Second + step,
		},
		{
			name: "a non-transient probe error ends the wait", at: []time.Duration{0, 10 * time.Second}, phases: []answer{ok(starting), badResponse},
			opts: toRunning, want: starting, wantErr: provider.ErrBadResponse, notBefore: 10 * time.Second, doneBy: 30 * time.Second,
		},
		{
			name: "expected duration: quiet, then dense near the end", at: []time.Duration{0, 100 * time.Second}, phases: []answer{ok(starting), ok(running)},
			opts: waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), ExpectedDuration: 100 * time.Second}, want: running,
			notBefore: 100 * time.Second, doneBy: 100*time.Second + waiter.DefaultMinInterval + step, maxProbes: 7,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				s := &script{clock: clock, at: tt.at, phases: tt.phases}
				r := runWait(t, clock, s.probe, tt.opts)
				if !errIs(r.err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", r.err, tt.wantErr)
				}
				if r.o != tt.want {
					t.Errorf("observation %+v, want %+v", r.o, tt.want)
				}
				if r.at < tt.notBefore || r.at > tt.doneBy {
					t.Errorf("ended at %s, want within [%s, %s]", r.at, tt.notBefore, tt.doneBy)
				}
				if tt.maxProbes > 0 && len(s.calls) > tt.maxProbes {
					t.Errorf("%d probes at %v, want at most %d", len(s.calls), s.calls, tt.maxProbes)
				}
				if tt.opts.ExpectedDuration > 0 && s.calls[0] < time.Duration(float64(tt.opts.ExpectedDuration)*waiter.QuietFraction) {
					t.Errorf("first probe at %s, inside the quiet period", s.calls[0])
				}
				if last := s.calls[len(s.calls)-1]; last > tt.doneBy {
					t.Errorf("probed at %s, after the end", last)
				}
			})
		})
	}
}

func withGrace(o waiter.Options, g time.Duration) waiter.Options {
	o.NotFoundGrace = g
	return o
}

// TestWaitTimeoutError checks what a timeout carries.
func TestWaitTimeoutError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := clocktest.New(t0)
		s := &seq{answers: []answer{ok(stopping), unavailable}}
		r := runWait(t, clock, s.probe, waiter.Options{Target: waiter.VMIn(hoststate.VMStopped), Timeout: time.Minute})
		var te *waiter.TimeoutError
		if !errors.As(r.err, &te) {
			t.Fatalf("err = %v, want *TimeoutError", r.err)
		}
		if !te.Observed || te.Observation != stopping || te.Waited != time.Minute {
			t.Errorf("timeout %+v, want the stopping observation after 1m", te)
		}
		if !errors.Is(r.err, provider.ErrUnavailable) {
			t.Errorf("timeout does not unwrap to the last attempt's error: %v", r.err)
		}
	})
}

// TestConfirmationsRestartOnDisagreement: a flapping answer restarts the
// run of confirmations; failed probes in between do not.
func TestConfirmationsRestartOnDisagreement(t *testing.T) {
	target := waiter.Options{Target: waiter.VMIn(hoststate.VMAbsent), Confirmations: 3}
	tests := []struct {
		name    string
		answers []answer
		probes  int
	}{
		{"consecutive", []answer{ok(gone), ok(gone), ok(gone)}, 3},
		{"a flap restarts", []answer{ok(gone), ok(gone), ok(stopping), ok(gone), ok(gone), ok(gone)}, 6},
		{"errors neither count nor break", []answer{ok(gone), unavailable, ok(gone), unavailable, ok(gone)}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				s := &seq{answers: tt.answers}
				r := runWait(t, clock, s.probe, target)
				if r.err != nil || s.n != tt.probes {
					t.Fatalf("err %v after %d probes, want success after %d", r.err, s.n, tt.probes)
				}
			})
		})
	}
}

// TestWaitInvalidOptions: options that describe no wait are refused before
// any probe.
func TestWaitInvalidOptions(t *testing.T) {
	target := waiter.VMIn(hoststate.VMRunning)
	tests := []struct {
		name string
		opts waiter.Options
	}{
		{"no target", waiter.Options{}},
		{"negative timeout", waiter.Options{Target: target, Timeout: -time.Second}},
		{"negative interval", waiter.Options{Target: target, MinInterval: -time.Second}},
		{"max below min", waiter.Options{Target: target, MinInterval: 10 * time.Second, MaxInterval: time.Second}},
		{"multiplier below one", waiter.Options{Target: target, Multiplier: 0.5}},
		{"multiplier NaN", waiter.Options{Target: target, Multiplier: math.NaN()}},
		{"negative confirmations", waiter.Options{Target: target, Confirmations: -1}},
		{"negative grace", waiter.Options{Target: target, NotFoundGrace: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				s := &seq{answers: []answer{ok(running)}}
				if _, err := waiter.Wait(t.Context(), clock, s.probe, tt.opts); !errors.Is(err, waiter.ErrInvalidOptions) {
					t.Fatalf("err = %v, want ErrInvalidOptions", err)
				}
				if s.n != 0 {
					t.Errorf("%d probes for invalid options", s.n)
				}
			})
		})
	}
	if _, err := waiter.Wait(t.Context(), nil, (&seq{answers: []answer{ok(running)}}).probe, waiter.Options{Target: target}); !errors.Is(err, waiter.ErrInvalidOptions) {
		t.Errorf("nil clock: %v", err)
	}
	if _, err := waiter.Wait(t.Context(), clocktest.New(t0), nil, waiter.Options{Target: target}); !errors.Is(err, waiter.ErrInvalidOptions) {
		t.Errorf("nil probe: %v", err)
	}
}

// TestWaitContextCancelled: a cancelled context ends the wait with the
// context's error, wrapped.
func TestWaitContextCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := clocktest.New(t0)
		ctx, cancel := context.WithCancel(t.Context())
		s := &script{clock: clock, at: []time.Duration{0}, phases: []answer{ok(starting)}}
		err := drive(t, t.Context(), clock, time.Hour, func(now time.Time, _ <-chan struct{}) {
			if now.Sub(t0) >= 30*time.Second {
				cancel()
			}
		}, func() error {
			_, err := waiter.Wait(ctx, clock, s.probe, waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), Rand: newRand(1)})
			return err
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// operation is a scripted native operation: done at a time, with an error.
type operation struct {
	clock *clocktest.Clock
	done  time.Time
	err   error
}

func (o *operation) Name() string { return "operation-1" }

func (o *operation) Wait(ctx context.Context) error {
	t := o.clock.NewTimer(o.done.Sub(o.clock.Now()))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return o.err
	}
}

// TestWaitOperation: the native operation first, then probes — done is
// necessary, not sufficient.
func TestWaitOperation(t *testing.T) {
	failed := errors.Join(errors.New("QUOTA_EXCEEDED"), provider.ErrOperationFailed)
	pollFailed := errors.Join(errors.New("poll: 503"), provider.ErrUnavailable)
	tests := []struct {
		name    string
		opDone  time.Duration
		opErr   error
		at      []time.Duration
		phases  []answer
		timeout time.Duration
		wantErr error
		// firstProbe is when the first probe must happen (-1: never).
		firstProbe time.Duration
	}{
		{"done, then verified", 40 * time.Second, nil, []time.Duration{0, 40 * time.Second}, []answer{ok(starting), ok(running)}, 0, nil, 40 * time.Second},
		{"done but not there yet", 40 * time.Second, nil, []time.Duration{0, 50 * time.Second}, []answer{ok(starting), ok(running)}, 0, nil, 40 * time.Second},
		{"done with an error", 40 * time.Second, failed, []time.Duration{0}, []answer{ok(starting)}, 0, provider.ErrOperationFailed, -1},
		{"polling the operation failed: probes decide", 40 * time.Second, pollFailed, []time.Duration{0, 30 * time.Second}, []answer{ok(starting), ok(running)}, 0, nil, 40 * time.Second},
		{"slower than the timeout", 10 * time.Minute, nil, []time.Duration{0}, []answer{ok(starting)}, time.Minute, waiter.ErrTimeout, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				s := &script{clock: clock, at: tt.at, phases: tt.phases}
				op := &operation{clock: clock, done: t0.Add(tt.opDone), err: tt.opErr}
				r := runWait(t, clock, s.probe, waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), Operation: op, Timeout: tt.timeout})
				if !errIs(r.err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", r.err, tt.wantErr)
				}
				switch {
				case tt.firstProbe < 0 && len(s.calls) > 0:
					t.Errorf("probed at %v, want no probe", s.calls)
				case tt.firstProbe >= 0 && (len(s.calls) == 0 || s.calls[0] != tt.firstProbe):
					t.Errorf("probes at %v, want the first at %s", s.calls, tt.firstProbe)
				}
			})
		})
	}
}

// TestWaitReports: pushed reports decide without polling; a closed
// subscription falls back to probes.
func TestWaitReports(t *testing.T) {
	for _, closeIt := range []bool{false, true} {
		name := "report decides"
		if closeIt {
			name = "closed channel falls back to polling"
		}
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				s := &script{clock: clock, at: []time.Duration{0, 30 * time.Second}, phases: []answer{ok(starting), ok(running)}}
				reports := make(chan hoststate.Observation)
				sent := false
				r := drive(t, t.Context(), clock, time.Hour, func(now time.Time, finished <-chan struct{}) {
					if sent || now.Sub(t0) < 30*time.Second {
						return
					}
					sent = true
					if closeIt {
						close(reports)
						return
					}
					select {
					case reports <- running:
						// The report meets the target: the waiter ends on it,
						// so hold the clock until it has.
						<-finished
					case <-finished:
					}
				}, func() waitResult {
					o, err := waiter.Wait(t.Context(), clock, s.probe, waiter.Options{Target: waiter.VMIn(hoststate.VMRunning), Reports: reports, Rand: newRand(2)})
					return waitResult{o, err, clock.Now().Sub(t0)}
				})
				if r.err != nil || r.o.VM != hoststate.VMRunning {
					t.Fatalf("wait: %+v, %v", r.o, r.err)
				}
				if !closeIt && (len(s.calls) != 2 || r.at > 30*time.Second+step) {
					// The first probe, one safety probe at MaxInterval, then the report.
					t.Errorf("probes at %v, ended at %s: want the report to decide at 30s", s.calls, r.at)
				}
				if closeIt && r.at > 60*time.Second {
					t.Errorf("after the subscription closed, polling took until %s", r.at)
				}
			})
		})
	}
}
