package waiter

import (
	"math/rand/v2"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestSchedulePauses: whatever the options, every pause is within
// [MinInterval, MaxInterval] — except the one pause that ends a quiet
// period exactly at its end — and without an expected duration the
// ceiling never shrinks.
func TestSchedulePauses(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		minI := time.Duration(rapid.Int64Range(int64(time.Millisecond), int64(time.Minute)).Draw(t, "min"))
		maxI := minI + time.Duration(rapid.Int64Range(0, int64(5*time.Minute)).Draw(t, "extra"))
		o, err := Options{
			Target:           VMIn(0),
			MinInterval:      minI,
			MaxInterval:      maxI,
			Multiplier:       rapid.Float64Range(1, 1e300).Draw(t, "mult"),
			ExpectedDuration: time.Duration(rapid.Int64Range(0, int64(time.Hour)).Draw(t, "expected")),
			Rand:             rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1)),
		}.withDefaults(true)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Unix(1e9, 0)
		s := newSchedule(o, start)
		now := start
		var lastCeiling time.Duration
		for range rapid.IntRange(1, 60).Draw(t, "probes") {
			quietLeft := s.quiet(now)
			d := s.next(now)
			switch {
			case quietLeft > 0:
				if d != quietLeft {
					t.Fatalf("inside the quiet period the pause is %s, want %s to its end", d, quietLeft)
				}
			case d < minI || d > maxI:
				t.Fatalf("pause %s outside [%s, %s]", d, minI, maxI)
			}
			if o.ExpectedDuration == 0 {
				if s.ceiling < lastCeiling {
					t.Fatalf("ceiling shrank from %s to %s", lastCeiling, s.ceiling)
				}
				lastCeiling = s.ceiling
			}
			now = now.Add(d)
		}
	})
}
