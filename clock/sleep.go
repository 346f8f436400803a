package clock

import (
	"context"
	"time"
)

// Sleep waits d on c, or until ctx ends, when it returns ctx's error.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C():
		return nil
	}
}
