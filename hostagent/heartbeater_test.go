package hostagent_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/hostagent"
)

// running starts h.Run in the bubble; stop cancels it and returns Run's
// error.
func running(t *testing.T, h *hostagent.Heartbeater) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- h.Run(ctx) }()
	return func() error {
		cancel()
		return <-errc
	}
}

// gaps returns the pauses between consecutive calls.
func gaps(calls []call) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(calls); i++ {
		out = append(out, calls[i].at.Sub(calls[i-1].at))
	}
	return out
}

// within reports whether every d is within ±frac of want.
func within(ds []time.Duration, want time.Duration, frac float64) error {
	lo, hi := time.Duration(float64(want)*(1-frac)), time.Duration(float64(want)*(1+frac))
	for i, d := range ds {
		if d < lo || d > hi {
			return fmt.Errorf("pause %d is %s, want %s ±%g", i, d, want, frac)
		}
	}
	return nil
}

func newAgent(t *testing.T, cfg hostagent.Config) *hostagent.Heartbeater {
	t.Helper()
	h, err := hostagent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The first heartbeat goes at once, the next ones every interval the
// control plane names, spread by the jitter; each carries the contract's
// fields and the bearer token.
func TestRunPacesByTheAnsweredInterval(t *testing.T) {
	for _, interval := range []int{5, 30, 90} {
		t.Run(fmt.Sprint(interval), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cp := &fakeCP{answer: always(http.StatusOK, fmt.Sprintf(`{"status":"running","accepted":true,"interval_seconds":%d,"bootstrap_done":true}`, interval))}
				start := time.Now()
				stop := running(t, newAgent(t, agentConfig(serve(t, cp), &logBuf{})))
				time.Sleep(30 * time.Minute)
				synctest.Wait()
				if err := stop(); !errors.Is(err, context.Canceled) {
					t.Errorf("Run returned %v, want context.Canceled", err)
				}
				calls := cp.got("")
				if len(calls) == 0 || !calls[0].at.Equal(start) {
					t.Fatalf("the first heartbeat did not go at once: %v", calls)
				}
				if err := within(gaps(calls), time.Duration(interval)*time.Second, hostagent.DefaultJitter); err != nil {
					t.Error(err)
				}
				if n, want := len(calls), int(30*time.Minute/(time.Duration(interval)*time.Second)); n < want*9/10 || n > want*11/10+1 {
					t.Errorf("%d heartbeats in 30 min at %ds", n, interval)
				}
				want := map[string]any{"host_id": testHost, "version": "1.4.2", "bootstrap": "pending", "address": "203.0.113.7:443"}
				for _, c := range calls {
					if diff := cmp.Diff(want, c.body); diff != "" || c.endpoint != "heartbeat" || c.auth != "Bearer "+testToken {
						t.Fatalf("request %s %q (-want +got):\n%s", c.endpoint, c.auth, diff)
					}
				}
			})
		})
	}
}

// The jitter spreads the pauses: they are not all the same.
func TestRunJitterSpreads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cp := &fakeCP{answer: always(http.StatusOK, runningOK)}
		client := serve(t, cp)
		cfg := agentConfig(client, &logBuf{})
		stop := running(t, newAgent(t, cfg))
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		_ = stop()
		ds := gaps(cp.got(""))
		distinct := map[time.Duration]bool{}
		for _, d := range ds {
			distinct[d] = true
		}
		if len(distinct) < len(ds)/2 {
			t.Errorf("pauses barely vary: %v", ds)
		}
	})
}

// A host that is not running has its heartbeats ignored: the agent takes
// the control plane's longer interval instead of retrying.
func TestRunBacksOffWhileNotRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cp := &fakeCP{answer: always(http.StatusOK, stoppingNo)}
		logs := &logBuf{}
		stop := running(t, newAgent(t, agentConfig(serve(t, cp), logs)))
		time.Sleep(time.Hour)
		synctest.Wait()
		_ = stop()
		calls := cp.got("")
		if err := within(gaps(calls), 120*time.Second, hostagent.DefaultJitter); err != nil {
			t.Error(err)
		}
		if len(calls) > 35 {
			t.Errorf("%d heartbeats in an hour while stopping", len(calls))
		}
		if n := strings.Count(logs.String(), "not running"); n != 1 {
			t.Errorf("the status change was logged %d times, want once:\n%s", n, logs)
		}
	})
}

// Failed requests back off exponentially, capped, and the next answer
// resets the pace; Retry-After lengthens the pause.
func TestRunBackoff(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   []time.Duration // the pauses after each of the 8 failures, then after the first success
	}{
		{"doubling", nil, []time.Duration{1, 2, 4, 8, 16, 32, 64, 120, 30}},
		{"retry-after", http.Header{"Retry-After": {"45"}}, []time.Duration{45, 45, 45, 45, 45, 45, 64, 120, 30}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cp := &fakeCP{answer: func(_ call, n int) (int, http.Header, string) {
					if n <= 8 {
						return http.StatusServiceUnavailable, tc.header, `{"error":"shutting down","code":"unavailable"}`
					}
					return http.StatusOK, nil, runningOK
				}}
				logs := &logBuf{}
				stop := running(t, newAgent(t, agentConfig(serve(t, cp), logs)))
				time.Sleep(20 * time.Minute)
				synctest.Wait()
				_ = stop()
				ds := gaps(cp.got(""))
				if len(ds) < len(tc.want) {
					t.Fatalf("only %d pauses", len(ds))
				}
				for i, w := range tc.want {
					if err := within(ds[i:i+1], w*time.Second, hostagent.DefaultJitter); err != nil {
						t.Errorf("after request %d: %v", i+1, err)
					}
					if tc.header != nil && i < 8 && ds[i] < 45*time.Second {
						t.Errorf("after request %d: %s, sooner than Retry-After", i+1, ds[i])
					}
				}
				if !strings.Contains(logs.String(), "unavailable: shutting down") || !strings.Contains(logs.String(), "answered again") {
					t.Errorf("logs lack the failure or the recovery:\n%s", logs)
				}
			})
		})
	}
}

// A request without an answer is cut off after RequestTimeout and
// retried after the backoff.
func TestRunRequestTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cp := &fakeCP{}
		hang := make(chan struct{})
		cp.answer = func(_ call, n int) (int, http.Header, string) {
			if n == 1 {
				<-hang
			}
			return http.StatusOK, nil, runningOK
		}
		logs := &logBuf{}
		cfg := agentConfig(serve(t, cp), logs)
		cfg.RequestTimeout = 7 * time.Second
		cfg.Jitter = -1
		stop := running(t, newAgent(t, cfg))
		time.Sleep(time.Minute)
		synctest.Wait()
		close(hang)
		_ = stop()
		if diff := cmp.Diff([]time.Duration{8 * time.Second, 30 * time.Second}, gaps(cp.got(""))[:2]); diff != "" {
			t.Errorf("pauses (-want +got):\n%s", diff)
		}
		if !strings.Contains(logs.String(), "no answer within 7s") {
			t.Errorf("logs lack the timeout:\n%s", logs)
		}
	})
}

// A refused token ends Run with ErrUnauthorized at once; neither the
// error nor the log quotes the token.
func TestRunUnauthorized(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cp := &fakeCP{answer: always(status, `{"error":"hostapi: unauthorized: invalid token for this host","code":"unauthorized"}`)}
				logs := &logBuf{}
				h := newAgent(t, agentConfig(serve(t, cp), logs))
				err := h.Run(t.Context())
				if !errors.Is(err, hostagent.ErrUnauthorized) {
					t.Fatalf("Run returned %v, want ErrUnauthorized", err)
				}
				if len(cp.got("")) != 1 {
					t.Errorf("%d requests, want 1", len(cp.got("")))
				}
				for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), logs.String()} {
					if strings.Contains(s, testToken) {
						t.Errorf("the token leaked: %s", s)
					}
				}
				if !strings.Contains(err.Error(), fmt.Sprint(status)) || !strings.Contains(logs.String(), "check the host's token") {
					t.Errorf("error %q, logs %q: want the status and advice", err, logs)
				}
			})
		})
	}
}

// Answers that are not the control plane's are failures, retried: a
// redirect is never followed (it could carry the token elsewhere), a 200
// without an answer, a 404.
func TestRunBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		status     int
		header     http.Header
		body       string
	}{
		{"redirect", "307", http.StatusTemporaryRedirect, http.Header{"Location": {"https://elsewhere.test/steal"}}, ""},
		{"not json", "without the control plane's answer", http.StatusOK, nil, "<html>proxy</html>"},
		{"no status", "without the control plane's answer", http.StatusOK, nil, `{"accepted":true}`},
		{"not found", "not_found: no such host", http.StatusNotFound, nil, `{"error":"no such host","code":"not_found"}`},
		{"control chars", `bad_request: a b`, http.StatusBadRequest, nil, `{"error":"a\nb","code":"bad_request"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cp := &fakeCP{answer: func(_ call, n int) (int, http.Header, string) {
					if n == 1 {
						return tc.status, tc.header, tc.body
					}
					return http.StatusOK, nil, runningOK
				}}
				logs := &logBuf{}
				stop := running(t, newAgent(t, agentConfig(serve(t, cp), logs)))
				time.Sleep(time.Minute)
				synctest.Wait()
				_ = stop()
				calls := cp.got("")
				if len(calls) < 2 || calls[1].at.Sub(calls[0].at) > 2*time.Second {
					t.Errorf("no quick retry after a bad answer: %v", gaps(calls))
				}
				for _, c := range calls {
					if c.endpoint != "heartbeat" {
						t.Errorf("a request went to %q", c.endpoint)
					}
				}
				if !strings.Contains(logs.String(), tc.want) {
					t.Errorf("logs lack %q:\n%s", tc.want, logs)
				}
			})
		})
	}
}

// Run stops cleanly both while it waits and while a request is in flight,
// and runs once at a time.
func TestRunStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cp := &fakeCP{}
		inFlight, release := make(chan struct{}), make(chan struct{})
		defer close(release)
		cp.answer = func(c call, n int) (int, http.Header, string) {
			if n == 2 {
				close(inFlight)
				<-release // no answer while the test runs: the client gives up
			}
			return http.StatusOK, nil, runningOK
		}
		h := newAgent(t, agentConfig(serve(t, cp), &logBuf{}))
		stop := running(t, h)
		synctest.Wait()
		if err := h.Run(t.Context()); !errors.Is(err, hostagent.ErrInvalid) {
			t.Errorf("a second Run returned %v", err)
		}
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("stopped while waiting: %v", err)
		}
		stop = running(t, h)
		<-inFlight
		synctest.Wait()
		start := time.Now()
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("stopped in flight: %v", err)
		}
		if time.Since(start) != 0 {
			t.Errorf("stopping took %s", time.Since(start))
		}
	})
}

// BootstrapDone reports at once; the heartbeats say "done" afterwards.
// Refused while the host is not starting or running, it is reported again
// after the first accepted heartbeat whose answer lacks it, and never
// again once recorded.
func TestBootstrapDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		recorded, status := false, "stopping"
		cp := &fakeCP{}
		cp.answer = func(c call, _ int) (int, http.Header, string) {
			mu.Lock()
			defer mu.Unlock()
			accepted := status == "running"
			if c.endpoint == "bootstrap-done" && accepted {
				recorded = true
			}
			interval := 30
			if !accepted {
				interval = 120
			}
			return http.StatusOK, nil, fmt.Sprintf(`{"status":%q,"accepted":%t,"interval_seconds":%d,"bootstrap_done":%t}`, status, accepted, interval, recorded)
		}
		h := newAgent(t, agentConfig(serve(t, cp), &logBuf{}))
		stop := running(t, h)
		synctest.Wait()
		err := h.BootstrapDone(t.Context())
		if !errors.Is(err, hostagent.ErrNotAccepted) || !strings.Contains(err.Error(), `"stopping"`) {
			t.Fatalf("BootstrapDone while stopping: %v", err)
		}
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		if n := len(cp.got("bootstrap-done")); n != 1 {
			t.Errorf("%d bootstrap-done while stopping, want only the explicit one", n)
		}
		// The host runs again (the control plane's next answer says so).
		mu.Lock()
		status = "running"
		mu.Unlock()
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		_ = stop()
		mu.Lock()
		defer mu.Unlock()
		if n := len(cp.got("bootstrap-done")); n != 2 || !recorded {
			t.Errorf("%d bootstrap-done, recorded %t; want the retry once", n, recorded)
		}
		beats := cp.got("heartbeat")
		if b := beats[len(beats)-1].body["bootstrap"]; b != "done" {
			t.Errorf("heartbeats say bootstrap %v after BootstrapDone", b)
		}
		mu.Unlock()
		if err := h.BootstrapDone(t.Context()); err != nil {
			t.Errorf("BootstrapDone while running: %v", err)
		}
		mu.Lock()
	})
}

// A daemon restarted after its setup finished starts with
// Config.Bootstrap done and reports it when the control plane lacks it;
// BootstrapFailed changes what the heartbeats say.
func TestBootstrapState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cp := &fakeCP{}
		cp.answer = func(c call, _ int) (int, http.Header, string) {
			done := len(cp.got("bootstrap-done")) > 0
			return http.StatusOK, nil, fmt.Sprintf(`{"status":"running","accepted":true,"interval_seconds":30,"bootstrap_done":%t}`, done)
		}
		cfg := agentConfig(serve(t, cp), &logBuf{})
		cfg.Bootstrap = hostagent.BootstrapDone
		h := newAgent(t, cfg)
		stop := running(t, h)
		synctest.Wait()
		if n := len(cp.got("bootstrap-done")); n != 1 {
			t.Errorf("%d bootstrap-done after the first heartbeat, want 1", n)
		}
		h.BootstrapFailed()
		time.Sleep(time.Minute)
		synctest.Wait()
		_ = stop()
		beats := cp.got("heartbeat")
		if first, last := beats[0].body["bootstrap"], beats[len(beats)-1].body["bootstrap"]; first != "done" || last != "failed" {
			t.Errorf("bootstrap %v then %v, want done then failed", first, last)
		}
	})
}
