package hyperstack

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/provider"
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
	// DefaultRequestTimeout bounds every request.
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
	// APIKey authenticates every request (header api_key). Required. It
	// never appears in the Config's fmt, JSON or slog renderings.
	APIKey string
	// LaunchSpec gives each host's VM spec: Region is the environment
	// name, Flavor the flavor, Image the image name, SSHKeys exactly one
	// key pair name, PublicIP a floating IP; the other fields must be
	// empty. Start uses it when the host's VM is gone (a deleting stop
	// deletes it) and Reprovision always. Without it, those are
	// unsupported (Supports says so; nothing is sent).
	LaunchSpec provider.LaunchFunc
	// Launch is one spec for every host.
	//
	// Deprecated: set LaunchSpec, e.g. provider.FixedLaunch. When
	// LaunchSpec is nil, Launch is used for every host.
	Launch *Launch
	// StopMode is how Stop stops a host whose labels do not choose
	// (StopModeLabel): StopDelete, the zero value, deletes the VM and
	// keeps the volume; StopHibernate hibernates the VM (kept, billed only
	// for storage and IP) and Start restores it. It sets
	// Capabilities.StopDeletesVM.
	StopMode StopMode
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
	// RequestTimeout bounds every request (a longer context deadline does
	// not lift it); 0 means DefaultRequestTimeout.
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
	return fmt.Sprintf("hyperstack.Config{BaseURL: %q, APIKey: %s, LaunchSpec: %s, StopMode: %s, AllowInsecureHTTP: %t}",
		c.baseURL(), rest.KeyState(c.APIKey), c.launchState(), c.stopMode(), c.AllowInsecureHTTP)
}

// Format makes every fmt verb (%v, %+v, %#v, %s, %x, ...) render String,
// so no verb can print the API key field by field.
func (c Config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// GoString makes %#v render String too.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the API key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.baseURL()),
		slog.String("api_key", rest.KeyState(c.APIKey)),
		slog.String("launch_spec", c.launchState()),
		slog.String("stop_mode", string(c.stopMode())),
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP),
	)
}

// MarshalJSON renders the configuration without the API key (and without
// the fields JSON cannot carry: clients, clocks, functions).
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		BaseURL           string   `json:"base_url"`
		APIKey            string   `json:"api_key"`
		LaunchSpec        string   `json:"launch_spec"`
		StopMode          StopMode `json:"stop_mode"`
		AllowInsecureHTTP bool     `json:"allow_insecure_http"`
	}{c.baseURL(), rest.KeyState(c.APIKey), c.launchState(), c.stopMode(), c.AllowInsecureHTTP})
}

// launchState says whether launch specs are configured.
func (c Config) launchState() string {
	if c.launcher() == nil {
		return "unset"
	}
	return "set"
}

// launcher is LaunchSpec, or the deprecated Launch for every host.
func (c Config) launcher() provider.LaunchFunc {
	if c.LaunchSpec != nil {
		return c.LaunchSpec
	}
	if c.Launch == nil {
		return nil
	}
	l := *c.Launch
	spec := provider.LaunchSpec{Region: l.EnvironmentName, Image: l.ImageName, Flavor: l.FlavorName, PublicIP: l.AssignFloatingIP}
	if l.KeyName != "" {
		spec.SSHKeys = []string{l.KeyName}
	}
	return provider.FixedLaunch(spec)
}

// stopMode is StopMode or its default.
func (c Config) stopMode() StopMode {
	if c.StopMode == "" {
		return StopDelete
	}
	return c.StopMode
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
	c.LaunchSpec = c.launcher() // the deprecated Launch, resolved once
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
