package provider

import "context"

// requestIDKey is the context key of a request id.
type requestIDKey struct{}

// WithRequestID returns ctx carrying id, the idempotency key of one send
// of an action: the same id on every retry of that send, a new one for
// the next action. Adapters of providers that deduplicate mutating calls
// (GCP's requestId) derive each call's key from it, so a send retried
// after a timeout is not performed twice. A caller that resends — the
// waiter — is to set it from the host's id and the record's ActionSeq;
// without one an adapter makes a fresh key per call, which keeps a single
// call's resends safe but not a resent action.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
