// Package clocktest provides a manual [clock.Clock] for tests, in the spirit
// of net/http/httptest: time stands still until the test moves it, and
// timers fire exactly then, in deadline order.
//
// To know when the code under test is waiting, run the test inside
// testing/synctest and call synctest.Wait before moving the clock: the
// runtime then knows every goroutine is blocked, which no timer count can
// tell. [Clock.WaitForTimers] remains for code that cannot run in a bubble
// (loopback network I/O) and waits on exactly one known timer at a time.
package clocktest

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/driftless/driftless/clock"
)

// Clock is a manual [clock.Clock]: time stands still until a test moves
// it with [Clock.Advance] or [Clock.Set], and timers fire exactly then, in
// order of their deadlines. A test that needs a goroutine to be blocked on a
// timer before it moves time calls [Clock.WaitForTimers] first, so nothing
// ever sleeps on real time. A Clock is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	pending timerHeap
	seq     uint64
	// added is closed and replaced whenever a timer starts pending, waking
	// WaitForTimers without polling.
	added chan struct{}
}

var _ clock.Clock = (*Clock)(nil)

// New returns a clock that reads start until it is moved.
func New(start time.Time) *Clock {
	return &Clock{now: start, added: make(chan struct{})}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches Now()+d. A
// timer with d <= 0 has fired already, as with time.NewTimer.
func (c *Clock) NewTimer(d time.Duration) clock.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{clock: c, ch: make(chan time.Time, 1), when: c.now.Add(d), index: -1}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.seq++
	t.seq = c.seq
	heap.Push(&c.pending, t)
	close(c.added)
	c.added = make(chan struct{})
	return t
}

// Advance moves the clock forward by d, firing every timer due by then in
// deadline order (ties in creation order); during the firing Now reads each
// timer's deadline in turn. A negative d moves the clock back and fires
// nothing, which models clock skew.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(d))
}

// Set moves the clock to t, firing the timers due by then as
// [Clock.Advance] does. Setting an earlier time fires nothing.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(t)
}

func (c *Clock) setLocked(t time.Time) {
	for len(c.pending) > 0 && !c.pending[0].when.After(t) {
		tm := heap.Pop(&c.pending).(*timer)
		if tm.when.After(c.now) {
			c.now = tm.when
		}
		// The channel has room for one value and a timer fires once, so
		// this send never blocks while the lock is held.
		tm.ch <- c.now
	}
	c.now = t
}

// Timers returns how many timers are pending: created, not yet fired, not
// stopped.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// WaitForTimers blocks until at least n timers are pending, or ctx ends. A
// test calls it to know that the goroutine under test is now waiting on the
// clock, then advances time deterministically.
func (c *Clock) WaitForTimers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		if len(c.pending) >= n {
			c.mu.Unlock()
			return nil
		}
		added := c.added
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("clocktest: waiting for %d pending timers: %w", n, ctx.Err())
		case <-added:
		}
	}
}

// timer is a one-shot timer of a Clock.
type timer struct {
	clock *Clock
	ch    chan time.Time
	when  time.Time
	seq   uint64
	// index is the timer's position in the pending heap, -1 once it fired
	// or was stopped.
	index int
}

// C delivers the clock's time once the timer fires.
func (t *timer) C() <-chan time.Time { return t.ch }

// Stop prevents the timer from firing; it reports whether the timer was
// still pending.
func (t *timer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.clock.pending, t.index)
	return true
}

// timerHeap orders pending timers by deadline, then creation.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq
	}
	return h[i].when.Before(h[j].when)
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
