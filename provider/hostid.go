package provider

import "context"

// hostIDKey is the context key of a host id.
type hostIDKey struct{}

// WithHostID returns ctx carrying id, the control plane's id of the host
// a call is made for. The reconciler and the waiter set it on every call
// for a record; adapters whose state is kept per host in the control
// plane's store (self-host connector reports) read it with [HostID], as
// the host reference names the VM at the provider, not the record.
func WithHostID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, hostIDKey{}, id)
}

// HostID returns the host id ctx carries, or "".
func HostID(ctx context.Context) string {
	id, _ := ctx.Value(hostIDKey{}).(string)
	return id
}
