package store

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/driftless/driftless/hoststate"
)

// MemConfig configures a [MemStore]. The zero value is ready to use.
type MemConfig struct {
	// Now is the store's own clock, for leases, report stamps and history
	// retention; nil means time.Now. Tests pass a manual clock's Now.
	Now func() time.Time
	// HistoryRetention drops status changes older than this. Default 30
	// days.
	HistoryRetention time.Duration
	// HistoryPerHost caps the status changes kept per host (the oldest go
	// first). Default 1000.
	HistoryPerHost int
	// FeedBuffer is each subscriber's channel capacity. Default 1024.
	FeedBuffer int
}

// MemStore is an in-memory [Store], safe for concurrent use: the embedded
// default, and the store the tests and examples run on. Its precision is a
// nanosecond. Records are values, but a record's Ref.Labels map is shared
// between the caller and the store (copying it on every write would cost an
// allocation per host per tick): treat Labels as immutable once written.
type MemStore struct {
	now func() time.Time
	cfg MemConfig

	mu      sync.RWMutex
	recs    map[string]*entry
	order   []*entry // every entry; in id order when sorted is true
	sorted  bool
	due     dueHeap
	leases  map[string]Lease  // current grants, expired ones included
	epochs  map[string]uint64 // last epoch granted per key, kept after release
	subs    map[*subscriber]struct{}
	reports map[string]Report
}

// entry is one stored host.
type entry struct {
	rec     hoststate.Record
	history []Transition
	dueAt   int // position in the due heap
}

// subscriber is one change-feed channel.
type subscriber struct{ ch chan Transition }

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty store.
func NewMemStore(cfg MemConfig) *MemStore {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HistoryRetention <= 0 {
		cfg.HistoryRetention = 30 * 24 * time.Hour
	}
	if cfg.HistoryPerHost <= 0 {
		cfg.HistoryPerHost = 1000
	}
	if cfg.FeedBuffer <= 0 {
		cfg.FeedBuffer = 1024
	}
	return &MemStore{
		now: cfg.Now, cfg: cfg,
		recs: make(map[string]*entry), sorted: true,
		leases: make(map[string]Lease), epochs: make(map[string]uint64),
		subs: make(map[*subscriber]struct{}), reports: make(map[string]Report),
	}
}

// Precision implements Store: a MemStore keeps times exactly.
func (s *MemStore) Precision() time.Duration { return time.Nanosecond }

// Len returns the number of stored hosts.
func (s *MemStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.recs)
}

// Get implements Store.
func (s *MemStore) Get(ctx context.Context, id string) (hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return hoststate.Record{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.recs[id]
	if !ok {
		return hoststate.Record{}, notFound(id)
	}
	return e.rec, nil
}

// notFound is the ErrNotFound error for id, quoting a bounded id.
func notFound(id string) error { return fmt.Errorf("%w: %q", ErrNotFound, boundedID(id)) }

// List implements Store.
func (s *MemStore) List(ctx context.Context, f Filter) ([]hoststate.Record, error) {
	return s.AppendList(ctx, nil, f)
}

// AppendList implements [Appender]: List, appending to dst, so a caller
// that lists every tick reuses one buffer instead of allocating a copy of
// every record per tick.
func (s *MemStore) AppendList(ctx context.Context, dst []hoststate.Record, f Filter) ([]hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return dst, err
	}
	s.mu.RLock()
	if !s.sorted {
		// Sort under the write lock, and list under it too: an insert
		// between the sort and the read would break the id order.
		s.mu.RUnlock()
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.sorted {
			slices.SortFunc(s.order, func(a, b *entry) int { return strings.Compare(a.rec.ID, b.rec.ID) })
			s.sorted = true
		}
	} else {
		defer s.mu.RUnlock()
	}
	i := 0
	if f.After != "" {
		i = sort.Search(len(s.order), func(k int) bool { return s.order[k].rec.ID > f.After })
	}
	n := len(s.order) - i
	if f.Limit > 0 {
		n = min(n, f.Limit)
	}
	if f.unselective() {
		dst = slices.Grow(dst, n)
	}
	start := len(dst)
	for _, e := range s.order[i:] {
		if !f.Match(e.rec) {
			continue
		}
		dst = append(dst, e.rec)
		if f.Limit > 0 && len(dst)-start == f.Limit {
			break
		}
	}
	return dst, nil
}

// Due implements Store from a heap ordered by (NextCheck, id): it visits
// only the due records and their heap children.
func (s *MemStore) Due(ctx context.Context, now time.Time, limit int) ([]hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []hoststate.Record
	if len(s.due) == 0 {
		return out, nil
	}
	frontier := candidates{h: s.due, idx: []int{0}}
	for frontier.Len() > 0 && (limit <= 0 || len(out) < limit) {
		i := heap.Pop(&frontier).(int)
		e := s.due[i]
		if e.rec.NextCheck.After(now) {
			break
		}
		out = append(out, e.rec)
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(s.due) {
				heap.Push(&frontier, c)
			}
		}
	}
	return out, nil
}

// Update implements Store.
func (s *MemStore) Update(ctx context.Context, w Write) (hoststate.Record, error) {
	if err := ctx.Err(); err != nil {
		return hoststate.Record{}, err
	}
	if err := ValidRecord(w.Record); err != nil {
		return hoststate.Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if err := s.checkFence(w.Fence, now); err != nil {
		return hoststate.Record{}, err
	}
	if err := s.checkVersion(w.Record); err != nil {
		return hoststate.Record{}, err
	}
	return s.write(w), nil
}

// UpdateBatch implements Store.
func (s *MemStore) UpdateBatch(ctx context.Context, ws []Write) (BatchResult, error) {
	if err := ctx.Err(); err != nil {
		return BatchResult{}, err
	}
	seen := make(map[string]bool, len(ws))
	for _, w := range ws {
		if err := ValidRecord(w.Record); err != nil {
			return BatchResult{}, err
		}
		if seen[w.Record.ID] {
			return BatchResult{}, fmt.Errorf("%w: %q twice in one batch", ErrInvalidRecord, w.Record.ID)
		}
		seen[w.Record.ID] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, w := range ws {
		if err := s.checkFence(w.Fence, now); err != nil {
			return BatchResult{}, err
		}
	}
	res := BatchResult{Written: make([]hoststate.Record, 0, len(ws))}
	for _, w := range ws {
		if s.checkVersion(w.Record) != nil {
			res.Conflicts = append(res.Conflicts, w.Record.ID)
			continue
		}
		res.Written = append(res.Written, s.write(w))
	}
	return res, nil
}

// checkVersion is the compare of compare-and-swap. The caller holds mu.
func (s *MemStore) checkVersion(rec hoststate.Record) error {
	e, ok := s.recs[rec.ID]
	switch {
	case !ok && rec.Version != 0:
		return fmt.Errorf("%w: %q does not exist (version %d)", ErrConflict, rec.ID, rec.Version)
	case ok && e.rec.Version != rec.Version:
		return fmt.Errorf("%w: %q is at version %d, not %d", ErrConflict, rec.ID, e.rec.Version, rec.Version)
	}
	return nil
}

// write stores a validated, version-checked write and records and
// publishes its status change. The caller holds mu.
func (s *MemStore) write(w Write) hoststate.Record {
	rec := AtPrecision(w.Record, s.Precision())
	rec.Version++
	e, ok := s.recs[rec.ID]
	from := hoststate.StatusUnknown
	if ok {
		from = e.rec.Status
		moved := !e.rec.NextCheck.Equal(rec.NextCheck)
		e.rec = rec
		if moved {
			heap.Fix(&s.due, e.dueAt)
		}
	} else {
		e = &entry{rec: rec}
		s.recs[rec.ID] = e
		s.order = append(s.order, e)
		s.sorted = s.sorted && (len(s.order) < 2 || s.order[len(s.order)-2].rec.ID < rec.ID)
		heap.Push(&s.due, e)
	}
	if from != rec.Status {
		s.record(e, Transition{ID: rec.ID, From: from, To: rec.Status, Reason: w.Reason, RawStatus: rec.ProviderStatus, At: rec.Since, Version: rec.Version})
	}
	return rec
}

// record appends t to e's history within the retention bounds and sends it
// to every subscriber; a subscriber whose buffer is full is closed. The
// caller holds mu.
func (s *MemStore) record(e *entry, t Transition) {
	if t.At.IsZero() {
		t.At = s.now()
	}
	cutoff := s.now().Add(-s.cfg.HistoryRetention)
	h := append(e.history, t)
	drop := 0
	for drop < len(h) && h[drop].At.Before(cutoff) {
		drop++
	}
	drop = max(drop, len(h)-s.cfg.HistoryPerHost)
	e.history = h[drop:]
	for sub := range s.subs {
		select {
		case sub.ch <- t:
		default:
			close(sub.ch)
			delete(s.subs, sub)
		}
	}
}

// checkFence refuses a write whose lease is no longer held at its epoch.
// The caller holds mu.
func (s *MemStore) checkFence(f Fence, now time.Time) error {
	if f.IsZero() {
		return nil
	}
	l, ok := s.leases[f.Key]
	if !ok || l.Epoch != f.Epoch || !now.Before(l.Expires) {
		return fmt.Errorf("%w: %q at epoch %d", ErrFenced, f.Key, f.Epoch)
	}
	return nil
}

// TryLease implements Leaser on the store's clock.
func (s *MemStore) TryLease(ctx context.Context, key, owner string, ttl time.Duration) (Lease, bool, error) {
	if err := ctx.Err(); err != nil {
		return Lease{}, false, err
	}
	if key == "" || owner == "" || ttl <= 0 {
		return Lease{}, false, fmt.Errorf("%w: a lease needs a key, an owner and a positive ttl", ErrInvalidRecord)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	l, ok := s.leases[key]
	if ok && now.Before(l.Expires) {
		if l.Owner != owner {
			return Lease{}, false, nil
		}
		l.Expires = now.Add(ttl)
		s.leases[key] = l
		return l, true, nil
	}
	s.epochs[key]++
	l = Lease{Key: key, Owner: owner, Epoch: s.epochs[key], Expires: now.Add(ttl)}
	s.leases[key] = l
	return l, true, nil
}

// ReleaseLease implements Leaser.
func (s *MemStore) ReleaseLease(ctx context.Context, l Lease) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.leases[l.Key]; ok && cur.Epoch == l.Epoch {
		delete(s.leases, l.Key)
	}
	return nil
}

// Subscribe implements Store.
func (s *MemStore) Subscribe(ctx context.Context) (<-chan Transition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sub := &subscriber{ch: make(chan Transition, s.cfg.FeedBuffer)}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[sub]; ok {
			close(sub.ch)
			delete(s.subs, sub)
		}
	}()
	return sub.ch, nil
}

// History implements Store.
func (s *MemStore) History(ctx context.Context, id string, since time.Time) ([]Transition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.recs[id]
	if !ok {
		return nil, notFound(id)
	}
	i := sort.Search(len(e.history), func(i int) bool { return !e.history[i].At.Before(since) })
	return slices.Clone(e.history[i:]), nil
}

// PutReport implements Store.
func (s *MemStore) PutReport(ctx context.Context, id string, r Report) (Report, error) {
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	if err := ValidReport(r); err != nil {
		return Report{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recs[id]; !ok {
		return Report{}, notFound(id)
	}
	r.At = s.now().Round(0)
	s.reports[id] = r
	return r, nil
}

// Report implements Store.
func (s *MemStore) Report(ctx context.Context, id string) (Report, error) {
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.reports[id]
	if !ok {
		return Report{}, fmt.Errorf("%w: no connector report for %q", ErrNotFound, boundedID(id))
	}
	return r, nil
}

// Reports implements [ReportReader]: one read lock for every id.
func (s *MemStore) Reports(ctx context.Context, ids []string) (map[string]Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]Report, len(ids))
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, id := range ids {
		if r, ok := s.reports[id]; ok {
			out[id] = r
		}
	}
	return out, nil
}

// boundedID cuts id to MaxIDLen for messages.
func boundedID(id string) string { return hoststate.Truncate(id, MaxIDLen) }

// dueHeap orders entries by (NextCheck, id), keeping each entry's position.
type dueHeap []*entry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return dueBefore(h[i], h[j]) }
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].dueAt, h[j].dueAt = i, j
}
func (h *dueHeap) Push(x any) {
	e := x.(*entry)
	e.dueAt = len(*h)
	*h = append(*h, e)
}
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// dueBefore is the due order: earlier NextCheck first, then id.
func dueBefore(a, b *entry) bool {
	if c := a.rec.NextCheck.Compare(b.rec.NextCheck); c != 0 {
		return c < 0
	}
	return strings.Compare(a.rec.ID, b.rec.ID) < 0
}

// candidates is the frontier of a walk over the due heap: positions whose
// parent was due, smallest first.
type candidates struct {
	h   dueHeap
	idx []int
}

func (c *candidates) Len() int           { return len(c.idx) }
func (c *candidates) Less(i, j int) bool { return dueBefore(c.h[c.idx[i]], c.h[c.idx[j]]) }
func (c *candidates) Swap(i, j int)      { c.idx[i], c.idx[j] = c.idx[j], c.idx[i] }
func (c *candidates) Push(x any)         { c.idx = append(c.idx, x.(int)) }
func (c *candidates) Pop() any {
	v := c.idx[len(c.idx)-1]
	c.idx = c.idx[:len(c.idx)-1]
	return v
}
