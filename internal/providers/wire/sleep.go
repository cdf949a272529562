package wire

import (
	"context"
	"time"
)

// Sleep waits d or until ctx ends, whichever comes first: how a retry or
// a rate limiter waits without outliving its request.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
