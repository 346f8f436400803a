package hostapi

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/driftless/driftless/store"
)

// Authenticator checks a host daemon's bearer token. The control plane
// implements it over its own token store; [StaticTokens] is a fixed table.
// Implementations must be safe for concurrent use, compare tokens in
// constant time, and never put a token into an error.
type Authenticator interface {
	// Authenticate returns the id of the host token was issued to, or an
	// error matching ErrUnauthorized when it was issued to none.
	Authenticate(ctx context.Context, token string) (hostID string, err error)
}

// MaxToken bounds a bearer token, in bytes.
const MaxToken = 512

// StaticTokens is a fixed Authenticator: a table of host tokens, for small
// fleets, tests and examples. It keeps only the tokens' SHA-256 digests,
// so the table holds no secret, and compares the digest of a presented
// token with every entry in constant time, so how long a refusal takes
// says nothing about how close a guess was.
type StaticTokens struct {
	entries []tokenEntry
}

type tokenEntry struct {
	digest [sha256.Size]byte
	host   string
}

// NewStaticTokens returns a table from host id to token. Every id must be
// a valid store id and every token non-empty, at most MaxToken bytes and
// unique; errors match ErrConfig and never quote a token.
func NewStaticTokens(tokens map[string]string) (*StaticTokens, error) {
	t := &StaticTokens{}
	seen := make(map[[sha256.Size]byte]bool, len(tokens))
	for host, tok := range tokens {
		if err := store.ValidID(host); err != nil {
			return nil, fmt.Errorf("%w: token table: %w", ErrConfig, err)
		}
		if tok == "" || len(tok) > MaxToken || strings.ContainsAny(tok, " \t\r\n") {
			return nil, fmt.Errorf("%w: token table: host %q: a token is 1 to %d bytes without spaces", ErrConfig, host, MaxToken)
		}
		d := sha256.Sum256([]byte(tok))
		if seen[d] {
			return nil, fmt.Errorf("%w: token table: host %q shares its token with another host", ErrConfig, host)
		}
		seen[d] = true
		t.entries = append(t.entries, tokenEntry{digest: d, host: host})
	}
	return t, nil
}

// ParseTokens reads a token table: one "host-id token" pair a line,
// separated by white space; blank lines and lines starting with # are
// skipped. Errors match ErrConfig, name the line and never quote a token.
func ParseTokens(r io.Reader) (*StaticTokens, error) {
	tokens := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), store.MaxIDLen+MaxToken+64)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%w: token table line %d: want \"host-id token\"", ErrConfig, n)
		}
		if _, dup := tokens[f[0]]; dup {
			return nil, fmt.Errorf("%w: token table line %d: host listed twice", ErrConfig, n)
		}
		tokens[f[0]] = f[1]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: token table: %w", ErrConfig, err)
	}
	return NewStaticTokens(tokens)
}

// Authenticate implements Authenticator. It looks at every entry whatever
// matches, so its time depends on the table's size only.
func (t *StaticTokens) Authenticate(_ context.Context, token string) (string, error) {
	d := sha256.Sum256([]byte(token))
	host := ""
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(d[:], e.digest[:]) == 1 {
			host = e.host
		}
	}
	if host == "" || token == "" {
		return "", ErrUnauthorized
	}
	return host, nil
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("%w: want an Authorization: Bearer header", ErrUnauthorized)
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || len(tok) > MaxToken {
		return "", fmt.Errorf("%w: malformed bearer token", ErrUnauthorized)
	}
	return tok, nil
}

// authenticate checks that r carries a token of host id. Every refusal
// matches ErrUnauthorized and says nothing about which part was wrong.
func (h *Handler) authenticate(r *http.Request, id string) error {
	if h.cfg.Authenticator == nil {
		return fmt.Errorf("%w: no Authenticator for host daemons", ErrNotConfigured)
	}
	tok, err := bearer(r)
	if err != nil {
		return err
	}
	host, err := h.cfg.Authenticator.Authenticate(r.Context(), tok)
	switch {
	case err != nil && !errors.Is(err, ErrUnauthorized):
		// The token store failed: not the daemon's fault, and not a 401
		// that would make it drop its token.
		return fmt.Errorf("hostapi: authenticating: %w", err)
	case err != nil || host != id:
		return fmt.Errorf("%w: invalid token for this host", ErrUnauthorized)
	}
	return nil
}
