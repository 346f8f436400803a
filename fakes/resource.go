package fakes

import "time"

// step is one scheduled change of a VM or volume: at time at its raw status
// becomes status, or, when gone, it stops existing.
type step struct {
	at     time.Time
	status string
	gone   bool
	// fresh marks the creation of a new resource: one that existed under
	// the same name before is replaced (lambda launch after terminate).
	fresh bool
	// addr, when set, is the public address the VM gets, visible from
	// addrAt.
	addr   string
	addrAt time.Time
	// newAddr asks Act to allocate addr when it accepts the plan, so
	// addresses follow the order of actions, not of lazy evaluation.
	newAddr bool
	// vmid and labels are the id and labels of the VM a fresh step
	// creates, given by Act when it accepts the plan (ids follow the order
	// of actions too).
	vmid   string
	labels map[string]string
}

// resource is a VM or volume whose state evolves lazily from the clock: its
// current raw status plus the scheduled steps still ahead. Every access
// advances it to the clock's now first.
type resource struct {
	status string
	exists bool
	steps  []step
	// bornAt is when the current resource was created (reported);
	// appearAt is the same but zero for setup resources, which
	// eventual-consistency lag never hides.
	bornAt, appearAt time.Time
	// ghost is the last status before the resource disappeared at goneAt;
	// a DeleteLag fault keeps showing it.
	ghost  string
	goneAt time.Time
	addr   string
	addrAt time.Time
	// id is the provider's immutable id of the current VM ("" for
	// volumes), ghostID the id of the one that disappeared; labels are the
	// VM's labels.
	id, ghostID string
	labels      map[string]string
}

// advance applies every step due by now.
func (r *resource) advance(now time.Time) {
	n := 0
	for n < len(r.steps) && !r.steps[n].at.After(now) {
		r.apply(r.steps[n])
		n++
	}
	if n == len(r.steps) {
		r.steps = nil
	} else if n > 0 {
		r.steps = r.steps[n:]
	}
}

func (r *resource) apply(s step) {
	if s.gone || (s.fresh && r.exists) {
		if r.exists {
			r.ghost, r.goneAt, r.ghostID = r.status, s.at, r.id
		}
		r.exists, r.status = false, ""
		if s.gone {
			return
		}
	}
	if !r.exists {
		r.exists = true
		r.bornAt, r.appearAt = s.at, s.at
		if s.fresh {
			r.id, r.labels = s.vmid, s.labels
		}
	}
	r.status = s.status
	if s.addr != "" {
		r.addr, r.addrAt = s.addr, s.addrAt
	}
}

// schedule replaces the steps ahead; a nil plan keeps them.
func (r *resource) schedule(steps []step, now time.Time) {
	if steps == nil {
		return
	}
	r.steps = steps
	r.advance(now)
}

// settled returns when the scheduled steps end (now when none are left).
func (r *resource) settled(now time.Time) time.Time {
	if len(r.steps) == 0 {
		return now
	}
	return r.steps[len(r.steps)-1].at
}

// visible returns the status an API answer shows now under the lag
// faults; current is false when that is the ghost of a deleted resource,
// and ok false when the answer is a 404.
func (r *resource) visible(now time.Time, f Faults) (status string, current, ok bool) {
	if r.exists && (f.CreateLag == 0 || !now.Before(r.appearAt.Add(f.CreateLag))) {
		return r.status, true, true
	}
	if r.ghost != "" && f.DeleteLag > 0 && now.Before(r.goneAt.Add(f.DeleteLag)) {
		return r.ghost, false, true
	}
	return "", false, false
}

// set makes the resource's status raw now, cancelling anything scheduled:
// an external event.
func (r *resource) set(raw string, now time.Time) {
	r.steps = nil
	r.apply(step{at: now, status: raw})
}

// remove deletes the resource now, cancelling anything scheduled.
func (r *resource) remove(now time.Time) {
	r.steps = nil
	r.apply(step{at: now, gone: true})
}
