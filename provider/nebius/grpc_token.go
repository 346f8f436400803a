package nebius

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
)

// TokenSource gives the IAM access token sent with every call as
// "Authorization: Bearer <token>". The client asks it once per call, so a
// source may refresh the token as it expires (Nebius IAM tokens last
// hours); it must be safe for concurrent use. Its errors reach the caller
// as an ErrAuth failure of the call, so they must not quote the token.
type TokenSource interface {
	// Token returns the current token.
	Token(ctx context.Context) (string, error)
}

// StaticToken returns a TokenSource that always gives token: for tests,
// emulators and short-lived tools. It prints as [redacted] with every fmt
// verb and in slog records.
func StaticToken(token string) TokenSource { return staticToken{token: token} }

// staticToken is StaticToken's source; its methods keep the token out of
// fmt and slog output.
type staticToken struct{ token string }

// Token implements TokenSource.
func (s staticToken) Token(context.Context) (string, error) { return s.token, nil }

// redacted is what a token prints as.
const redacted = "[redacted]"

// String implements fmt.Stringer.
func (staticToken) String() string { return redacted }

// Format implements fmt.Formatter, so %x, %q and %#v hide the token too.
func (staticToken) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, redacted) }

// LogValue implements slog.LogValuer.
func (staticToken) LogValue() slog.Value { return slog.StringValue(redacted) }

// tokenCredentials sends a TokenSource's token with each call, and keeps
// the last one sent so that a server echoing it back has it scrubbed from
// the error.
type tokenCredentials struct {
	src      TokenSource
	insecure bool
	last     *atomic.Pointer[string]
}

var _ credentials.PerRPCCredentials = tokenCredentials{}

// GetRequestMetadata implements credentials.PerRPCCredentials. Its
// failures are statuses, which gRPC hands back as the call's error:
// Unauthenticated when no usable token can be had (an ErrAuth to the
// caller), the context's own code when the call was out of time.
func (c tokenCredentials) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	tok, err := c.src.Token(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, status.FromContextError(ctx.Err()).Err()
	case err != nil:
		return nil, status.Errorf(codes.Unauthenticated, "nebius: IAM token source: %v", err)
	case tok == "":
		return nil, status.Error(codes.Unauthenticated, "nebius: the IAM token source gave an empty token")
	case !headerSafe(tok):
		// Said without the token: it is a secret even when malformed.
		return nil, status.Error(codes.Unauthenticated, "nebius: the IAM token has characters a header cannot carry")
	}
	if c.last != nil {
		c.last.Store(&tok)
	}
	return map[string]string{"authorization": "Bearer " + tok}, nil
}

// scrubbed returns err with the last token sent scrubbed from its status
// message (the details stay as sent).
func (c tokenCredentials) scrubbed(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	pb := st.Proto()
	if msg := c.scrub(pb.GetMessage()); msg != pb.GetMessage() {
		pb.Message = msg
		return status.FromProto(pb).Err()
	}
	return err
}

// scrub replaces the last token sent in s.
func (c tokenCredentials) scrub(s string) string {
	if c.last == nil {
		return s
	}
	if tok := c.last.Load(); tok != nil && *tok != "" {
		return strings.ReplaceAll(s, *tok, redacted)
	}
	return s
}

// RequireTransportSecurity implements credentials.PerRPCCredentials: gRPC
// refuses to send the token over a plaintext connection unless the client
// was configured Insecure.
func (c tokenCredentials) RequireTransportSecurity() bool { return !c.insecure }

// headerSafe reports whether tok is visible ASCII, all an HTTP/2 header
// value may carry without changing meaning.
func headerSafe(tok string) bool {
	for i := range len(tok) {
		if tok[i] <= ' ' || tok[i] > '~' {
			return false
		}
	}
	return true
}
