package approval

import (
	"context"
	"errors"
	"time"
)

// Hold keeps this instance's lease on an executing request alive: it calls
// Renew every Lease/3 in a goroutine, so two renewals may fail before the
// lease lapses. Call stop when the action is over (before Finish or after,
// either is fine); stop waits for the goroutine and may be called more than
// once. The goroutine also ends when ctx is done, and gives up once Renew
// reports that the request is no longer this instance's to run (it was swept
// as interrupted): renewing further cannot win it back. Other Renew errors
// (a busy or unavailable database) are retried at the next tick: a renewal
// that failed on SQLITE_BUSY does not lose the lease, since Sweep judges a
// lease only after the database has been writable for a whole lease.
func (s *Store) Hold(ctx context.Context, id string) (stop func()) {
	ticker := time.NewTicker(max(s.lease/3, time.Millisecond))
	end, _ := s.hold(ctx, id, ticker.C)
	return func() {
		end()
		ticker.Stop()
	}
}

// hold is Hold with the ticks supplied, so tests can drive it; done is
// closed when the loop has ended.
func (s *Store) hold(ctx context.Context, id string, ticks <-chan time.Time) (stop func(), done <-chan struct{}) {
	ctx, cancel := context.WithCancel(ctx)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticks:
			}
			err := s.Renew(ctx, id)
			var conflict *ConflictError
			if errors.As(err, &conflict) || errors.Is(err, ErrNotFound) {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-ended
	}, ended
}
