package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/hoststate"
)

// drift changes the cloud behind the control plane's back every `every`
// of simulated time — a VM stopped or started from a provider's console —
// so the dashboard shows the reconciler repairing drift. Lambda hosts are
// left alone: a Lambda instance stopped from the console is gone for good.
func drift(ctx context.Context, clk *wallClock, cloud *fakes.Cloud, hosts []hoststate.Record, every time.Duration, seed int64, log *slog.Logger) {
	rnd := rand.New(rand.NewPCG(uint64(seed), 11))
	var candidates []hoststate.Record
	for _, h := range hosts {
		if h.Provider != fakes.Lambda {
			candidates = append(candidates, h)
		}
	}
	if len(candidates) == 0 || every <= 0 {
		return
	}
	for {
		if clock.Sleep(ctx, clk, every) != nil {
			return
		}
		h := candidates[rnd.IntN(len(candidates))]
		event, act := "console stop", cloud.ConsoleStop
		if cloud.Truth(h.Provider, h.Ref).VM != hoststate.VMRunning {
			event, act = "console start", cloud.ConsoleStart
		}
		if err := act(h.Provider, h.Ref); err != nil {
			log.Debug("drift: refused", "host", h.ID, "event", event, "error", err)
			continue
		}
		log.Info("drift: behind the control plane's back", "host", h.ID, "event", event)
	}
}
