// Package rest is the JSON-over-HTTPS plumbing the REST adapters
// (provider/hyperstack, provider/lambda) share: base-URL checks (https unless
// explicitly allowed), a per-request timeout, bounded response bodies, no
// redirects (a credential header must not follow one), and debug logs that
// never carry a secret. Classifying answers stays with each adapter: only it
// knows its provider's error envelope.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

var (
	// ErrBodyTooLarge: an answer exceeded the size cap (a bad response).
	ErrBodyTooLarge = errors.New("response body exceeds the size cap")
	// ErrBuildRequest: the request could not be encoded or built; nothing
	// was sent.
	ErrBuildRequest = errors.New("cannot build request")
)

// Options configure a Client.
type Options struct {
	// Name prefixes errors and logs (the provider's name).
	Name string
	// BaseURL is the API root; it must be https unless AllowInsecureHTTP.
	BaseURL           string
	AllowInsecureHTTP bool
	// HTTPClient is copied (nil: a new one); redirects are always refused.
	HTTPClient *http.Client
	// Authorize sets the credential header on every request.
	Authorize func(http.Header)
	// MaxBodyBytes caps one response body; RequestTimeout bounds every
	// request (a longer context deadline does not lift it). Both must be
	// positive.
	MaxBodyBytes   int64
	RequestTimeout time.Duration
	// Logger receives one debug line per call (never headers or bodies).
	Logger *slog.Logger
	// Secret is the credential Authorize sends; a provider that echoes it
	// back in an answer (an error message quoting the rejected key) gets
	// it replaced by "[redacted]" before anything reads the body.
	Secret string
}

// Client sends JSON requests to one API. Safe for concurrent use.
type Client struct {
	o    Options
	base *url.URL
	hc   *http.Client
}

// CheckKey rejects a missing API key, or one a header cannot carry,
// without ever quoting the key.
func CheckKey(name, key string) error {
	if key == "" {
		return fmt.Errorf("%s: Config.APIKey is required", name)
	}
	if strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return fmt.Errorf("%s: Config.APIKey has characters a header cannot carry", name)
	}
	return nil
}

// New checks o and returns a client. It makes no request.
func New(o Options) (*Client, error) {
	base, err := parseBase(o.Name, o.BaseURL, o.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{}
	if o.HTTPClient != nil {
		c := *o.HTTPClient
		hc = &c
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Client{o: o, base: base, hc: hc}, nil
}

// Response is a received answer with its body read in full (within the cap).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports a 2xx status.
func (r Response) OK() bool { return r.Status >= 200 && r.Status <= 299 }

// Do sends one request. path is joined to the base URL segment by segment,
// so ids are escaped; reqBody, when non-nil, is sent as JSON. The error is
// ErrBuildRequest (nothing sent), ErrBodyTooLarge, or the transport's.
func (c *Client) Do(ctx context.Context, call, method string, path []string, query url.Values, reqBody any) (Response, error) {
	// Every request gets the timeout, whatever deadline ctx already has:
	// a caller's long deadline (an action's 30 minutes) must not let one
	// hung request hold it.
	ctx, cancel := context.WithTimeout(ctx, c.o.RequestTimeout)
	defer cancel()
	u := c.base.JoinPath(path...)
	u.RawQuery = query.Encode()
	var body io.Reader
	if reqBody != nil {
		b, err := json.Marshal(reqBody)
		if err != nil {
			return Response{}, fmt.Errorf("%w: encode: %w", ErrBuildRequest, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return Response{}, fmt.Errorf("%w: %w", ErrBuildRequest, err)
	}
	c.o.Authorize(req.Header)
	req.Header.Set("Accept", "application/json")
	if reqBody != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := readCapped(resp.Body, c.o.MaxBodyBytes)
	c.o.Logger.DebugContext(ctx, c.o.Name+" call", slog.String("call", call),
		slog.String("method", method), slog.String("path", u.Path), slog.Int("status", resp.StatusCode))
	if err != nil {
		return Response{}, err
	}
	if c.o.Secret != "" {
		b = bytes.ReplaceAll(b, []byte(c.o.Secret), []byte(KeyState(c.o.Secret)))
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// readCapped reads a whole body, failing with ErrBodyTooLarge past max
// bytes instead of buffering an unbounded answer.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, ErrBodyTooLarge
	}
	return b, nil
}

// parseBase checks the base URL: absolute, https unless insecure is
// allowed, and no credentials, query or fragment that requests would carry.
func parseBase(name, raw string, allowHTTP bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: base URL %s: %w", name, Quote(raw), err)
	}
	switch {
	case u.Host == "":
		return nil, fmt.Errorf("%s: base URL %s is not absolute", name, Quote(u.Redacted()))
	case u.User != nil:
		return nil, fmt.Errorf("%s: base URL %s must not carry credentials", name, Quote(u.Redacted()))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%s: base URL %s must not have a query or fragment", name, Quote(u.Redacted()))
	case u.Scheme == "https", u.Scheme == "http" && allowHTTP:
	default:
		return nil, fmt.Errorf("%s: base URL %s must be https (set AllowInsecureHTTP for a local emulator)", name, Quote(u.Redacted()))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}
