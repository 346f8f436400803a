package hyperstack

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Name is the provider kind this package implements; it matches
// Record.Provider.
const Name = "hyperstack"

// Defaults applied by [New] to zero Config fields.
const (
	// DefaultBaseURL is Hyperstack's production API.
	DefaultBaseURL = "https://infrahub-api.nexgencloud.com/v1"
	// DefaultPageSize is the listing page size.
	DefaultPageSize = 100
	// DefaultMaxBodyBytes caps one response body: answers are kilobytes,
	// so anything this large is not an answer.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultRequestTimeout bounds a request whose context has no deadline.
	DefaultRequestTimeout = time.Minute
	// DefaultPollInterval is how often a deprovision's Operation looks
	// whether the volume can go yet, as the seeds' system retries
	// Hyperstack's state refusals every 5 s.
	DefaultPollInterval = 5 * time.Second
)

// Config configures the adapter. Its fmt and slog renderings never show
// the API key.
type Config struct {
	// BaseURL is the API root; "" means DefaultBaseURL. It must be https
	// unless AllowInsecureHTTP is set.
	BaseURL string
	// APIKey authenticates every request (header api_key). Required.
	APIKey string
	// Launch describes the VM that Start creates when the host's VM is
	// gone (a Hyperstack stop deletes it). Without it, such a Start fails
	// with an error matching provider.ErrUnsupported.
	Launch *Launch
	// HTTPClient sends requests; nil means a new http.Client. The adapter
	// uses a copy that refuses redirects.
	HTTPClient *http.Client
	// Clock paces a deprovision's Operation (its polls and retries); nil
	// means the wall clock.
	Clock clock.Clock
	// Now was the source of rate-limit hints, which are now a flat
	// RateLimitHint; it is kept so that configurations setting it build.
	//
	// Deprecated: set Clock.
	Now func() time.Time
	// Logger receives debug records of calls; nil discards them.
	Logger *slog.Logger
	// AllowInsecureHTTP permits an http:// BaseURL, for local emulators.
	AllowInsecureHTTP bool
	// PageSize is the listing page size; 0 means DefaultPageSize.
	PageSize int
	// MaxBodyBytes caps one response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds requests whose context has no deadline; 0
	// means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// PollInterval is how often a deprovision's Operation polls; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration
}

// Launch is the template of a recreated VM: the fields of
// POST /core/virtual-machines that the host reference does not carry.
type Launch struct {
	// EnvironmentName is the Hyperstack environment (it fixes the region).
	EnvironmentName string
	// ImageName is the OS image.
	ImageName string
	// FlavorName is the hardware flavor.
	FlavorName string
	// KeyName is the SSH key pair's name.
	KeyName string
	// AssignFloatingIP gives the VM a public address.
	AssignFloatingIP bool
}

// String renders the configuration without the API key.
func (c Config) String() string {
	return fmt.Sprintf("hyperstack.Config{BaseURL: %q, APIKey: %s, Launch: %v, AllowInsecureHTTP: %t}",
		c.baseURL(), rest.KeyState(c.APIKey), c.Launch, c.AllowInsecureHTTP)
}

// Format makes every fmt verb (%v, %+v, %#v, %s, %x, ...) render String,
// so no verb can print the API key field by field.
func (c Config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// LogValue implements slog.LogValuer without the API key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.baseURL()),
		slog.String("api_key", rest.KeyState(c.APIKey)),
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP),
	)
}

// baseURL is BaseURL or its default.
func (c Config) baseURL() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return c.BaseURL
}

// withDefaults returns c with zero fields set to their defaults.
func (c Config) withDefaults() Config {
	c.BaseURL = c.baseURL()
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.PageSize <= 0 {
		c.PageSize = DefaultPageSize
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}
