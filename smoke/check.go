package smoke

import (
	"context"
	"fmt"
	"sync"

	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/store"
)

// checkedStore is the run's store with the invariants checked on every
// write, as it happens: a write of off or deprovisioned is compared with
// the provider's own view at that moment.
type checkedStore struct {
	store.Store
	t    Target
	caps provider.Capabilities

	mu         sync.Mutex
	violations []string
}

func newCheckedStore(st store.Store, t Target, caps provider.Capabilities) *checkedStore {
	return &checkedStore{Store: st, t: t, caps: caps}
}

// Update implements store.Store, checking the write first.
func (s *checkedStore) Update(ctx context.Context, w store.Write) (hoststate.Record, error) {
	s.check(ctx, w.Record)
	return s.Store.Update(ctx, w)
}

// UpdateBatch implements store.Store, checking every write first.
func (s *checkedStore) UpdateBatch(ctx context.Context, ws []store.Write) (store.BatchResult, error) {
	for _, w := range ws {
		s.check(ctx, w.Record)
	}
	return s.Store.UpdateBatch(ctx, ws)
}

// check records a violation if rec's status contradicts the provider:
// never off while the VM runs or stops, nor for a deprovision that left
// the data volume; never deprovisioned while the data volume (or the VM)
// exists.
func (s *checkedStore) check(ctx context.Context, rec hoststate.Record) {
	if rec.Status != hoststate.StatusOff && rec.Status != hoststate.StatusDeprovisioned {
		return
	}
	in, err := s.t.Inspector.Inspect(ctx, rec.Ref)
	if err != nil {
		// Unknown is not a violation; the step's own checks read again.
		return
	}
	var v string
	switch {
	case rec.Status == hoststate.StatusOff && (in.VM == hoststate.VMRunning || in.VM == hoststate.VMStarting || in.VM == hoststate.VMStopping):
		v = fmt.Sprintf("off written while the provider's VM is %s (%s)", in.VM, orNone(in.RawVM))
	case rec.Status == hoststate.StatusOff && rec.LastAction == hoststate.ActionDeprovision && in.VM == hoststate.VMAbsent && in.VolumeExists:
		v = "off written for an unfinished deprovision: the VM deleted, the data volume left"
	case rec.Status == hoststate.StatusDeprovisioned && s.caps.SeparateVolume && in.VolumeExists:
		v = fmt.Sprintf("deprovisioned written while the data volume exists (%s)", orNone(in.RawVolume))
	case rec.Status == hoststate.StatusDeprovisioned && in.VM != hoststate.VMAbsent && in.VM != hoststate.VMUnknown:
		v = fmt.Sprintf("deprovisioned written while the provider's VM is %s (%s)", in.VM, orNone(in.RawVM))
	default:
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, v)
}

// take returns the violations recorded since the last take.
func (s *checkedStore) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.violations
	s.violations = nil
	return v
}
