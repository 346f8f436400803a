package lambda

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/internal/rest"
)

// Name is the provider kind this package implements; it matches
// Record.Provider.
const Name = "lambda"

// Defaults applied by [New] to zero Config fields.
const (
	// DefaultBaseURL is Lambda Cloud's production API.
	DefaultBaseURL = "https://cloud.lambda.ai/api/v1"
	// DefaultMaxBodyBytes caps one response body: answers are kilobytes,
	// so anything this large is not an answer.
	DefaultMaxBodyBytes = 4 << 20
	// DefaultRequestTimeout bounds every request.
	DefaultRequestTimeout = time.Minute
	// DefaultRetryAfter is the rate-limit hint when a 429 carries no
	// Retry-After: Lambda documents about one request per second.
	DefaultRetryAfter = time.Second
	// DefaultUnhealthyGrace is how long an instance may stay unhealthy
	// before it reads as failed: unhealthy often recovers (SkyPilot treats
	// it as still starting; a restart can bring it back).
	DefaultUnhealthyGrace = 10 * time.Minute
)

// Config configures the adapter. Its fmt and slog renderings never show
// the API key.
type Config struct {
	// BaseURL is the API root; "" means DefaultBaseURL. It must be https
	// unless AllowInsecureHTTP is set.
	BaseURL string
	// APIKey authenticates every request (Authorization: Bearer). Required.
	// It never appears in the Config's fmt, JSON or slog renderings, nor in
	// errors even when Lambda echoes it back.
	APIKey string
	// LaunchSpec gives each host's launch spec for Start: Region is the
	// region name, Flavor the instance type, SSHKeys the SSH key names
	// (one or more), FileSystems the file system names; the other fields
	// must be empty. Without it, start and retry are unsupported.
	LaunchSpec provider.LaunchFunc
	// UnhealthyGrace is how long an instance may report unhealthy before
	// a probe reads it as failed (VMError); until then it reads as
	// starting. 0 means DefaultUnhealthyGrace.
	UnhealthyGrace time.Duration
	// HTTPClient sends requests; nil means a new http.Client. The adapter
	// uses a copy that refuses redirects.
	HTTPClient *http.Client
	// Now computes rate-limit hints from HTTP dates; nil means the wall
	// clock.
	Now func() time.Time
	// Logger receives debug records of calls; nil discards them.
	Logger *slog.Logger
	// AllowInsecureHTTP permits an http:// BaseURL, for local emulators.
	AllowInsecureHTTP bool
	// MaxBodyBytes caps one response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds every request (a longer context deadline does
	// not lift it); 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
}

// String renders the configuration without the API key.
func (c Config) String() string {
	return fmt.Sprintf("lambda.Config{BaseURL: %q, APIKey: %s, LaunchSpec: %s, AllowInsecureHTTP: %t}",
		c.baseURL(), rest.KeyState(c.APIKey), c.launchState(), c.AllowInsecureHTTP)
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
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP),
	)
}

// MarshalJSON renders the configuration without the API key (and without
// the fields JSON cannot carry).
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		BaseURL           string `json:"base_url"`
		APIKey            string `json:"api_key"`
		LaunchSpec        string `json:"launch_spec"`
		AllowInsecureHTTP bool   `json:"allow_insecure_http"`
	}{c.baseURL(), rest.KeyState(c.APIKey), c.launchState(), c.AllowInsecureHTTP})
}

// launchState says whether launch specs are configured.
func (c Config) launchState() string {
	if c.LaunchSpec == nil {
		return "unset"
	}
	return "set"
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
	if c.Now == nil {
		c.Now = time.Now
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
	if c.UnhealthyGrace <= 0 {
		c.UnhealthyGrace = DefaultUnhealthyGrace
	}
	return c
}
