package reconcile

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/driftless/driftless/hoststate"
)

// MemStore is an in-memory [Store] and [Leaser], safe for concurrent use:
// the embedded default, and the store the tests and examples run on.
// Records are values, but a record's Ref.Labels map is shared between the
// caller and the store (copying it on every write would cost an allocation
// per host per tick): treat Labels as immutable once written.
type MemStore struct {
	mu     sync.RWMutex
	recs   map[string]*hoststate.Record
	ids    []string // all ids; sorted when sorted is true
	sorted bool
	leases map[string]lease
}

type lease struct {
	owner string
	until time.Time
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{recs: make(map[string]*hoststate.Record), sorted: true, leases: make(map[string]lease)}
}

// Get implements Store.
func (s *MemStore) Get(ctx context.Context, id string) (hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return hoststate.Record{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.recs[id]
	if !ok {
		return hoststate.Record{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return *r, nil
}

// List implements Store.
func (s *MemStore) List(ctx context.Context, f Filter) ([]hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.sortIDs()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []hoststate.Record
	for _, id := range s.ids {
		r := s.recs[id]
		if !f.Match(*r) {
			continue
		}
		out = append(out, *r)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// sortIDs sorts the id index once after inserts, so List stays ordered
// without paying for sorted inserts.
func (s *MemStore) sortIDs() {
	s.mu.RLock()
	sorted := s.sorted
	s.mu.RUnlock()
	if sorted {
		return
	}
	s.mu.Lock()
	if !s.sorted {
		slices.Sort(s.ids)
		s.sorted = true
	}
	s.mu.Unlock()
}

// Update implements Store.
func (s *MemStore) Update(ctx context.Context, rec hoststate.Record) (hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return hoststate.Record{}, err
	}
	if rec.ID == "" {
		return hoststate.Record{}, fmt.Errorf("%w: empty id", ErrInvalidRecord)
	}
	if !rec.Status.Valid() {
		return hoststate.Record{}, fmt.Errorf("%w: status %v", ErrInvalidRecord, rec.Status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.recs[rec.ID]
	switch {
	case !ok && rec.Version != 0:
		return hoststate.Record{}, fmt.Errorf("%w: %q does not exist (version %d)", ErrConflict, rec.ID, rec.Version)
	case ok && cur.Version != rec.Version:
		return hoststate.Record{}, fmt.Errorf("%w: %q is at version %d, not %d", ErrConflict, rec.ID, cur.Version, rec.Version)
	}
	rec.Version++
	if !ok {
		cur = new(hoststate.Record)
		s.recs[rec.ID] = cur
		s.ids = append(s.ids, rec.ID)
		s.sorted = len(s.ids) < 2 || (s.sorted && s.ids[len(s.ids)-2] < rec.ID)
	}
	*cur = rec
	return rec, nil
}

// Len returns the number of stored hosts.
func (s *MemStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.recs)
}

// TryLease implements Leaser, in-process.
func (s *MemStore) TryLease(ctx context.Context, key, owner string, now time.Time, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if key == "" || owner == "" {
		return false, fmt.Errorf("%w: lease needs a key and an owner", ErrInvalidRecord)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, held := s.leases[key]
	if held && l.owner != owner && now.Before(l.until) {
		return false, nil
	}
	s.leases[key] = lease{owner: owner, until: now.Add(ttl)}
	return true, nil
}

// ReleaseLease implements Leaser.
func (s *MemStore) ReleaseLease(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[key]; ok && l.owner == owner {
		delete(s.leases, key)
	}
	return nil
}
