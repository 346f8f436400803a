// Package clock is the library's one port for time: everything in driftless
// that waits or timestamps takes a [Clock], so tests drive time by hand
// (package clocktest) and production uses [System].
//
// Code that only reads the time takes a func() time.Time instead (pass
// clk.Now), which keeps such signatures free of this package.
package clock

import "time"

// Clock is a source of time and timers.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once after d. A timer with
	// d <= 0 has fired already, as with time.NewTimer.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer from a [Clock].
type Timer interface {
	// C delivers the time once the timer fires.
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it stopped
	// the timer before it fired.
	Stop() bool
}

// System returns the wall clock.
func System() Clock { return system{} }

type system struct{}

func (system) Now() time.Time { return time.Now() }

func (system) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }
func (t systemTimer) Stop() bool          { return t.t.Stop() }
