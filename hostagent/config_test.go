package hostagent_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/driftless/driftless/hostagent"
)

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(*hostagent.Config)
		want string // in the error
	}{
		{"no URL", func(c *hostagent.Config) { c.ControlPlane = "" }, "required"},
		{"http", func(c *hostagent.Config) { c.ControlPlane = "http://cp.test" }, "https"},
		{"ftp", func(c *hostagent.Config) { c.ControlPlane = "ftp://cp.test" }, "https"},
		{"not a URL", func(c *hostagent.Config) { c.ControlPlane = "https://cp.test/%zz" }, "not a URL"},
		{"no host", func(c *hostagent.Config) { c.ControlPlane = "https:///api" }, "no host"},
		{"relative", func(c *hostagent.Config) { c.ControlPlane = "cp.test" }, "https"},
		{"credentials", func(c *hostagent.Config) { c.ControlPlane = "https://admin:" + testToken + "@cp.test" }, "credentials"},
		{"query", func(c *hostagent.Config) { c.ControlPlane = "https://cp.test/?x=1" }, "query"},
		{"fragment", func(c *hostagent.Config) { c.ControlPlane = "https://cp.test/#x" }, "query or fragment"},
		{"no host id", func(c *hostagent.Config) { c.HostID = "" }, "HostID"},
		{"dot host id", func(c *hostagent.Config) { c.HostID = ".." }, "path segment"},
		{"long host id", func(c *hostagent.Config) { c.HostID = strings.Repeat("h", 1000) }, "HostID"},
		{"no token", func(c *hostagent.Config) { c.Token = "" }, "Token"},
		{"token with a space", func(c *hostagent.Config) { c.Token = testToken + " x" }, "Token"},
		{"token with a newline", func(c *hostagent.Config) { c.Token = testToken + "\r\nX-Evil: 1" }, "Token"},
		{"long token", func(c *hostagent.Config) { c.Token = strings.Repeat(testToken, 30) }, "Token"},
		{"version", func(c *hostagent.Config) { c.Version = "1\n2" }, "Version"},
		{"long version", func(c *hostagent.Config) { c.Version = strings.Repeat("9", 65) }, "Version"},
		{"address", func(c *hostagent.Config) { c.Address = "nowhere" }, "Address"},
		{"address without host", func(c *hostagent.Config) { c.Address = ":443" }, "Address"},
		{"bootstrap", func(c *hostagent.Config) { c.Bootstrap = "maybe" }, "Bootstrap"},
		{"interval", func(c *hostagent.Config) { c.Interval = time.Millisecond }, "Interval"},
		{"jitter", func(c *hostagent.Config) { c.Jitter = 0.9 }, "Jitter"},
		{"timeout", func(c *hostagent.Config) { c.RequestTimeout = -time.Second }, "RequestTimeout"},
		{"backoff", func(c *hostagent.Config) { c.BackoffBase, c.BackoffMax = time.Minute, time.Second }, "BackoffMax"},
		{"backoff max", func(c *hostagent.Config) { c.BackoffMax = 2 * hostagent.MaxInterval }, "BackoffMax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := agentConfig(nil, &logBuf{})
			tc.edit(&cfg)
			h, err := hostagent.New(cfg)
			if !errors.Is(err, hostagent.ErrInvalid) || h != nil {
				t.Fatalf("New = %v, %v; want ErrInvalid", h, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("the error quotes the token: %q", err)
			}
		})
	}
	cfg := agentConfig(nil, &logBuf{})
	cfg.ControlPlane, cfg.AllowInsecureHTTP = "http://127.0.0.1:8080/", true
	if _, err := hostagent.New(cfg); err != nil {
		t.Errorf("http with AllowInsecureHTTP: %v", err)
	}
}

// No rendering of a Config or a Heartbeater shows the token, nor a
// password in the URL.
func TestRedaction(t *testing.T) {
	cfg := agentConfig(nil, &logBuf{})
	h := newAgent(t, cfg)
	withPassword := cfg
	withPassword.ControlPlane = "https://user:" + testToken + "@cp.test"
	var out []string
	for _, v := range []any{cfg, &cfg, h, withPassword, []hostagent.Config{cfg}, struct{ C hostagent.Config }{cfg}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("json.Marshal(%T): %v", v, err)
		}
		out = append(out, string(b))
		for _, handler := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var buf bytes.Buffer
			slog.New(handler(&buf)).Info("config", "cfg", v)
			out = append(out, buf.String())
		}
	}
	hexToken := fmt.Sprintf("%x", testToken)
	for _, s := range out {
		if strings.Contains(s, testToken) || strings.Contains(s, hexToken) {
			t.Errorf("a rendering shows the token: %s", s)
		}
	}
	var none *hostagent.Heartbeater
	if s := fmt.Sprint(none); s != "hostagent.Heartbeater(nil)" {
		t.Errorf("a nil Heartbeater prints %q", s)
	}
	if s := fmt.Sprint(cfg); !strings.Contains(s, "Token: set") || !strings.Contains(s, testHost) {
		t.Errorf("String = %s; want the host and that a token is set", s)
	}
}
