package hostapi

import (
	"container/list"
	"crypto/rand"
	"sync"
	"time"

	"github.com/driftless/driftless/waiter"
)

// actionTable remembers the actions started through the API, by reference,
// up to a bound: the oldest finished action goes first, and only when every
// remembered action is still running does the oldest running one go (it
// still runs; only its resource is forgotten). So the table cannot grow
// with the traffic, and a finished action never pushes out a running one.
type actionTable struct {
	mu    sync.Mutex
	max   int
	byRef map[string]*list.Element
	order *list.List // of *actionEntry, oldest first
}

// actionEntry is one remembered action.
type actionEntry struct {
	ref     string
	handle  *waiter.Handle
	started time.Time
}

func newActionTable(max int) *actionTable {
	return &actionTable{max: max, byRef: make(map[string]*list.Element), order: list.New()}
}

// add remembers h under a new random reference and returns its entry.
func (t *actionTable) add(h *waiter.Handle, started time.Time) *actionEntry {
	// 128 random bits: a reference cannot be guessed to read another
	// operator's action.
	e := &actionEntry{ref: rand.Text(), handle: h, started: started}
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.order.Len() >= t.max {
		t.evictLocked()
	}
	t.byRef[e.ref] = t.order.PushBack(e)
	return e
}

// evictLocked drops the oldest finished entry, or the oldest if none has
// finished.
func (t *actionTable) evictLocked() {
	victim := t.order.Front()
	for el := t.order.Front(); el != nil; el = el.Next() {
		select {
		case <-el.Value.(*actionEntry).handle.Done():
			victim = el
		default:
			continue
		}
		break
	}
	delete(t.byRef, victim.Value.(*actionEntry).ref)
	t.order.Remove(victim)
}

// get returns the entry of ref.
func (t *actionTable) get(ref string) (*actionEntry, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	el, ok := t.byRef[ref]
	if !ok {
		return nil, false
	}
	return el.Value.(*actionEntry), true
}
