package hoststate

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFail(t *testing.T) {
	r := Record{ID: "h", Status: StatusOff}
	r.Apply(ActionStart, t0)
	got := r
	err := got.Fail("ZONE_RESOURCE_POOL_EXHAUSTED", t0.Add(time.Second))
	if err != nil || got.Status != StatusError || got.Reason != "ZONE_RESOURCE_POOL_EXHAUSTED" || !got.Since.Equal(t0.Add(time.Second)) {
		t.Fatalf("Fail = %+v, %v", got, err)
	}
	long := r
	long.Fail(strings.Repeat("x", 10000), t0)
	if len(long.Reason) > 600 {
		t.Errorf("reason not bounded: %d bytes", len(long.Reason))
	}
	settled := Record{ID: "h", Status: StatusRunning, LastAction: ActionStart, ActionAt: t0}
	same := settled
	err = same.Fail("late", t0)
	if !errors.Is(err, ErrInvalidTransition) || !cmp.Equal(same, settled) {
		t.Fatalf("Fail on a settled record = %v, %v", same.Status, err)
	}
}
