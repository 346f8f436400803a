package waiter_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/hyperstack"
	"github.com/driftless/driftless/provider/lambda"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

const emulatorKey = "test-key-0123456789"

// TestUnsupportedByTheRealAdapterWritesAndSendsNothing runs actions the
// real adapters cannot do, over their emulators: the refusal comes from
// Supports, before any write or request.
func TestUnsupportedByTheRealAdapterWritesAndSendsNothing(t *testing.T) {
	type setup struct {
		prov   func(t *testing.T, c *fakes.Cloud) (provider.Provider, provider.Host)
		kind   string
		status hoststate.Status
		act    hoststate.Action
	}
	lambdaAdapter := func(t *testing.T, c *fakes.Cloud) (provider.Provider, provider.Host) {
		srv := emulators.NewLambda(c, emulatorKey)
		t.Cleanup(srv.Close)
		h := provider.Host{Region: "us-east-1", Instance: "0920582c7ff041399e34823a0be62549"}
		if err := srv.AddHost(h, true); err != nil {
			t.Fatal(err)
		}
		p, err := lambda.New(lambda.Config{BaseURL: srv.BaseURL(), APIKey: emulatorKey, AllowInsecureHTTP: true, Now: c.Clock().Now})
		if err != nil {
			t.Fatal(err)
		}
		return p, h
	}
	hyperstackNoLaunch := func(t *testing.T, c *fakes.Cloud) (provider.Provider, provider.Host) {
		srv := emulators.NewHyperstack(c, emulatorKey)
		t.Cleanup(srv.Close)
		h := provider.Host{Region: "CANADA-1", Instance: "host-1", Volume: "1001"}
		if err := srv.AddHost(h, false); err != nil {
			t.Fatal(err)
		}
		p, err := hyperstack.New(hyperstack.Config{BaseURL: srv.BaseURL(), APIKey: emulatorKey, AllowInsecureHTTP: true, Now: c.Clock().Now})
		if err != nil {
			t.Fatal(err)
		}
		return p, h
	}
	for name, c := range map[string]setup{
		"lambda stop":                  {lambdaAdapter, fakes.Lambda, hoststate.StatusRunning, hoststate.ActionStop},
		"lambda start":                 {lambdaAdapter, fakes.Lambda, hoststate.StatusDeprovisioned, hoststate.ActionStart},
		"hyperstack start, no launch":  {hyperstackNoLaunch, fakes.Hyperstack, hoststate.StatusOff, hoststate.ActionStart},
		"hyperstack retry, no launch":  {hyperstackNoLaunch, fakes.Hyperstack, hoststate.StatusError, hoststate.ActionRetry},
		"hyperstack reprov, no launch": {hyperstackNoLaunch, fakes.Hyperstack, hoststate.StatusOff, hoststate.ActionReprovision},
	} {
		t.Run(name, func(t *testing.T) {
			cloud := fakes.NewCloud(clocktest.New(t0), 1)
			p, h := c.prov(t, cloud)
			st := store.NewMemStore(store.MemConfig{})
			rec, err := st.Update(t.Context(), store.Write{Record: hoststate.Record{ID: "h", Provider: c.kind, Ref: h, Status: c.status, Since: t0}})
			if err != nil {
				t.Fatal(err)
			}
			a, err := waiter.New(waiter.Config{Store: st, Providers: []provider.Provider{p}, Clock: cloud.Clock()})
			if err != nil {
				t.Fatal(err)
			}
			calls := cloud.Calls(fakes.All).Total()
			_, err = method(a, c.act)(t.Context(), "h")
			if !errors.Is(err, provider.ErrUnsupported) {
				t.Fatalf("err = %v, want ErrUnsupported", err)
			}
			got, _ := st.Get(t.Context(), "h")
			if diff := cmp.Diff(rec, got); diff != "" {
				t.Errorf("refused action wrote (-before +after):\n%s", diff)
			}
			if n := cloud.Calls(fakes.All).Total() - calls; n != 0 {
				t.Errorf("refused action made %d calls", n)
			}
		})
	}
}

// unsupportedAtSend says it can start, then refuses at the call, as an
// adapter whose support depends on something it learns only then.
type unsupportedAtSend struct{ provider.Provider }

func (p unsupportedAtSend) Supports(provider.Host, hoststate.Action) error { return nil }
func (p unsupportedAtSend) Start(context.Context, provider.Host) (provider.Operation, error) {
	return nil, provider.Unsupported(p.Name(), hoststate.ActionStart, "learnt at the call")
}

// TestUnsupportedAtSendRestoresTheStatus: the transitional status was
// written, the provider did nothing, so the host goes back to off (not
// error) and the error says why.
func TestUnsupportedAtSendRestoresTheStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
			return []provider.Provider{unsupportedAtSend{c.Provider(fakes.GCP)}}
		}})
		before := e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), false, hoststate.StatusOff)
		got, err := e.do(doStart(e.actions), "h", nil)
		if !errors.Is(err, provider.ErrUnsupported) {
			t.Fatalf("err = %v, want ErrUnsupported", err)
		}
		if got.Status != hoststate.StatusOff || got.LastAction != before.LastAction || !got.ActionAt.Equal(before.ActionAt) {
			t.Fatalf("after the refusal: %s, last action %s at %v; want it as before (off)", got.Status, got.LastAction, got.ActionAt)
		}
		if diff := cmp.Diff([]hoststate.Status{hoststate.StatusOff, hoststate.StatusStarting, hoststate.StatusOff}, e.store.statuses()); diff != "" {
			t.Errorf("writes (-want +got):\n%s", diff)
		}
	})
}

// method returns the Actions method for act.
func method(a *waiter.Actions, act hoststate.Action) func(context.Context, string) (hoststate.Record, error) {
	return map[hoststate.Action]func(context.Context, string) (hoststate.Record, error){
		hoststate.ActionStart: a.Start, hoststate.ActionRetry: a.Retry, hoststate.ActionStop: a.Stop,
		hoststate.ActionReboot: a.Reboot, hoststate.ActionReprovision: a.Reprovision, hoststate.ActionDeprovision: a.Deprovision,
	}[act]
}

// answersStart makes the adapter's start answer err.
type answersStart struct {
	provider.Provider
	err error
}

func (p answersStart) Start(context.Context, provider.Host) (provider.Operation, error) {
	return nil, p.err
}

// TestAmbiguousAnswersNeverBecomeError: only a definitive refusal is a
// failed action; a malformed answer, an auth failure or an unknown error
// leaves the transitional status for verification.
func TestAmbiguousAnswersNeverBecomeError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want hoststate.Status
	}{
		{"malformed answer", fmt.Errorf("gcp: start: %w: HTML page", provider.ErrBadResponse), hoststate.StatusStarting},
		{"auth failure", errors.New("gcp: start: 401 Unauthorized"), hoststate.StatusStarting},
		{"deadline after send", context.DeadlineExceeded, hoststate.StatusStarting},
		{"definitive refusal", fmt.Errorf("gcp: start: %w: quota", provider.ErrConflict), hoststate.StatusError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envConfig{providers: func(c *fakes.Cloud) []provider.Provider {
					return []provider.Provider{answersStart{c.Provider(fakes.GCP), tc.err}}
				}})
				e.addHost("h", fakes.GCP, hostOf(fakes.GCP, 0), false, hoststate.StatusOff)
				_, err := e.do(doStart(e.actions), "h", nil)
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want the provider's %v", err, tc.err)
				}
				if got := e.get("h").Status; got != tc.want {
					t.Fatalf("after %s: %s, want %s", tc.name, got, tc.want)
				}
			})
		})
	}
}
