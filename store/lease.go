package store

import (
	"context"
	"time"
)

// Leaser grants leases on the store's own clock (never a replica's, whose
// clock may be skewed), so replicas sharing a store split the work: one
// holder per key at a time.
type Leaser interface {
	// TryLease grants key to owner for ttl, or renews owner's lease, and
	// reports whether owner now holds it. Another owner's unexpired lease
	// is refused (false, nil). A renewal keeps the epoch; every new grant
	// (a new owner, or the same owner after expiry or release) takes a
	// higher one.
	TryLease(ctx context.Context, key, owner string, ttl time.Duration) (Lease, bool, error)
	// ReleaseLease gives l up if it is still held at its epoch; otherwise
	// it does nothing.
	ReleaseLease(ctx context.Context, l Lease) error
}

// Lease is a granted lease.
type Lease struct {
	// Key names what is leased, e.g. "reconcile/gcp".
	Key string
	// Owner is the holder.
	Owner string
	// Epoch numbers the grants of Key; it only grows.
	Epoch uint64
	// Expires is when the lease ends unless renewed, on the store's clock.
	Expires time.Time
}

// Fence returns the fence that ties a write to this lease.
func (l Lease) Fence() Fence { return Fence{Key: l.Key, Epoch: l.Epoch} }

// Fence makes a write conditional on a lease: the store refuses it with
// ErrFenced unless lease Key is held, unexpired, at Epoch. The zero Fence
// fences nothing.
type Fence struct {
	Key   string
	Epoch uint64
}

// IsZero reports whether f fences nothing.
func (f Fence) IsZero() bool { return f.Key == "" }
