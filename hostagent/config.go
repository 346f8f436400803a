package hostagent

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/store"
)

// Defaults for zero [Config] fields, and the bounds of the fields a
// heartbeat carries (the control plane's, package hostapi).
const (
	// DefaultInterval is the pause between heartbeats until the control
	// plane has named one: the control plane's own default (a quarter of
	// its default two-minute StaleAfter).
	DefaultInterval = 30 * time.Second
	// DefaultJitter spreads every pause by ±10 %.
	DefaultJitter = 0.1
	// DefaultRequestTimeout bounds one request.
	DefaultRequestTimeout = 10 * time.Second
	// DefaultBackoffBase and DefaultBackoffMax bound the pause after a
	// failed request: it doubles from the base with every failure in a
	// row, up to the maximum.
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 2 * time.Minute
	// MinInterval and MaxInterval bound the interval the control plane
	// may name, so neither a zero nor an absurd answer stalls or floods.
	MinInterval = time.Second
	MaxInterval = time.Hour
	// MaxJitter bounds Config.Jitter.
	MaxJitter = 0.5
	// MaxToken, MaxVersion and MaxAddress bound the token, the version
	// and the address, in bytes, as the control plane does.
	MaxToken   = 512
	MaxVersion = 64
	MaxAddress = 256
)

// ErrInvalid is matched by the errors for invalid input: a Config that
// New refuses, a tool name or directory list that PreferBundled refuses.
// Such errors never quote the token.
var ErrInvalid = errors.New("hostagent: invalid input")

// Bootstrap is a host's first-boot state as a heartbeat reports it.
type Bootstrap string

// Bootstrap states.
const (
	// BootstrapPending: first-boot setup has not finished yet.
	BootstrapPending Bootstrap = "pending"
	// BootstrapDone: first-boot setup finished.
	BootstrapDone Bootstrap = "done"
	// BootstrapFailed: first-boot setup failed.
	BootstrapFailed Bootstrap = "failed"
)

// Config configures a [Heartbeater]. ControlPlane, HostID and Token are
// required. Its fmt, slog and JSON renderings never show the token.
type Config struct {
	// ControlPlane is the control plane's base URL, under which the API
	// lives (https://cp.example.com, or https://example.com/driftless).
	// It must be https unless AllowInsecureHTTP is set, and carries no
	// user information, query or fragment.
	ControlPlane string
	// HostID is the host's id in the control plane.
	HostID string
	// Token is the host's bearer token, issued by the control plane. It
	// is sent in the Authorization header and shown nowhere else.
	Token string
	// Version is the daemon's version, at most MaxVersion printable bytes.
	Version string
	// Address is the host:port the daemon serves on, or "".
	Address string
	// Bootstrap is the first-boot state to report until BootstrapDone or
	// BootstrapFailed is called; "" means BootstrapPending. A daemon that
	// restarts after its setup finished sets BootstrapDone.
	Bootstrap Bootstrap

	// HTTPClient sends the requests; nil means a new http.Client. The
	// agent uses a copy that never follows redirects.
	HTTPClient *http.Client
	// Clock paces the heartbeats and times requests out; nil means the
	// wall clock.
	Clock clock.Clock
	// Logger receives a line per failure, recovery and change of the
	// host's status; nil discards them.
	Logger *slog.Logger
	// AllowInsecureHTTP permits an http:// ControlPlane, for tests and a
	// control plane on the same machine.
	AllowInsecureHTTP bool

	// Interval is the pause between heartbeats until the control plane
	// names one; 0 means DefaultInterval.
	Interval time.Duration
	// Jitter spreads every pause uniformly by ±Jitter of it, 0 to
	// MaxJitter; 0 means DefaultJitter, a negative value none.
	Jitter float64
	// RequestTimeout bounds one request, on Clock; 0 means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// BackoffBase and BackoffMax bound the pause after failed requests;
	// 0 means DefaultBackoffBase and DefaultBackoffMax.
	BackoffBase, BackoffMax time.Duration
	// Seed seeds the jitter; 0 means a random seed.
	Seed uint64
}

// withDefaults validates c, fills its defaults and returns the parsed
// base URL.
func (c Config) withDefaults() (Config, *url.URL, error) {
	base, err := c.parseBase()
	if err != nil {
		return c, nil, err
	}
	if err := store.ValidID(c.HostID); err != nil {
		return c, nil, fmt.Errorf("%w: HostID: %w", ErrInvalid, err)
	}
	if c.Token == "" || len(c.Token) > MaxToken || strings.IndexFunc(c.Token, notTokenRune) >= 0 {
		return c, nil, fmt.Errorf("%w: Token must be 1 to %d printable bytes without spaces", ErrInvalid, MaxToken)
	}
	if !printable(c.Version, MaxVersion) {
		return c, nil, fmt.Errorf("%w: Version must be at most %d printable bytes", ErrInvalid, MaxVersion)
	}
	if c.Address != "" {
		host, port, err := net.SplitHostPort(c.Address)
		if !printable(c.Address, MaxAddress) || err != nil || host == "" || port == "" {
			return c, nil, fmt.Errorf("%w: Address must be host:port, at most %d printable bytes", ErrInvalid, MaxAddress)
		}
	}
	switch c.Bootstrap {
	case "":
		c.Bootstrap = BootstrapPending
	case BootstrapPending, BootstrapDone, BootstrapFailed:
	default:
		return c, nil, fmt.Errorf("%w: Bootstrap must be %q, %q or %q", ErrInvalid, BootstrapPending, BootstrapDone, BootstrapFailed)
	}
	if c.Clock == nil {
		c.Clock = clock.System()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Interval < MinInterval || c.Interval > MaxInterval {
		return c, nil, fmt.Errorf("%w: Interval %s is not between %s and %s", ErrInvalid, c.Interval, MinInterval, MaxInterval)
	}
	switch {
	case c.Jitter == 0:
		c.Jitter = DefaultJitter
	case c.Jitter < 0:
		c.Jitter = 0
	case c.Jitter > MaxJitter:
		return c, nil, fmt.Errorf("%w: Jitter %g is above %g", ErrInvalid, c.Jitter, MaxJitter)
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.BackoffBase == 0 {
		c.BackoffBase = DefaultBackoffBase
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	if c.RequestTimeout < 0 || c.BackoffBase < 0 || c.BackoffMax < c.BackoffBase || c.BackoffMax > MaxInterval {
		return c, nil, fmt.Errorf("%w: RequestTimeout and BackoffBase must be positive, BackoffMax between BackoffBase and %s", ErrInvalid, MaxInterval)
	}
	return c, base, nil
}

// parseBase checks ControlPlane. Its errors never quote a URL that may
// hold credentials.
func (c Config) parseBase() (*url.URL, error) {
	if c.ControlPlane == "" {
		return nil, fmt.Errorf("%w: ControlPlane URL is required", ErrInvalid)
	}
	u, err := url.Parse(c.ControlPlane)
	if err != nil {
		return nil, fmt.Errorf("%w: ControlPlane is not a URL", ErrInvalid)
	}
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("%w: ControlPlane URL must not carry credentials: the token authenticates", ErrInvalid)
	case u.Scheme == "http" && !c.AllowInsecureHTTP:
		return nil, fmt.Errorf("%w: ControlPlane %q is http, which would send the token in the clear: use https (AllowInsecureHTTP is for tests)", ErrInvalid, u.Redacted())
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%w: ControlPlane %q must be an https URL", ErrInvalid, u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("%w: ControlPlane %q has no host", ErrInvalid, u.Redacted())
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("%w: ControlPlane %q must not have a query or fragment", ErrInvalid, u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// notTokenRune reports a rune a bearer token cannot hold.
func notTokenRune(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' }

// printable reports whether s is valid UTF-8 of at most max bytes without
// control characters, the control plane's rule for what it logs.
func printable(s string, max int) bool {
	return len(s) <= max && utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// String renders the configuration without the token.
func (c Config) String() string {
	return fmt.Sprintf("hostagent.Config{ControlPlane: %q, HostID: %q, Token: %s, Version: %q, Address: %q, Bootstrap: %q, AllowInsecureHTTP: %t}",
		c.redactedURL(), c.HostID, c.tokenState(), c.Version, c.Address, c.Bootstrap, c.AllowInsecureHTTP)
}

// Format makes every fmt verb (%v, %+v, %#v, %s, %x, ...) render String,
// so no verb can print the token field by field.
func (c Config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// GoString makes %#v render String too.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("control_plane", c.redactedURL()),
		slog.String("host_id", c.HostID),
		slog.String("token", c.tokenState()),
		slog.String("version", c.Version),
		slog.String("address", c.Address),
		slog.String("bootstrap", string(c.Bootstrap)),
		slog.Bool("allow_insecure_http", c.AllowInsecureHTTP),
	)
}

// MarshalJSON renders the configuration without the token (and without
// the fields JSON cannot carry: the client, the clock, the logger).
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ControlPlane      string    `json:"control_plane"`
		HostID            string    `json:"host_id"`
		Token             string    `json:"token"`
		Version           string    `json:"version,omitempty"`
		Address           string    `json:"address,omitempty"`
		Bootstrap         Bootstrap `json:"bootstrap,omitempty"`
		AllowInsecureHTTP bool      `json:"allow_insecure_http"`
	}{c.redactedURL(), c.HostID, c.tokenState(), c.Version, c.Address, c.Bootstrap, c.AllowInsecureHTTP})
}

// tokenState says whether a token is set, never what it is.
func (c Config) tokenState() string {
	if c.Token == "" {
		return "unset"
	}
	return "set"
}

// redactedURL is ControlPlane with any password masked, or a placeholder
// when it does not parse (its text could be anything).
func (c Config) redactedURL() string {
	u, err := url.Parse(c.ControlPlane)
	if err != nil {
		return "(invalid URL)"
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	return u.Redacted()
}
