package nebius

import (
	"fmt"
	"log/slog"
)

// String renders the adapter without its services: fmt cannot call the
// token source's own redaction through unexported fields, so no verb may
// walk them.
func (p *Provider) String() string {
	return fmt.Sprintf("nebius.Provider{PageSize: %d, LaunchSpec: %s}", p.cfg.PageSize, launchState(p.cfg.LaunchSpec != nil))
}

// Format makes every fmt verb (%v, %+v, %#v, %s, %x, ...) render String.
func (p *Provider) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, p.String()) }

// GoString makes %#v render String too.
func (p *Provider) GoString() string { return p.String() }

// LogValue implements slog.LogValuer.
func (p *Provider) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("page_size", p.cfg.PageSize), slog.String("launch_spec", launchState(p.cfg.LaunchSpec != nil)))
}

// MarshalJSON renders what LogValue does.
func (p *Provider) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"page_size":%d,"launch_spec":%q}`, p.cfg.PageSize, launchState(p.cfg.LaunchSpec != nil)), nil
}

// String renders the client without its token.
func (c *Client) String() string {
	return fmt.Sprintf("nebius.Client{Endpoint: %q, Token: %s, Insecure: %t, CallTimeout: %s}",
		c.cfg.Endpoint, redacted, c.cfg.Insecure, c.cfg.CallTimeout)
}

// Format makes every fmt verb render String.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// GoString makes %#v render String too.
func (c *Client) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the token.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.cfg.Endpoint), slog.String("token", redacted),
		slog.Bool("insecure", c.cfg.Insecure), slog.Duration("call_timeout", c.cfg.CallTimeout))
}

// MarshalJSON renders what LogValue does.
func (c *Client) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"endpoint":%q,"token":%q,"insecure":%t,"call_timeout":%d}`, c.cfg.Endpoint, redacted, c.cfg.Insecure, c.cfg.CallTimeout), nil
}

// String renders the configuration without the token.
func (c GRPCConfig) String() string {
	return fmt.Sprintf("nebius.GRPCConfig{Endpoint: %q, Token: %s, Insecure: %t, CallTimeout: %s}",
		c.Endpoint, redacted, c.Insecure, c.CallTimeout)
}

// Format makes every fmt verb render String, so none prints a token
// source field by field.
func (c GRPCConfig) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// GoString makes %#v render String too.
func (c GRPCConfig) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the token.
func (c GRPCConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.Endpoint), slog.String("token", redacted),
		slog.Bool("insecure", c.Insecure), slog.Duration("call_timeout", c.CallTimeout))
}

// MarshalJSON renders what LogValue does (a TLS config or token source
// cannot be JSON).
func (c GRPCConfig) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"endpoint":%q,"token":%q,"insecure":%t,"call_timeout":%d}`, c.Endpoint, redacted, c.Insecure, c.CallTimeout), nil
}

// launchState says whether launch specs are configured.
func launchState(set bool) string {
	if set {
		return "set"
	}
	return "unset"
}
