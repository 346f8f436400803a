package main

import (
	"context"
	"fmt"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/waiter"
)

// span is a range a transition's duration is drawn from, uniformly.
type span struct {
	lo, hi time.Duration
}

// mid is the span's midpoint: what the waiter is told to expect.
func (s span) mid() time.Duration { return (s.lo + s.hi) / 2 }

// scenario is one action at one simulated provider: how long it takes
// (drawn per timeline), what it does, and the target a wait waits for.
type scenario struct {
	kind, action string
	// spans are the durations drawn per timeline; set writes them into
	// the cloud's Durations. The target holds once all of them have
	// passed after the action (they run one after the other).
	spans []span
	set   func(d *fakes.Durations, x []time.Duration)
	// running is the host's state before the action.
	running bool
	act     func(ctx context.Context, w actor) (provider.Operation, error)
	target  waiter.Condition
	// stress marks a row outside the design point (a wide spread of
	// durations), shown to say where the advantage ends, not asserted.
	stress bool
	// unexpected withholds ExpectedDuration from the waiter, to show its
	// plain backoff.
	unexpected bool
}

// expected is the typical duration the waiter is told: the sum of the
// spans' midpoints. It never sees the drawn durations.
func (s scenario) expected() time.Duration {
	var d time.Duration
	for _, sp := range s.spans {
		d += sp.mid()
	}
	return d
}

// label names the row, e.g. "hyperstack stop".
func (s scenario) label() string {
	l := s.kind + " " + s.action
	if s.stress {
		l += " (wide spread)"
	}
	if s.unexpected {
		l += " (no ExpectedDuration)"
	}
	return l
}

// rangeLabel renders the spans, e.g. "24–36 s + 12–18 s".
func (s scenario) rangeLabel() string {
	out := ""
	for i, sp := range s.spans {
		if i > 0 {
			out += " + "
		}
		out += fmt.Sprintf("%d–%d s", int(sp.lo.Seconds()), int(sp.hi.Seconds()))
	}
	return out
}

// actor is what an action acts with: the provider, its cloud and the host.
type actor struct {
	cloud *fakes.Cloud
	p     provider.Provider
	h     provider.Host
}

func start(ctx context.Context, w actor) (provider.Operation, error) { return w.p.Start(ctx, w.h) }

func stop(ctx context.Context, w actor) (provider.Operation, error) { return w.p.Stop(ctx, w.h) }

func deprovision(ctx context.Context, w actor) (provider.Operation, error) {
	return w.p.Deprovision(ctx, w.h)
}

// launch creates an instance outside the adapter (the Lambda adapter does
// not launch instances): the wait for it to run is the same.
func launch(_ context.Context, w actor) (provider.Operation, error) {
	return nil, w.cloud.ConsoleStart(w.p.Name(), w.h)
}

// sec is a shorthand for span literals in seconds.
func sec(lo, hi int) span {
	return span{time.Duration(lo) * time.Second, time.Duration(hi) * time.Second}
}

// scenarios are the measured rows. Durations are assumptions of typical
// behaviour — a midpoint ±20%, uniform — not measurements of the real
// clouds: the same timelines feed every strategy, so the comparison is
// fair whatever the true numbers are.
func scenarios() []scenario {
	running := waiter.VMIn(hoststate.VMRunning)
	stopped := waiter.VMIn(hoststate.VMStopped)
	gone := waiter.Condition{VM: []hoststate.VMState{hoststate.VMAbsent}}
	detached := waiter.Condition{VM: []hoststate.VMState{hoststate.VMAbsent}, Volume: []hoststate.VolumeState{hoststate.VolumePresent}}
	setStart := func(d *fakes.Durations, x []time.Duration) { d.Start = x[0] }
	setStop := func(d *fakes.Durations, x []time.Duration) { d.Stop = x[0] }
	setCreate := func(d *fakes.Durations, x []time.Duration) { d.Create = x[0] }
	setDelete := func(d *fakes.Durations, x []time.Duration) { d.Delete = x[0] }
	setHyperstackStop := func(d *fakes.Durations, x []time.Duration) { d.Stop, d.VolumeDetach = x[0], x[1] }
	return []scenario{
		{kind: fakes.GCP, action: "start", spans: []span{sec(24, 36)}, set: setStart, act: start, target: running},
		{kind: fakes.GCP, action: "stop", spans: []span{sec(32, 48)}, set: setStop, running: true, act: stop, target: stopped},
		{kind: fakes.Nebius, action: "start", spans: []span{sec(40, 60)}, set: setStart, act: start, target: running},
		{kind: fakes.Nebius, action: "stop", spans: []span{sec(24, 36)}, set: setStop, running: true, act: stop, target: stopped},
		{kind: fakes.Hyperstack, action: "start", spans: []span{sec(120, 180)}, set: setCreate, act: start, target: running},
		{kind: fakes.Hyperstack, action: "stop", spans: []span{sec(24, 36), sec(12, 18)}, set: setHyperstackStop, running: true, act: stop, target: detached},
		{kind: fakes.Lambda, action: "launch", spans: []span{sec(192, 288)}, set: setCreate, act: launch, target: running},
		{kind: fakes.Lambda, action: "deprovision", spans: []span{sec(48, 72)}, set: setDelete, running: true, act: deprovision, target: gone},
		{kind: fakes.SelfHost, action: "start", spans: []span{sec(16, 24)}, set: setStart, act: start, target: running},
		{kind: fakes.SelfHost, action: "stop", spans: []span{sec(8, 12)}, set: setStop, running: true, act: stop, target: stopped},
		{kind: fakes.Hyperstack, action: "start", spans: []span{sec(75, 225)}, set: setCreate, act: start, target: running, stress: true},
		{kind: fakes.Hyperstack, action: "start", spans: []span{sec(75, 225)}, set: setCreate, act: start, target: running, stress: true, unexpected: true},
	}
}

// hostFor returns a valid host reference for kind.
func hostFor(kind string) provider.Host {
	switch kind {
	case fakes.GCP:
		return provider.Host{Project: "proj", Zone: "zone-a", Instance: "host-1", Volume: "disk-1"}
	case fakes.Nebius:
		return provider.Host{Project: "proj", Instance: "vm-1", Volume: "vol-1"}
	case fakes.Hyperstack:
		return provider.Host{Region: "region-1", Instance: "vm-1", Volume: "1001"}
	case fakes.SelfHost:
		return provider.Host{Project: "conn-1", Instance: "vm-1"}
	}
	return provider.Host{Region: "region-1", Instance: "vm-1"}
}
