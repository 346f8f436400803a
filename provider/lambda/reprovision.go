package lambda

import (
	"context"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
)

// Reprovision implements provider.Provider.
func (p *Provider) Reprovision(_ context.Context, host provider.Host) (provider.Operation, error) {
	if err := p.Validate(host); err != nil {
		return nil, err
	}
	return nil, provider.Unsupported(Name, hoststate.ActionReprovision, "not yet")
}
