package waiter

import (
	"math/rand/v2"
	"time"
)

// QuietFraction is the part of Options.ExpectedDuration during which the
// waiter does not probe. Real transitions rarely finish much sooner than
// their typical duration; one that does is seen when the quiet period ends.
const QuietFraction = 0.8

// expectedSpread sets how pauses grow away from the expected end of a
// transition: at most 1/expectedSpread of the distance to it, so probes
// are densest where the transition most likely ends and thin out
// geometrically as it overruns.
const expectedSpread = 10

// schedule paces probes. Without an expected duration it is exponential
// backoff: a ceiling growing from MinInterval by Multiplier up to
// MaxInterval, each pause drawn uniformly between MinInterval and the
// ceiling. With one, it is a quiet period, then pauses drawn between
// MinInterval and a tenth of the distance to the expected end (capped at
// MaxInterval).
type schedule struct {
	min, max time.Duration
	mult     float64
	// quietUntil and expectedEnd are zero without an expected duration.
	quietUntil, expectedEnd time.Time
	rng                     *rand.Rand
	// ceiling is the current backoff ceiling.
	ceiling time.Duration
}

func newSchedule(o Options, start time.Time) *schedule {
	s := &schedule{min: o.MinInterval, max: o.MaxInterval, mult: o.Multiplier, rng: o.Rand, ceiling: o.MinInterval}
	if o.ExpectedDuration > 0 {
		s.quietUntil = start.Add(time.Duration(float64(o.ExpectedDuration) * QuietFraction))
		s.expectedEnd = start.Add(o.ExpectedDuration)
	}
	return s
}

// quiet returns how long the quiet period still lasts at now (zero when
// there is none or it is over).
func (s *schedule) quiet(now time.Time) time.Duration {
	if s.quietUntil.IsZero() || !now.Before(s.quietUntil) {
		return 0
	}
	return s.quietUntil.Sub(now)
}

// next returns the pause before the next probe, decided at now.
func (s *schedule) next(now time.Time) time.Duration {
	if s.expectedEnd.IsZero() {
		d := s.jitter(s.ceiling)
		// Grow in floating point and clamp before converting, so a huge
		// Multiplier cannot overflow the ceiling.
		if next := float64(s.ceiling) * s.mult; next < float64(s.max) {
			s.ceiling = time.Duration(next)
		} else {
			s.ceiling = s.max
		}
		return d
	}
	if q := s.quiet(now); q > 0 {
		return q
	}
	dist := s.expectedEnd.Sub(now)
	if dist < 0 {
		dist = -dist
	}
	return s.jitter(min(max(dist/expectedSpread, s.min), s.max))
}

// jitter draws uniformly from [s.min, ceiling].
func (s *schedule) jitter(ceiling time.Duration) time.Duration {
	span := ceiling - s.min
	if span <= 0 {
		return s.min
	}
	var n int64
	if s.rng != nil {
		n = s.rng.Int64N(int64(span) + 1)
	} else {
		n = rand.Int64N(int64(span) + 1)
	}
	return s.min + time.Duration(n)
}
