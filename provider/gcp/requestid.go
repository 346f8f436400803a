package gcp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"github.com/driftless/driftless/provider"
)

// requestID returns the requestId of one mutating call, step naming the
// call within the action ("stop", "delete-instance", ...). Compute Engine
// performs a request once per requestId (a UUID), so a send retried after
// a timeout does not run twice. With an id in ctx (provider.WithRequestID:
// one send of one action) the key is derived from it and step, the same
// on every retry of that send; without one it is random, which still
// makes the SDK's own resends of that one call safe.
func requestID(ctx context.Context, step string) *string {
	var b [16]byte
	if base := provider.RequestID(ctx); base != "" {
		sum := sha256.Sum256([]byte("driftless/gcp\x00" + base + "\x00" + step))
		copy(b[:], sum[:16])
		b[6] = b[6]&0x0f | 0x50 // version 5: name-based
	} else {
		_, _ = rand.Read(b[:])  // crypto/rand.Read never fails
		b[6] = b[6]&0x0f | 0x40 // version 4: random
	}
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	s := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	return &s
}
