package gcp

import (
	"log/slog"
	"time"

	"github.com/driftless/driftless/clock"
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
	// DefaultRequestTimeout bounds a request whose context has no deadline.
	DefaultRequestTimeout = time.Minute
)

// Config tunes the adapter. The zero value is usable: credentials and the
// endpoint come from the client options given to [New].
type Config struct {
	// Labels mark the instances and disks this control plane owns:
	// listings return only resources carrying all of them. Empty lists
	// everything in the scope.
	Labels map[string]string
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
	// RequestTimeout bounds requests whose context carries no deadline;
	// 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
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
