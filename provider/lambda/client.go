package lambda

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// call sends one request and returns the body of a 2xx answer, or a
// classified error. path is joined to the base URL segment by segment, so
// ids are escaped.
func (p *Provider) call(ctx context.Context, what, method string, path []string, reqBody any) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.cfg.RequestTimeout)
		defer cancel()
	}
	u := p.base.JoinPath(path...)
	var body io.Reader
	if reqBody != nil {
		b, err := json.Marshal(reqBody)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: encode request: %w", Name, what, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: build request: %w", Name, what, err)
	}
	req.Header.Set("Authorization", "Bearer "+p.cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	if reqBody != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, transportError(what, err)
	}
	defer resp.Body.Close()
	b, err := readCapped(resp.Body, p.cfg.MaxBodyBytes)
	p.cfg.Logger.DebugContext(ctx, "lambda call", slog.String("call", what),
		slog.String("method", method), slog.String("path", u.Path), slog.Int("status", resp.StatusCode))
	if err != nil {
		return nil, transportError(what, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusError(what, resp.StatusCode, resp.Header, b, p.cfg.Clock.Now())
	}
	return b, nil
}

// readCapped reads a whole body, failing with errBodyTooLarge past max
// bytes instead of buffering an unbounded answer.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// parseBase checks the base URL: absolute, https unless insecure is
// allowed, and no credentials, query or fragment that requests would carry.
func parseBase(raw string, allowHTTP bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: base URL %s: %w", Name, quote(raw), err)
	}
	switch {
	case u.Host == "":
		return nil, fmt.Errorf("%s: base URL %s is not absolute", Name, quote(u.Redacted()))
	case u.User != nil:
		return nil, fmt.Errorf("%s: base URL %s must not carry credentials", Name, quote(u.Redacted()))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%s: base URL %s must not have a query or fragment", Name, quote(u.Redacted()))
	case u.Scheme == "https", u.Scheme == "http" && allowHTTP:
	default:
		return nil, fmt.Errorf("%s: base URL %s must be https (set AllowInsecureHTTP for a local emulator)", Name, quote(u.Redacted()))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// noRedirect refuses redirects: the API does not redirect, and a redirect
// to another host is not somewhere a bearer token should go.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
