package clocktest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/driftless/driftless/clock"
	"github.com/driftless/driftless/clock/clocktest"
)

var epoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// fired returns the value a timer delivered, or false if it has not fired.
func fired(t clock.Timer) (time.Time, bool) {
	select {
	case v := <-t.C():
		return v, true
	default:
		return time.Time{}, false
	}
}

func TestClockNowMovesOnlyByHand(t *testing.T) {
	c := clocktest.New(epoch)
	if got := c.Now(); !got.Equal(epoch) {
		t.Fatalf("Now = %v, want %v", got, epoch)
	}
	c.Advance(90 * time.Second)
	if got, want := c.Now(), epoch.Add(90*time.Second); !got.Equal(want) {
		t.Errorf("after Advance: Now = %v, want %v", got, want)
	}
	c.Set(epoch.Add(time.Hour))
	if got, want := c.Now(), epoch.Add(time.Hour); !got.Equal(want) {
		t.Errorf("after Set: Now = %v, want %v", got, want)
	}
}

// TestClockTimersFireInOrder checks that each timer delivers exactly its
// deadline: the clock reads each deadline in turn while firing, so a timer
// fired out of order would deliver a later time.
func TestClockTimersFireInOrder(t *testing.T) {
	c := clocktest.New(epoch)
	var timers []clock.Timer
	// Deadlines out of creation order, with a tie between the 2nd and 4th.
	for _, d := range []time.Duration{30, 10, 20, 10, 40} {
		timers = append(timers, c.NewTimer(d*time.Second))
	}
	if got := c.Timers(); got != 5 {
		t.Fatalf("Timers = %d, want 5", got)
	}
	c.Advance(25 * time.Second)
	for i, want := range []bool{false, true, true, true, false} {
		v, ok := fired(timers[i])
		if ok != want {
			t.Errorf("timer %d fired = %v, want %v", i, ok, want)
		}
		if ok {
			deadline := epoch.Add([]time.Duration{30, 10, 20, 10, 40}[i] * time.Second)
			if !v.Equal(deadline) {
				t.Errorf("timer %d delivered %v, want its deadline %v", i, v, deadline)
			}
		}
	}
	if got := c.Timers(); got != 2 {
		t.Errorf("Timers after firing 3 = %d, want 2", got)
	}
	c.Set(epoch.Add(time.Minute))
	for _, i := range []int{0, 4} {
		if _, ok := fired(timers[i]); !ok {
			t.Errorf("timer %d did not fire on Set past its deadline", i)
		}
	}
	if got := c.Now(); !got.Equal(epoch.Add(time.Minute)) {
		t.Errorf("Now after Set = %v", got)
	}
}

func TestClockStop(t *testing.T) {
	c := clocktest.New(epoch)
	a, b := c.NewTimer(time.Second), c.NewTimer(2*time.Second)
	if !a.Stop() {
		t.Error("Stop of a pending timer = false")
	}
	if a.Stop() {
		t.Error("second Stop = true")
	}
	if got := c.Timers(); got != 1 {
		t.Errorf("Timers after Stop = %d, want 1", got)
	}
	c.Advance(3 * time.Second)
	if _, ok := fired(a); ok {
		t.Error("a stopped timer fired")
	}
	if _, ok := fired(b); !ok {
		t.Error("the other timer did not fire")
	}
	if b.Stop() {
		t.Error("Stop of a fired timer = true")
	}
}

func TestClockNonPositiveTimerFiresAtOnce(t *testing.T) {
	c := clocktest.New(epoch)
	for _, d := range []time.Duration{0, -time.Second} {
		tm := c.NewTimer(d)
		v, ok := fired(tm)
		if !ok || !v.Equal(epoch) {
			t.Errorf("NewTimer(%s): fired=%v at %v, want at once at %v", d, ok, v, epoch)
		}
		if tm.Stop() {
			t.Errorf("NewTimer(%s).Stop() = true for a fired timer", d)
		}
	}
	if got := c.Timers(); got != 0 {
		t.Errorf("Timers = %d, want 0", got)
	}
}

func TestClockBackwardsFiresNothing(t *testing.T) {
	c := clocktest.New(epoch)
	tm := c.NewTimer(10 * time.Second)
	c.Advance(-time.Hour)
	if _, ok := fired(tm); ok {
		t.Fatal("moving back fired a timer")
	}
	if got, want := c.Now(), epoch.Add(-time.Hour); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
	c.Set(epoch.Add(10 * time.Second))
	if _, ok := fired(tm); !ok {
		t.Error("timer did not fire at its deadline after the clock came back")
	}
}

func TestClockWaitForTimers(t *testing.T) {
	c := clocktest.New(epoch)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	woke := make(chan time.Time)
	for range 3 {
		go func() {
			tm := c.NewTimer(time.Minute)
			woke <- <-tm.C()
		}()
	}
	if err := c.WaitForTimers(ctx, 3); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	for range 3 {
		if v := <-woke; !v.Equal(epoch.Add(time.Minute)) {
			t.Errorf("goroutine woke at %v", v)
		}
	}
	if err := c.WaitForTimers(ctx, 0); err != nil {
		t.Errorf("WaitForTimers(0) = %v", err)
	}
}

func TestClockWaitForTimersHonoursContext(t *testing.T) {
	c := clocktest.New(epoch)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.WaitForTimers(ctx, 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("WaitForTimers on a cancelled ctx = %v, want context.Canceled", err)
	}
}

// TestClockConcurrent exercises every method from many goroutines; run
// with -race.
func TestClockConcurrent(t *testing.T) {
	c := clocktest.New(epoch)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				tm := c.NewTimer(time.Duration(i+j) * time.Millisecond)
				switch j % 3 {
				case 0:
					tm.Stop()
				case 1:
					c.Advance(time.Millisecond)
				default:
					_ = c.Now()
					_ = c.Timers()
				}
			}
		})
	}
	wg.Wait()
	c.Advance(time.Hour)
	if got := c.Timers(); got != 0 {
		t.Errorf("Timers after advancing past every deadline = %d", got)
	}
}

// A goroutine waits on the clock; the test waits until it does, then moves
// time — no real sleeping anywhere.
func ExampleClock() {
	clock := clocktest.New(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	done := make(chan time.Time)
	go func() {
		t := clock.NewTimer(30 * time.Second)
		done <- <-t.C()
	}()
	if err := clock.WaitForTimers(context.Background(), 1); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pending:", clock.Timers())
	clock.Advance(time.Minute)
	fmt.Println("fired at:", (<-done).Format(time.TimeOnly))
	fmt.Println("now:", clock.Now().Format(time.TimeOnly))
	// Output:
	// pending: 1
	// fired at: 12:00:30
	// now: 12:01:00
}

// TestDrive: the clock moves only while the code waits on it, so a sleep
// of a simulated hour returns after exactly an hour; a limit below it is
// an ErrDriveLimit.
func TestDrive(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := clocktest.New(start)
	sleep := func(d time.Duration) func() time.Time {
		return func() time.Time { <-c.NewTimer(d).C(); return c.Now() }
	}
	got, err := clocktest.Drive(t.Context(), c, 1, time.Minute, 2*time.Hour, sleep(time.Hour))
	if err != nil || !got.Equal(start.Add(time.Hour)) {
		t.Fatalf("Drive = %s, %v; want %s", got, err, start.Add(time.Hour))
	}
	c2 := clocktest.New(start)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err = clocktest.Drive(ctx, c2, 1, time.Minute, 10*time.Minute, func() time.Time {
		select {
		case <-c2.NewTimer(time.Hour).C():
		case <-ctx.Done():
		}
		return c2.Now()
	})
	if !errors.Is(err, clocktest.ErrDriveLimit) {
		t.Fatalf("Drive past its limit: %v, want ErrDriveLimit", err)
	}
}
