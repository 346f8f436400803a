package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostagent"
	"github.com/driftless/driftless/hoststate"
)

// agent is a simulated host daemon: while its host's VM runs, a
// hostagent.Heartbeater sends its heartbeats to the control plane over
// HTTP with its own token, exactly as a real daemon does, and reports its
// first-boot setup done a minute after the VM came up. A silent agent's
// daemon is dead: its host goes stale.
type agent struct {
	id, kind, token string
	rec             hoststate.Record
	silent          bool
}

// agentEnv is what every agent shares.
type agentEnv struct {
	clk    *wallClock
	cloud  *fakes.Cloud
	base   string // the control plane's URL
	client *http.Client
	log    *slog.Logger
}

// sleep waits d on the simulated clock, or until ctx ends (false).
func (e *agentEnv) sleep(ctx context.Context, d time.Duration) bool {
	return clock.Sleep(ctx, e.clk, d) == nil
}

// running reports whether the agent's VM runs, with its address.
func (a agent) running(e *agentEnv) (string, bool) {
	tr := e.cloud.Truth(a.kind, a.rec.Ref)
	return tr.Address, tr.VM == hoststate.VMRunning
}

// run is the daemon's loop until ctx ends: one daemon life per VM life.
func (a agent) run(ctx context.Context, e *agentEnv) {
	for {
		if addr, ok := a.running(e); ok && !a.silent {
			a.live(ctx, e, addr)
		}
		if !e.sleep(ctx, 30*time.Second) {
			return
		}
	}
}

// live runs the daemon of one VM's life: heartbeats until the VM stops
// running (or ctx ends), first boot reported done a minute in.
func (a agent) live(ctx context.Context, e *agentEnv, addr string) {
	log := e.log.With("host", a.id)
	cfg := hostagent.Config{ControlPlane: e.base, HostID: a.id, Token: a.token, Version: "0.1.0-demo",
		HTTPClient: e.client, Clock: e.clk, Logger: e.log, AllowInsecureHTTP: true} // its lines name the host
	if addr != "" {
		cfg.Address = addr + ":8443"
	}
	hb, err := hostagent.New(cfg)
	if err != nil {
		log.Warn("agent: cannot start", "error", err)
		return
	}
	life, end := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hb.Run(life); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("agent: heartbeats ended", "error", err)
		}
	}()
	up, booted := e.clk.Now(), false
	for e.sleep(life, 10*time.Second) {
		if _, ok := a.running(e); !ok {
			break // no VM, no daemon
		}
		if !booted && e.clk.Now().Sub(up) >= time.Minute {
			booted = hb.BootstrapDone(life) == nil
		}
	}
	end()
	<-done
}
