package emulators

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/selfhost"
)

// Self-host connector calls, as counted on the cloud.
const (
	SelfHostStart = "connector.start"
	SelfHostStop  = "connector.stop"
)

// SelfHost emulates the connectors of self-hosted machines on a cloud.
// Self-hosts have no API to call: a connector on the user's machine
// drives its VM manager and reports to the control plane. SelfHost is
// both ends of that: the selfhost adapter's Connector (Start and Stop act
// on the cloud, as the VM manager would) and, through [SelfHost.Deliver],
// the reports the connectors would have sent by now. It is safe for
// concurrent use.
type SelfHost struct {
	cloud *fakes.Cloud
	// requests counts every connector call received.
	requests atomic.Int64

	mu    sync.Mutex
	hosts []provider.Host
}

// NewSelfHost returns the emulator on cloud.
func NewSelfHost(cloud *fakes.Cloud) *SelfHost { return &SelfHost{cloud: cloud} }

// AddHost adds a self-host to the cloud (see fakes.Cloud.AddHost) and to
// the hosts whose connectors report: Deliver reports only hosts added
// here.
func (s *SelfHost) AddHost(h provider.Host, running bool) error {
	if err := s.cloud.AddHost(fakes.SelfHost, h, running); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts = append(s.hosts, h)
	return nil
}

// Connector returns the connectors' side the adapter calls.
func (s *SelfHost) Connector() selfhost.Connector { return connector{s} }

// Requests returns how many connector calls the emulator has received.
func (s *SelfHost) Requests() int { return int(s.requests.Load()) }

// Deliver hands p what the connectors would have reported by now: for
// every host added with AddHost whose connector is online, a heartbeat
// and its VM's current state ("not_found" once it is gone) and address,
// at the cloud clock's time. An offline connector sends nothing, so p
// sees it fall silent. hostID names each report's host (Report.Host, which
// an adapter storing its reports needs); nil leaves it empty.
func (s *SelfHost) Deliver(ctx context.Context, p *selfhost.Provider, hostID func(provider.Host) string) error {
	s.mu.Lock()
	hosts := append([]provider.Host(nil), s.hosts...)
	s.mu.Unlock()
	now := s.cloud.Clock().Now()
	var errs []error
	for _, h := range hosts {
		tr := s.cloud.Truth(fakes.SelfHost, h)
		if !tr.ConnectorOnline || tr.RawVM == "" {
			continue
		}
		r := selfhost.Report{Connector: h.Project, Instance: h.Instance, State: tr.RawVM, Address: tr.Address, At: now}
		if hostID != nil {
			r.Host = hostID(h)
		}
		errs = append(errs, p.Report(ctx, r))
	}
	return errors.Join(errs...)
}

// connector is the adapter's Connector over the emulator.
type connector struct{ s *SelfHost }

// Start implements selfhost.Connector.
func (c connector) Start(ctx context.Context, h provider.Host) error {
	return c.act(ctx, SelfHostStart, h, fakes.RawStart)
}

// Stop implements selfhost.Connector.
func (c connector) Stop(ctx context.Context, h provider.Host) error {
	return c.act(ctx, SelfHostStop, h, fakes.RawStop)
}

// act counts one connector call, draws its fault and acts on the cloud.
func (c connector) act(ctx context.Context, method string, h provider.Host, a fakes.RawAction) error {
	c.s.requests.Add(1)
	if err := c.s.cloud.InjectFault(fakes.SelfHost, method); err != nil {
		return err
	}
	_, err := c.s.cloud.Act(ctx, fakes.SelfHost, h.Instance, a)
	return err
}
