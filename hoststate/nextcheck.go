package hoststate

import "time"

// scheduleCheck sets r.NextCheck: when the host next needs a look from the
// reconciler, the RequeueAfter of the decision. [Record.Observe], [Record.Apply], [Record.Fail]
// and [Record.Heartbeat] set it on every record they change, so a store can
// answer "due now" from an index instead of a scan.
//
//   - A transitional, error or unknown status, a flip being confirmed, and
//     a running host without an address or without a heartbeat yet need a
//     look every tick: NextCheck is a time already past (the status's
//     Since, or now), which stays put from tick to tick, so a look that
//     finds nothing new need not be written.
//   - A running host needs one once its daemon goes quiet: LastSeen +
//     StaleAfter. Each accepted heartbeat moves it on.
//   - Off and deprovisioned hosts need one Recheck after their last
//     observation; the reconciler's full sweeps look at them meanwhile.
func (r *Record) scheduleCheck(now time.Time, p *Policy) {
	due := r.Since
	if due.After(now) {
		due = now
	}
	switch {
	case r.PendingCount > 0:
	case r.Status == StatusRunning:
		if r.Address != "" && !r.LastSeen.IsZero() {
			due = r.LastSeen.Add(p.StaleAfter)
		}
	case r.Status == StatusOff || r.Status == StatusDeprovisioned:
		if !r.ObservedAt.IsZero() {
			last := r.ObservedAt
			if last.After(now) {
				last = now // a corrupt future observation must not postpone the look
			}
			due = last.Add(p.Recheck)
		}
	}
	r.NextCheck = due
}
