package selfhost

import (
	"sync"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

var _ provider.Pusher = (*Provider)(nil)

// Watch implements provider.Pusher over [Provider.Subscribe]: each accepted
// report of the host, as the observation a probe would return.
func (p *Provider) Watch(host provider.Host) (<-chan hoststate.Observation, func(), error) {
	reports, cancel, err := p.Subscribe(host)
	if err != nil {
		return nil, nil, err
	}
	out := make(chan hoststate.Observation, p.cfg.Buffer)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for r := range reports {
			select {
			case out <- observation(r):
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { cancel(); close(done) }) }, nil
}

// observation is what a report says about its host's VM.
func observation(r Report) hoststate.Observation {
	return hoststate.Observation{
		VM:      States.Normalize(r.State),
		Volume:  hoststate.VolumeNone,
		Address: r.Address,
		RawVM:   r.State,
	}
}
