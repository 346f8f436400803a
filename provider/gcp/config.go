package gcp

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/provider"
)

// Name is the provider kind this package implements; it matches
// Record.Provider.
const Name = "gcp"

// Defaults applied by [New] to zero Config fields.
const (
	// DefaultPageSize is maxResults for aggregated listings: Compute
	// Engine's maximum, so a listing costs as few pages as possible.
	DefaultPageSize = 500
	// DefaultMaxBodyBytes caps one response body; Compute Engine answers
	// are kilobytes, so anything this large is not an answer.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultRequestTimeout bounds every request.
	DefaultRequestTimeout = time.Minute
)

// Config tunes the adapter. The zero value is usable: credentials and the
// endpoint come from the client options given to [New].
type Config struct {
	// Labels mark the instances and disks this control plane owns:
	// listings return only resources carrying all of them (empty lists
	// everything in the scope), instances the adapter creates carry them,
	// and an action on an instance without them is refused
	// (provider.ErrNotOurs), like one without the host's own labels.
	Labels map[string]string
	// LaunchSpec gives each host's instance spec for Reprovision: Flavor
	// is the machine type, Image the boot image path, Network an optional
	// subnetwork path, PublicIP an external address, BootDiskGiB the boot
	// disk size; the other fields must be empty. Without it, reprovision
	// is unsupported (Supports says so; nothing is sent).
	LaunchSpec provider.LaunchFunc
	// PageSize is the listing page size (maxResults); 0 means
	// DefaultPageSize.
	PageSize int
	// Clock paces operation polling; nil means the wall clock.
	Clock clock.Clock
	// Logger receives debug records of calls and their classification;
	// nil discards them. Records never carry credentials.
	Logger *slog.Logger
	// AllowInsecureHTTP permits an http:// endpoint. It exists for local
	// emulators; production endpoints must be https.
	AllowInsecureHTTP bool
	// MaxBodyBytes caps one response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds every request (a longer context deadline does
	// not lift it); 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// String renders the configuration. It holds no credentials (they travel
// in the client options), so this is only for readable logs.
func (c Config) String() string {
	return fmt.Sprintf("gcp.Config{Labels: %v, LaunchSpec: %s, PageSize: %d, AllowInsecureHTTP: %t, RequestTimeout: %s}",
		c.Labels, c.launchState(), c.PageSize, c.AllowInsecureHTTP, c.RequestTimeout)
}

// Format makes every fmt verb render String: no verb prints the clock,
// logger or functions field by field.
func (c Config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// GoString makes %#v render String too.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("labels", c.Labels), slog.String("launch_spec", c.launchState()), slog.Int("page_size", c.PageSize),
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP), slog.Duration("request_timeout", c.RequestTimeout),
	)
}

// MarshalJSON renders the fields JSON can carry.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Labels            map[string]string `json:"labels,omitempty"`
		LaunchSpec        string            `json:"launch_spec"`
		PageSize          int               `json:"page_size,omitempty"`
		AllowInsecureHTTP bool              `json:"allow_insecure_http"`
		MaxBodyBytes      int64             `json:"max_body_bytes,omitempty"`
		RequestTimeout    time.Duration     `json:"request_timeout,omitempty"`
	}{c.Labels, c.launchState(), c.PageSize, c.AllowInsecureHTTP, c.MaxBodyBytes, c.RequestTimeout})
}

// launchState says whether launch specs are configured.
func (c Config) launchState() string {
	if c.LaunchSpec == nil {
		return "unset"
	}
	return "set"
}

// withDefaults returns c with zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.PageSize <= 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}

// String renders the adapter: its configuration, never its SDK clients
// (they hold the credentials, and fmt would walk them field by field).
func (p *Provider) String() string { return "gcp.Provider{" + p.cfg.String() + "}" }

// Format makes every fmt verb render String.
func (p *Provider) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, p.String()) }

// GoString makes %#v render String too.
func (p *Provider) GoString() string { return p.String() }

// LogValue implements slog.LogValuer.
func (p *Provider) LogValue() slog.Value { return p.cfg.LogValue() }

// MarshalJSON renders the configuration.
func (p *Provider) MarshalJSON() ([]byte, error) { return p.cfg.MarshalJSON() }
