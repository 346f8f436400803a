package hostapi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/driftless/driftless/hostapi"
)

func TestStaticTokens(t *testing.T) {
	auth, err := hostapi.NewStaticTokens(map[string]string{"h1": "alpha-token", "h2": "beta-token"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		token, host string
		ok          bool
	}{
		{"alpha-token", "h1", true},
		{"beta-token", "h2", true},
		{"alpha-token ", "", false},
		{"alpha", "", false},
		{"", "", false},
		{"ALPHA-TOKEN", "", false},
	}
	for _, tc := range tests {
		host, err := auth.Authenticate(t.Context(), tc.token)
		if tc.ok != (err == nil) || host != tc.host {
			t.Errorf("Authenticate(%q) = %q, %v; want %q, ok %t", tc.token, host, err, tc.host, tc.ok)
		}
		if err != nil && !errors.Is(err, hostapi.ErrUnauthorized) {
			t.Errorf("Authenticate(%q): %v does not match ErrUnauthorized", tc.token, err)
		}
	}
}

func TestStaticTokensRefused(t *testing.T) {
	for name, table := range map[string]map[string]string{
		"empty token":   {"h1": ""},
		"shared token":  {"h1": "same-token", "h2": "same-token"},
		"spaced token":  {"h1": "a b"},
		"empty host id": {"": "zq9-secret"},
		"long token":    {"h1": strings.Repeat("t", hostapi.MaxToken+1)},
	} {
		_, err := hostapi.NewStaticTokens(table)
		if !errors.Is(err, hostapi.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
			continue
		}
		for _, tok := range table {
			if tok != "" && strings.Contains(err.Error(), tok) {
				t.Errorf("%s: the error quotes the token: %v", name, err)
			}
		}
	}
}

func TestParseTokens(t *testing.T) {
	auth, err := hostapi.ParseTokens(strings.NewReader("# host tokens\n\nh1 alpha-token\n  h2\tbeta-token  \n"))
	if err != nil {
		t.Fatal(err)
	}
	if host, err := auth.Authenticate(t.Context(), "beta-token"); err != nil || host != "h2" {
		t.Errorf("beta-token: %q, %v", host, err)
	}
	for name, text := range map[string]string{
		"one field":    "h1\n",
		"three fields": "h1 tok extra\n",
		"twice":        "h1 a-token\nh1 b-token\n",
		"long line":    "h1 " + strings.Repeat("t", 10000) + "\n",
	} {
		if _, err := hostapi.ParseTokens(strings.NewReader(text)); !errors.Is(err, hostapi.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		} else if strings.Contains(err.Error(), "a-token") || strings.Contains(err.Error(), "tok extra") {
			t.Errorf("%s: the error quotes a token: %v", name, err)
		}
	}
}
