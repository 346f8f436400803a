package hoststate

import "time"

// Fail records in r that the in-flight action failed definitively at the
// provider (an operation that finished with an error, a refused request):
// the status becomes error with reason as its explanation. A record with no
// action in flight is left unchanged, with an error matching
// [ErrInvalidTransition], so a late failure cannot overwrite a status the
// reconciler or a newer action has since set. An error is due for a look
// at once (NextCheck is now).
//
// Transient failures (rate limits, 5xx, timeouts) are not definitive: the
// action may have happened. Keep the transitional status and let its
// deadline and the reconciler decide; never guess an outcome.
func (r *Record) Fail(reason string, now time.Time) error {
	if !r.inFlight() {
		return &TransitionError{From: r.Status, Action: r.LastAction}
	}
	r.moveTo(StatusError, now)
	r.Reason = Truncate(reason, MaxStored)
	r.NextCheck = now // error: due every tick
	return nil
}
