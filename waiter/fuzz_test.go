package waiter_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/driftless/driftless/clock/clocktest"
	"github.com/driftless/driftless/waiter"
)

// FuzzWaitResolvableAnswer: whatever the resolver answers and whatever
// address is wanted, WaitResolvable never panics, refuses an unparsable
// address up front, and accepts an answer exactly when one of its entries
// is the wanted address (in any spelling).
func FuzzWaitResolvableAnswer(f *testing.F) {
	f.Add("198.51.100.9,2001:db8::7", "2001:db8:0:0::7")
	f.Add("::ffff:192.0.2.1", "192.0.2.1")
	f.Add("fe80::1%eth0", "fe80::1")
	f.Add("", "192.0.2.1")
	f.Add("not an address", "::")
	f.Fuzz(func(t *testing.T, answer, want string) {
		addrs := strings.Split(answer, ",")
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // one lookup, then the wait ends: no clock needs to move
		got, err := waiter.WaitResolvable(ctx, clocktest.New(t0), staticResolver(addrs), "h.example.test", want, waiter.Options{})
		w, perr := netip.ParseAddr(want)
		if perr != nil {
			if !errors.Is(err, waiter.ErrInvalidOptions) {
				t.Fatalf("want %q unparsable, err = %v", want, err)
			}
			return
		}
		match := false
		for _, a := range addrs {
			if p, err := netip.ParseAddr(a); err == nil && p.Unmap() == w.Unmap() {
				match = true
			}
		}
		if match != (err == nil) {
			t.Fatalf("answer %q want %q: got %v, err %v; match %v", answer, want, got, err, match)
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("a non-matching answer ended with %v, want the context's error", err)
		}
	})
}
