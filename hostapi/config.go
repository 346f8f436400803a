package hostapi

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/kernel"
	"github.com/driftless/driftless/reconcile"
	"github.com/driftless/driftless/store"
	"github.com/driftless/driftless/waiter"
)

// Defaults for zero [Config] fields and the bounds of the API's inputs.
const (
	// DefaultPage and MaxPage bound GET /api/hosts pages.
	DefaultPage = 100
	MaxPage     = 1000
	// DefaultMaxActions is how many started actions the server remembers.
	DefaultMaxActions = 1024
	// DefaultKeepAlive is the pause between keep-alive comments on an
	// event stream.
	DefaultKeepAlive = 15 * time.Second
	// DefaultHistory is how far back a host's history and timeline reach.
	DefaultHistory = 24 * time.Hour
	// MaxBody bounds every request body, in bytes: requests are a few
	// dozen bytes of JSON, so anything larger is refused before it is read.
	MaxBody = 16 << 10
)

// ErrConfig is matched by the error New returns for an invalid Config.
var ErrConfig = errors.New("hostapi: invalid config")

// Config configures a [Handler]. Store and Registry are required; Actions,
// Reconciler and Authenticator each enable their endpoints (without one,
// its endpoints answer 501).
type Config struct {
	// Store holds the host records. Required.
	Store store.Store
	// Registry holds the providers: it fills each view's Offered actions.
	// Share the one the Reconciler and Actions use. Required.
	Registry *kernel.Registry
	// Actions runs the actions POSTed to /api/hosts/{id}/actions.
	Actions *waiter.Actions
	// Reconciler answers POST /api/hosts/{id}/reconcile.
	Reconciler *reconcile.Reconciler
	// Authenticator checks the host daemons' tokens on the heartbeat and
	// bootstrap-done endpoints.
	Authenticator Authenticator
	// Clock is the source of time for views and heartbeats; default
	// clock.System(). Use the reconciler's.
	Clock clock.Clock
	// Policy is the reconcile policy views are computed with; use the
	// reconciler's. Each zero field takes its default.
	Policy hoststate.Policy
	// Logger receives one line per refused or failed request; nil
	// discards them.
	Logger *slog.Logger
	// Secrets are values that must never appear in a response or a log
	// line (provider API keys): they are replaced in every error text.
	Secrets []string

	// HeartbeatInterval is the pause a daemon is told to take between
	// heartbeats while its host runs; default a quarter of
	// Policy.StaleAfter, so three lost heartbeats in a row do not make a
	// host look stale. It must be below StaleAfter.
	HeartbeatInterval time.Duration
	// IdleInterval is the pause a daemon is told to take while its host
	// is not running (its heartbeats are ignored then); default four
	// times HeartbeatInterval.
	IdleInterval time.Duration
	// MaxActions bounds the remembered actions; default DefaultMaxActions.
	MaxActions int
	// KeepAlive is the pause between keep-alive comments on an event
	// stream, in wall time (proxies time idle connections out in wall
	// time, whatever clock the fleet runs on); default DefaultKeepAlive.
	KeepAlive time.Duration
	// History is how far back a host's history and timeline reach, on
	// Clock; default DefaultHistory.
	History time.Duration
}

// withDefaults validates c and fills its defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Store == nil || c.Registry == nil {
		return c, fmt.Errorf("%w: Store and Registry are required", ErrConfig)
	}
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	c.Policy = c.Policy.WithDefaults()
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = c.Policy.StaleAfter / 4
	}
	if c.HeartbeatInterval >= c.Policy.StaleAfter {
		return c, fmt.Errorf("%w: HeartbeatInterval %s must be below Policy.StaleAfter %s", ErrConfig, c.HeartbeatInterval, c.Policy.StaleAfter)
	}
	if c.IdleInterval <= 0 {
		c.IdleInterval = 4 * c.HeartbeatInterval
	}
	if c.MaxActions <= 0 {
		c.MaxActions = DefaultMaxActions
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.History <= 0 {
		c.History = DefaultHistory
	}
	return c, nil
}
