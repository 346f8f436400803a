package selfhost

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// Name is the provider kind this package implements; it matches
// Record.Provider.
const Name = "selfhost"

// Defaults applied by [New] to zero Config fields.
const (
	// DefaultTTL is how long a connector may stay silent before its hosts
	// are unreachable: three missed 30-second heartbeats.
	DefaultTTL = 90 * time.Second
	// DefaultBuffer is how many reports a subscription holds before the
	// oldest is dropped.
	DefaultBuffer = 8
)

// Limits on report fields: a connector is outside the trust boundary.
const (
	maxState   = 64
	maxAddress = 256
)

// Connector is the control plane's channel to a host's connector. The
// adapter calls it only while the connector is heard from.
type Connector interface {
	// Start asks the connector to start the host's VM.
	Start(ctx context.Context, host provider.Host) error
	// Stop asks the connector to stop the host's VM, keeping its disk.
	Stop(ctx context.Context, host provider.Host) error
}

// ReportStore keeps connectors' reports where every control-plane
// replica reads them and a restart finds them, keyed by the control
// plane's host id. A store.Store is one.
type ReportStore interface {
	// PutReport stores the latest report of host id, stamped with the
	// store's clock, and returns it as stored.
	PutReport(ctx context.Context, id string, r store.Report) (store.Report, error)
	// Report returns the latest report of host id, or an error matching
	// store.ErrNotFound when there is none.
	Report(ctx context.Context, id string) (store.Report, error)
}

// Config configures the adapter.
type Config struct {
	// Connector carries Start and Stop to connectors. Required.
	Connector Connector
	// Reports, when set, is where reports live (Report writes them there,
	// Probe reads them there), so every replica judges connectors alike
	// and a restart loses none. Each report then names its host
	// (Report.Host), and Probe reads the report of the host id its
	// context carries (provider.WithHostID: the reconciler and the waiter
	// set it). Nil keeps reports in this process only: one replica.
	Reports ReportStore
	// Now measures connector silence; nil means time.Now.
	Now func() time.Time
	// TTL is how long a connector may stay silent; 0 means DefaultTTL.
	TTL time.Duration
	// Grace is how long after New, or after [Provider.Resume], no
	// connector is judged offline: connectors need that long to find a
	// restarted or failed-over control plane again, and their silence
	// meanwhile is the control plane's, not theirs. 0 means TTL.
	Grace time.Duration
	// Buffer is each subscription's capacity; 0 means DefaultBuffer.
	Buffer int
}

// Report is one VM state report from a connector.
type Report struct {
	// Host is the control plane's id of the host reported on; required
	// when Config.Reports is set (the store keys reports by it).
	Host string
	// Connector is the reporting connector's id (Host.Project).
	Connector string
	// Instance is the VM's name on the connector (Host.Instance).
	Instance string
	// State is the VM manager's state, e.g. "running" or "not_found".
	State string
	// Address is the VM's public address, "" if none.
	Address string
	// At is when the control plane received the report.
	At time.Time
}

// key identifies one host.
type key struct{ connector, instance string }

// Provider is the self-host adapter. It implements provider.Provider and is
// safe for concurrent use.
type Provider struct {
	cfg Config

	mu sync.Mutex
	// graceFrom is when this process began hearing connectors (New or
	// Resume): silence before it is not theirs.
	graceFrom time.Time
	seen      map[string]time.Time // connector → last heard from
	latest    map[key]Report
	subs      map[key]map[uint64]chan Report
	nextID    uint64
}

// Interface check.
var _ provider.Provider = (*Provider)(nil)

// New returns the adapter.
func New(cfg Config) (*Provider, error) {
	if cfg.Connector == nil {
		return nil, errors.New("selfhost: Config.Connector is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Grace <= 0 {
		cfg.Grace = cfg.TTL
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	return &Provider{
		cfg:       cfg,
		graceFrom: cfg.Now(),
		seen:      map[string]time.Time{},
		latest:    map[key]Report{},
		subs:      map[key]map[uint64]chan Report{},
	}, nil
}

// Name implements provider.Provider.
func (p *Provider) Name() string { return Name }

// Capabilities implements provider.Provider (see [Facts]).
func (p *Provider) Capabilities() provider.Capabilities { return capabilities() }

// Supports implements provider.Provider (see [Facts]).
func (p *Provider) Supports(host provider.Host, a hoststate.Action) error { return supports(host, a) }

// Reboot implements provider.Provider: unsupported (see [Facts]).
func (p *Provider) Reboot(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionReboot)
}

// Reprovision implements provider.Provider: unsupported (see [Facts]).
func (p *Provider) Reprovision(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionReprovision)
}

// Deprovision implements provider.Provider: unsupported (see [Facts]).
func (p *Provider) Deprovision(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, p.Supports(host, hoststate.ActionDeprovision)
}

// Validate implements provider.Provider (see [Facts]).
func (p *Provider) Validate(host provider.Host) error { return validate(host) }

// Heartbeat records that connector was heard from at at. A time in the
// future counts as now, so a skewed clock cannot keep a connector alive.
func (p *Provider) Heartbeat(connector string, at time.Time) error {
	if err := checkIdent("Connector", connector); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.heardLocked(connector, at)
	return nil
}

// Resume starts a new grace period (Config.Grace) at now: call it when
// this replica takes over hearing connectors after a failover, so the
// time they need to reconnect does not make them look offline.
func (p *Provider) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.graceFrom = p.cfg.Now()
}

// Report records a VM state report; it also counts as a heartbeat. A report
// older than the host's latest is kept out of the state (reports can arrive
// out of order) but still counts as a heartbeat. Invalid reports are
// rejected with an error matching provider.ErrInvalidHost and change
// nothing. With Config.Reports the report is stored first (stamped with
// the store's clock); a store that fails makes Report fail, with nothing
// delivered. Subscribers of the host receive every accepted report.
func (p *Provider) Report(ctx context.Context, r Report) error {
	if err := checkIdent("Connector", r.Connector); err != nil {
		return err
	}
	if p.cfg.Reports != nil && r.Host == "" {
		return &provider.HostError{Provider: Name, Field: "Host", Reason: "a report needs its host id when reports are stored"}
	}
	if err := checkIdent("Instance", r.Instance); err != nil {
		return err
	}
	switch {
	case r.State == "" || len(r.State) > maxState || !printable(r.State):
		return &provider.HostError{Provider: Name, Field: "State", Reason: "empty, too long or not printable: " + quote(r.State)}
	case len(r.Address) > maxAddress || !printable(r.Address):
		return &provider.HostError{Provider: Name, Field: "Address", Reason: "too long or not printable: " + quote(r.Address)}
	case r.At.IsZero():
		return &provider.HostError{Provider: Name, Field: "At", Reason: "zero time"}
	}
	if p.cfg.Reports != nil {
		if _, err := p.cfg.Reports.PutReport(ctx, r.Host, store.Report{State: r.State, Address: r.Address}); err != nil {
			return fmt.Errorf("%s: store the report of %s: %w", Name, quote(r.Host), err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r.At = p.heardLocked(r.Connector, r.At)
	k := key{r.Connector, r.Instance}
	if old, ok := p.latest[k]; ok && r.At.Before(old.At) {
		return nil
	}
	p.latest[k] = r
	for _, ch := range p.subs[k] {
		deliver(ch, r)
	}
	return nil
}

// heardLocked records contact with connector at at (clamped to now) and
// returns the clamped time.
func (p *Provider) heardLocked(connector string, at time.Time) time.Time {
	if now := p.cfg.Now(); at.After(now) {
		at = now
	}
	if at.After(p.seen[connector]) {
		p.seen[connector] = at
	}
	return at
}

// deliver sends r without blocking: when the subscriber lags, the oldest
// report is dropped, so it always ends up with the newest.
func deliver(ch chan Report, r Report) {
	for {
		select {
		case ch <- r:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

// Subscribe returns a channel that receives the host's accepted reports
// from now on, and a function that ends the subscription and closes the
// channel (calling it again does nothing). The channel holds Config.Buffer
// reports; a subscriber that lags loses the oldest ones, never the newest.
func (p *Provider) Subscribe(host provider.Host) (<-chan Report, func(), error) {
	if err := p.Validate(host); err != nil {
		return nil, nil, err
	}
	k := key{host.Project, host.Instance}
	ch := make(chan Report, p.cfg.Buffer)
	p.mu.Lock()
	defer p.mu.Unlock()
	id := p.nextID
	p.nextID++
	if p.subs[k] == nil {
		p.subs[k] = map[uint64]chan Report{}
	}
	p.subs[k][id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			delete(p.subs[k], id)
			if len(p.subs[k]) == 0 {
				delete(p.subs, k)
			}
			close(ch)
		})
	}, nil
}

// reachable reports whether connector was heard from within the TTL, or,
// when grace holds, the grace period since this process began hearing
// connectors still runs: a judgement waits for it, a send does not.
// heard is a contact the caller knows of besides this process's own (a
// stored report).
func (p *Provider) reachable(connector string, heard time.Time, grace bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.cfg.Now()
	if grace && now.Sub(p.graceFrom) <= p.cfg.Grace {
		return true
	}
	if seen := p.seen[connector]; seen.After(heard) {
		heard = seen
	}
	return !heard.IsZero() && now.Sub(heard) <= p.cfg.TTL
}

// Probe implements provider.Provider without a request: unreachable when
// the connector is silent beyond its TTL (and the grace period is over),
// else the latest report — from Config.Reports when set and ctx names
// the host (provider.WithHostID), else from this process's memory.
func (p *Provider) Probe(ctx context.Context, host provider.Host) (hoststate.Observation, error) {
	if err := p.Validate(host); err != nil {
		return hoststate.Observation{}, err
	}
	r, ok, err := p.latestReport(ctx, host)
	if err != nil {
		return hoststate.Observation{}, err
	}
	if !p.reachable(host.Project, r.At, true) {
		return hoststate.Observation{Unreachable: true, VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown}, nil
	}
	if !ok {
		return hoststate.Observation{VM: hoststate.VMUnknown, Volume: hoststate.VolumeUnknown}, nil
	}
	return observation(r), nil
}

// latestReport is the host's latest report: the stored one when reports
// are stored and ctx names the host, else this process's.
func (p *Provider) latestReport(ctx context.Context, host provider.Host) (Report, bool, error) {
	if id := provider.HostID(ctx); p.cfg.Reports != nil && id != "" {
		sr, err := p.cfg.Reports.Report(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return Report{}, false, nil
		case err != nil:
			return Report{}, false, fmt.Errorf("%s: read the report of %s: %w: %w", Name, quote(id), provider.ErrUnavailable, err)
		}
		return Report{Host: id, Connector: host.Project, Instance: host.Instance, State: sr.State, Address: sr.Address, At: sr.At}, true, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.latest[key{host.Project, host.Instance}]
	return r, ok, nil
}

// Start implements provider.Provider through the Connector.
func (p *Provider) Start(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return nil, p.send(ctx, host, "start", p.cfg.Connector.Start)
}

// Stop implements provider.Provider through the Connector.
func (p *Provider) Stop(ctx context.Context, host provider.Host) (provider.Operation, error) {
	return nil, p.send(ctx, host, "stop", p.cfg.Connector.Stop)
}

// send validates host, refuses a silent connector and forwards the action.
func (p *Provider) send(ctx context.Context, host provider.Host, verb string, f func(context.Context, provider.Host) error) error {
	if err := p.Validate(host); err != nil {
		return err
	}
	r, _, err := p.latestReport(ctx, host)
	if err != nil {
		return err
	}
	if !p.reachable(host.Project, r.At, false) {
		return fmt.Errorf("%s: %s %s: connector %s silent for longer than %s: %w",
			Name, verb, host.Instance, quote(host.Project), p.cfg.TTL, provider.ErrUnavailable)
	}
	if err := f(ctx, host); err != nil {
		return fmt.Errorf("%s: %s %s via connector %s: %w", Name, verb, host.Instance, quote(host.Project), err)
	}
	return nil
}

// printable reports whether s is printable ASCII.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// quote quotes untrusted text for messages, cut short.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
