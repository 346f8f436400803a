package provider

import "github.com/driftless/driftless/hoststate"

// Pusher is implemented by providers whose state arrives as pushed reports
// (Capabilities.PushReports: a self-host connector). Waiters watch instead
// of polling, with a safety probe now and then.
type Pusher interface {
	// Watch streams host's observations from now on, until cancel is
	// called (which closes the channel; calling it again does nothing).
	Watch(host Host) (observations <-chan hoststate.Observation, cancel func(), err error)
}
