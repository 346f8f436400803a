package hoststate

import "time"

// Heartbeat records in r a heartbeat from the host daemon at now and reports
// whether it was accepted. Heartbeats are accepted only while the status is
// running, so a host shutting down cannot flip back to running mid-stop; a
// rejected heartbeat leaves r unchanged. An accepted heartbeat moves
// NextCheck on to when the daemon would count as quiet (now +
// p.StaleAfter), unless the host needs a look anyway.
func (r *Record) Heartbeat(now time.Time, p Policy) bool {
	if r.Status != StatusRunning {
		return false
	}
	p.fill()
	r.LastSeen = now
	r.scheduleCheck(now, &p)
	return true
}
