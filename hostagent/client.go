package hostagent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/driftless/driftless/clock"
)

// Errors of the control plane's answers, matched with errors.Is.
var (
	// ErrUnauthorized: the control plane refused the token (401 or 403).
	// Run ends with it: retrying the same token cannot succeed.
	ErrUnauthorized = errors.New("hostagent: the control plane refused the host's token")
	// ErrRejected: the control plane answered with an error status other
	// than 401 and 403, or with a body that is not its answer.
	ErrRejected = errors.New("hostagent: the control plane rejected the request")
	// ErrNotAccepted: the control plane answered, but did not record a
	// bootstrap-done report, because its host is neither starting nor
	// running. Run reports it again once the host runs.
	ErrNotAccepted = errors.New("hostagent: the control plane did not record the report")
	// errTimeout is the cause of a request that ran out of RequestTimeout.
	errTimeout = errors.New("no answer in time")
)

// maxAnswer bounds the answer body the agent reads: answers are a few
// dozen bytes.
const maxAnswer = 64 << 10

// Endpoints of the host daemon contract, under /api/hosts/{id}/.
const (
	endpointHeartbeat = "heartbeat"
	endpointBootstrap = "bootstrap-done"
)

// request is the body of both endpoints (hostapi.HeartbeatRequest).
type request struct {
	HostID    string    `json:"host_id"`
	Version   string    `json:"version,omitempty"`
	Bootstrap Bootstrap `json:"bootstrap,omitempty"`
	Address   string    `json:"address,omitempty"`
}

// answer is the control plane's answer to both (hostapi.HeartbeatReply).
// Status stays a string: a newer control plane may name a status this
// agent does not know, and the agent only reports it.
type answer struct {
	Status          string `json:"status"`
	Accepted        bool   `json:"accepted"`
	IntervalSeconds int    `json:"interval_seconds"`
	BootstrapDone   bool   `json:"bootstrap_done"`
}

// interval is the pause the answer names, bounded to MinInterval and
// MaxInterval; ok is false when it names none.
func (a answer) interval() (d time.Duration, ok bool) {
	if a.IntervalSeconds <= 0 {
		return 0, false
	}
	secs := min(a.IntervalSeconds, int(MaxInterval/time.Second))
	return max(time.Duration(secs)*time.Second, MinInterval), true
}

// problem is the control plane's error body (hostapi.Problem).
type problem struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// failure is a failed request: the error and the pause the control plane
// asked for (Retry-After), if any.
type failure struct {
	err        error
	retryAfter time.Duration
}

// client sends the two requests of the contract.
type client struct {
	http    *http.Client
	clock   clock.Clock
	timeout time.Duration
	header  string // "Bearer <token>", the one place the token lives
	urls    map[string]string
}

// newClient returns a client for cfg's host under base.
func newClient(cfg Config, base *url.URL) *client {
	hc := http.Client{}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	// A redirect would carry the request, and maybe its Authorization
	// header, somewhere the configuration did not name.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	prefix := base.String() + "/api/hosts/" + url.PathEscape(cfg.HostID) + "/"
	return &client{
		http: &hc, clock: cfg.Clock, timeout: cfg.RequestTimeout,
		header: "Bearer " + cfg.Token,
		urls:   map[string]string{endpointHeartbeat: prefix + endpointHeartbeat, endpointBootstrap: prefix + endpointBootstrap},
	}
}

// send posts body to endpoint and decodes the answer. Its errors name the
// endpoint and the control plane's words, never the token.
func (c *client) send(ctx context.Context, endpoint string, body request) (answer, *failure) {
	b, err := json.Marshal(body)
	if err != nil {
		return answer{}, &failure{err: fmt.Errorf("hostagent: %s: encoding: %w", endpoint, err)}
	}
	ctx, done := c.withTimeout(ctx)
	defer done()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.urls[endpoint], bytes.NewReader(b))
	if err != nil {
		return answer{}, &failure{err: fmt.Errorf("hostagent: %s: %w", endpoint, err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", c.header)
	res, err := c.http.Do(req)
	if err != nil {
		if errors.Is(context.Cause(ctx), errTimeout) {
			return answer{}, &failure{err: fmt.Errorf("hostagent: %s: no answer within %s: %w", endpoint, c.timeout, context.DeadlineExceeded)}
		}
		return answer{}, &failure{err: fmt.Errorf("hostagent: %s: %w", endpoint, err)}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	if err != nil {
		return answer{}, &failure{err: fmt.Errorf("hostagent: %s: reading the answer: %w", endpoint, err)}
	}
	if res.StatusCode != http.StatusOK {
		return answer{}, &failure{err: statusError(endpoint, res.StatusCode, data), retryAfter: retryAfter(res.Header)}
	}
	var a answer
	if len(data) > maxAnswer || json.Unmarshal(data, &a) != nil || a.Status == "" {
		return answer{}, &failure{err: fmt.Errorf("%w: %s: 200 without the control plane's answer", ErrRejected, endpoint)}
	}
	return a, nil
}

// withTimeout bounds ctx by the request timeout on the client's clock.
func (c *client) withTimeout(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	t := c.clock.NewTimer(c.timeout)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			cancel(errTimeout)
		case <-stop:
			t.Stop()
		}
	}()
	return ctx, func() {
		close(stop)
		cancel(context.Canceled)
	}
}

// statusError describes an error answer in the control plane's words,
// bounded and made printable.
func statusError(endpoint string, status int, body []byte) error {
	var p problem
	text := http.StatusText(status)
	if json.Unmarshal(body, &p) == nil && p.Error != "" {
		text = clean(p.Error)
		if p.Code != "" {
			text = clean(p.Code) + ": " + text
		}
	}
	sentinel := ErrRejected
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		sentinel = ErrUnauthorized
	}
	return fmt.Errorf("%w: %s: %d %s", sentinel, endpoint, status, text)
}

// clean makes s safe for a log line: printable, at most 200 bytes.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// retryAfter is a Retry-After header's pause in seconds, bounded by
// MaxInterval; 0 when there is none or it is a date.
func retryAfter(h http.Header) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(min(n, int(MaxInterval/time.Second))) * time.Second
}
