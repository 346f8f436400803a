package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hostapi"
	"github.com/driftless/driftless/hoststate"
)

// agent is a simulated host daemon: while its host's VM runs it sends
// heartbeats to the control plane over HTTP, with its own token, exactly
// as a real daemon would, and reports its first-boot setup done a minute
// after its VM came up. A silent agent's daemon is dead: its host goes
// stale.
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

// sleep waits d on the simulated clock, or until ctx ends.
func (e *agentEnv) sleep(ctx context.Context, d time.Duration) bool {
	t := e.clk.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}

// run is the daemon's loop until ctx ends.
func (a agent) run(ctx context.Context, e *agentEnv) {
	var upSince time.Time
	for {
		pause := 30 * time.Second
		tr := e.cloud.Truth(a.kind, a.rec.Ref)
		switch {
		case tr.VM != hoststate.VMRunning:
			upSince = time.Time{} // no VM, no daemon
		case a.silent:
		default:
			if upSince.IsZero() {
				upSince = e.clk.Now()
			}
			booted := e.clk.Now().Sub(upSince) >= time.Minute
			reply, err := a.heartbeat(ctx, e, tr.Address, booted)
			if err != nil {
				e.log.Debug("agent: heartbeat failed", "host", a.id, "error", err)
				break
			}
			pause = time.Duration(reply.IntervalSeconds) * time.Second
			if booted && reply.Accepted && !reply.BootstrapDone {
				if _, err := a.post(ctx, e, "bootstrap-done", hostapi.HeartbeatRequest{HostID: a.id}); err != nil {
					e.log.Debug("agent: bootstrap-done failed", "host", a.id, "error", err)
				}
			}
		}
		if !e.sleep(ctx, max(pause, time.Second)) {
			return
		}
	}
}

// heartbeat sends one heartbeat.
func (a agent) heartbeat(ctx context.Context, e *agentEnv, addr string, booted bool) (hostapi.HeartbeatReply, error) {
	req := hostapi.HeartbeatRequest{HostID: a.id, Version: "0.1.0-demo", Bootstrap: hostapi.BootstrapPending}
	if booted {
		req.Bootstrap = hostapi.BootstrapDone
	}
	if addr != "" {
		req.Address = addr + ":8443"
	}
	return a.post(ctx, e, "heartbeat", req)
}

// post sends one daemon request and decodes the reply.
func (a agent) post(ctx context.Context, e *agentEnv, what string, body hostapi.HeartbeatRequest) (hostapi.HeartbeatReply, error) {
	var reply hostapi.HeartbeatReply
	b, err := json.Marshal(body)
	if err != nil {
		return reply, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.base+"api/hosts/"+url.PathEscape(a.id)+"/"+what, bytes.NewReader(b))
	if err != nil {
		return reply, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := e.client.Do(req)
	if err != nil {
		return reply, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return reply, fmt.Errorf("%s: %s", what, res.Status)
	}
	return reply, json.NewDecoder(res.Body).Decode(&reply)
}
