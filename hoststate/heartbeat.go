package hoststate

import "time"

// Heartbeat records a heartbeat from the host daemon at now and reports
// whether it was accepted. Heartbeats are accepted only while the status is
// running, so a host shutting down cannot flip back to running mid-stop; a
// rejected heartbeat leaves r unchanged.
func Heartbeat(r Record, now time.Time) (Record, bool) {
	if r.Status != StatusRunning {
		return r, false
	}
	r.LastSeen = now
	return r, true
}
