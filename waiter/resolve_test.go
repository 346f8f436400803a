package waiter_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/waiter"
)

// dnsScript is a resolver whose answer depends on simulated time: NXDOMAIN
// until staleFrom, the old address until rightFrom, the new one after.
type dnsScript struct {
	clock                *clocktest.Clock
	staleFrom, rightFrom time.Duration
	other                error
	lookups              int
}

func (d *dnsScript) LookupHost(_ context.Context, name string) ([]string, error) {
	d.lookups++
	if d.other != nil {
		return nil, d.other
	}
	switch el := d.clock.Now().Sub(t0); {
	case el < d.staleFrom:
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	case el < d.rightFrom:
		return []string{"198.51.100.9"}, nil
	}
	return []string{"198.51.100.9", "2001:db8::7"}, nil
}

var _ waiter.Resolver = (*net.Resolver)(nil)

func TestWaitResolvable(t *testing.T) {
	tests := []struct {
		name               string
		staleFrom, rightAt time.Duration
		other              error
		want               string
		timeout            time.Duration
		wantErr            error
		// lastErr is what a timeout must say the resolver last answered.
		lastErr any
	}{
		{name: "through NXDOMAIN and a stale answer", staleFrom: 20 * time.Second, rightAt: 50 * time.Second, want: "2001:db8:0::7"},
		{name: "NXDOMAIN until the timeout", staleFrom: time.Hour, rightAt: time.Hour, want: "2001:db8::7", timeout: time.Minute, wantErr: waiter.ErrTimeout, lastErr: new(*net.DNSError)},
		{name: "wrong answer until the timeout", rightAt: time.Hour, want: "2001:db8::7", timeout: time.Minute, wantErr: waiter.ErrTimeout, lastErr: new(*waiter.WrongAnswerError)},
		{name: "a non-DNS error ends the wait", other: errors.New("resolver misconfigured"), want: "2001:db8::7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				d := &dnsScript{clock: clock, staleFrom: tt.staleFrom, rightFrom: tt.rightAt, other: tt.other}
				type res struct {
					addrs []string
					err   error
					at    time.Duration
				}
				r := drive(t, t.Context(), clock, 2*time.Hour, nil, func() res {
					addrs, err := waiter.WaitResolvable(t.Context(), clock, d, "h1.example.test", tt.want, waiter.Options{Timeout: tt.timeout, Rand: newRand(4)})
					return res{addrs, err, clock.Now().Sub(t0)}
				})
				switch {
				case tt.other != nil:
					if !errors.Is(r.err, tt.other) || d.lookups != 1 {
						t.Fatalf("err = %v after %d lookups, want the resolver's error at once", r.err, d.lookups)
					}
				case tt.wantErr != nil:
					if !errors.Is(r.err, tt.wantErr) {
						t.Fatalf("err = %v, want %v", r.err, tt.wantErr)
					}
					var te *waiter.TimeoutError
					if !errors.As(r.err, &te) || !errors.As(te.LastErr, tt.lastErr) {
						t.Errorf("timeout's last answer %v, want a %T", te, tt.lastErr)
					}
				default:
					if r.err != nil || r.at < tt.rightAt || r.at > tt.rightAt+waiter.DefaultMaxInterval+step {
						t.Fatalf("resolved %v at %s (err %v), want soon after %s", r.addrs, r.at, r.err, tt.rightAt)
					}
				}
			})
		})
	}
}

func TestWaitResolvableInvalid(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := clocktest.New(t0)
		d := &dnsScript{clock: clock}
		for _, c := range []struct{ name, addr string }{{"", "192.0.2.1"}, {"  ", "192.0.2.1"}, {"h.example.test", "not-an-ip"}, {"h.example.test", ""}} {
			if _, err := waiter.WaitResolvable(t.Context(), clock, d, c.name, c.addr, waiter.Options{}); !errors.Is(err, waiter.ErrInvalidOptions) {
				t.Errorf("WaitResolvable(%q, %q) = %v, want ErrInvalidOptions", c.name, c.addr, err)
			}
		}
		if _, err := waiter.WaitResolvable(t.Context(), clock, nil, "h.example.test", "192.0.2.1", waiter.Options{}); !errors.Is(err, waiter.ErrInvalidOptions) {
			t.Errorf("nil resolver: %v", err)
		}
		if d.lookups != 0 {
			t.Errorf("%d lookups for invalid input", d.lookups)
		}
	})
}

// flappingDNS answers from a script, one entry per lookup, the last one
// from then on: "ok" the right address, "nx" NXDOMAIN, "wrong" another.
type flappingDNS struct {
	script []string
	n      int
}

func (d *flappingDNS) LookupHost(_ context.Context, name string) ([]string, error) {
	a := d.script[min(d.n, len(d.script)-1)]
	d.n++
	switch a {
	case "nx":
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	case "wrong":
		return []string{"198.51.100.250"}, nil
	}
	return []string{"198.51.100.9"}, nil
}

// TestResolvableRunsResetOnWrongAnswers: a wrong answer or NXDOMAIN between
// right answers restarts the run of consecutive right answers.
func TestResolvableRunsResetOnWrongAnswers(t *testing.T) {
	for _, script := range [][]string{
		{"ok", "nx", "ok", "nx", "ok", "ok", "ok"},
		{"ok", "wrong", "ok", "ok", "ok"},
		{"ok", "ok", "nx", "ok", "ok", "ok"},
	} {
		t.Run(strings.Join(script, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clock := clocktest.New(t0)
				d := &flappingDNS{script: script}
				err := drive(t, t.Context(), clock, time.Hour, nil, func() error {
					_, err := waiter.WaitResolvable(t.Context(), clock, d, "h1.example.test", "198.51.100.9", waiter.Options{Confirmations: 3, Timeout: 30 * time.Minute, Rand: newRand(1)})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				// The run completes at the first third consecutive right answer.
				want := 0
				for i, run := 0, 0; i < len(script); i++ {
					if script[i] == "ok" {
						run++
					} else {
						run = 0
					}
					if run == 3 {
						want = i + 1
						break
					}
				}
				if d.n != want {
					t.Fatalf("resolved after %d lookups, want %d (the first run of three)", d.n, want)
				}
			})
		})
	}
}
