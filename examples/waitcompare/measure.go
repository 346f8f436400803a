package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// stats summarize one strategy over a scenario's timelines.
type stats struct {
	meanLag, p95Lag, maxLag time.Duration
	meanCalls               float64
	maxCalls                int
}

func summarize(rs []result) stats {
	var s stats
	lags := make([]time.Duration, len(rs))
	var lagSum time.Duration
	calls := 0
	for i, r := range rs {
		lags[i] = r.lag
		lagSum += r.lag
		calls += r.calls
		s.maxCalls = max(s.maxCalls, r.calls)
	}
	if len(rs) == 0 {
		return s
	}
	slices.Sort(lags)
	s.meanLag = lagSum / time.Duration(len(rs))
	s.p95Lag = lags[(len(lags)*95+99)/100-1]
	s.maxLag = lags[len(lags)-1]
	s.meanCalls = float64(calls) / float64(len(rs))
	return s
}

// row is one scenario measured with every strategy.
type row struct {
	sc scenario
	// how says how the waiter waited: native operation, pushed reports
	// or polling.
	how                     string
	waiter, fixed, doubling stats
}

// measure runs n timelines of every scenario with the three strategies.
func measure(ctx context.Context, n int, seed uint64) ([]row, error) {
	var rows []row
	for i, sc := range scenarios() {
		var ws, fs, ds []result
		r := row{sc: sc}
		for j := range n {
			tl := drawTimeline(sc, i, j, seed)
			for _, s := range []struct {
				run strategy
				out *[]result
			}{{waiterStrategy, &ws}, {fixedStrategy, &fs}, {doublingStrategy, &ds}} {
				w, err := tl.setup(ctx)
				if err != nil {
					return nil, err
				}
				if r.how == "" {
					r.how = waitKind(w, sc)
				}
				res, err := s.run(ctx, w, tl)
				if err != nil {
					return nil, err
				}
				*s.out = append(*s.out, res)
			}
		}
		r.waiter, r.fixed, r.doubling = summarize(ws), summarize(fs), summarize(ds)
		rows = append(rows, r)
	}
	return rows, nil
}

// waitKind says how the waiter waits in a world.
func waitKind(w *world, sc scenario) string {
	switch {
	case w.op != nil:
		return "native operation"
	case w.p.Capabilities().PushReports:
		return "pushed reports"
	case sc.unexpected:
		return "polling, backoff"
	}
	return fmt.Sprintf("polling, expects %d s", int(sc.expected().Seconds()))
}

// Targets of the comparison (asserted by the test, reported by the command).
const (
	// nativeMaxLag and nativeMaxCalls bound a wait that has a native
	// operation or pushed reports.
	nativeMaxLag   = time.Second
	nativeMaxCalls = 3
)

// check reports whether a row meets its target: with a native wait (or
// pushed reports) every wait notices within nativeMaxLag using at most
// nativeMaxCalls calls; with polling, the mean lag is no worse than fixed
// 5 s polling with at most half its calls. Stress rows have no target.
func (r row) check() error {
	switch {
	case r.sc.stress:
		return nil
	case r.how == "native operation" || r.how == "pushed reports":
		if r.waiter.maxLag > nativeMaxLag || r.waiter.maxCalls > nativeMaxCalls {
			return fmt.Errorf("%s: %s: max lag %s, max calls %d; want <= %s and <= %d",
				r.sc.label(), r.how, r.waiter.maxLag, r.waiter.maxCalls, nativeMaxLag, nativeMaxCalls)
		}
	default:
		if r.waiter.meanLag > r.fixed.meanLag || r.waiter.meanCalls > r.fixed.meanCalls/2 {
			return fmt.Errorf("%s: mean lag %s vs fixed 5 s %s, mean calls %.1f vs %.1f; want lag no worse and at most half the calls",
				r.sc.label(), r.waiter.meanLag, r.fixed.meanLag, r.waiter.meanCalls, r.fixed.meanCalls)
		}
	}
	return nil
}
