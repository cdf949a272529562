package driver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// MaxPollFailures is how many status polls in a row may fail transiently
// before PollTolerant gives up. The action was already accepted, so one
// bad poll must not report it as failed; a provider that stays down must
// not keep the caller waiting until its deadline either.
const MaxPollFailures = 3

// PollTolerant is PollUntil for a check that reads the provider's API: up
// to MaxPollFailures transient failures in a row (unavailable, rate
// limited, busy) are ridden out and reported as progress with status
// "checking"; any other failure, a Final one, or ctx ending stops the
// wait. The count starts afresh for every Wait.
func PollTolerant(description string, interval time.Duration, check func(ctx context.Context) (Progress, bool, error)) *Operation {
	return &Operation{
		Description: description,
		Wait: func(ctx context.Context, report func(Progress)) error {
			failures := 0
			op := PollUntil(description, interval, func(ctx context.Context) (Progress, bool, error) {
				p, done, err := check(ctx)
				if err == nil {
					failures = 0
					return p, done, nil
				}
				var f finalError
				if errors.As(err, &f) {
					return p, false, f.err
				}
				if !transient(err) || ctx.Err() != nil {
					return p, false, err
				}
				if failures++; failures > MaxPollFailures {
					return p, false, err
				}
				return Progress{Percent: -1, Status: "checking",
					Message: fmt.Sprintf("%s: status check failed (%d of %d in a row), trying again", description, failures, MaxPollFailures)}, false, nil
			})
			return op.Wait(ctx, report)
		},
	}
}

// Final marks a failure the provider stated (a deployment that failed),
// which ends a PollTolerant wait at once whatever its class: polling
// again would read the same answer. The wait returns err itself.
func Final(err error) error { return finalError{err} }

type finalError struct{ err error }

func (f finalError) Error() string { return f.err.Error() }
func (f finalError) Unwrap() error { return f.err }

// transient reports whether a failed status poll may be tried again at
// the next tick: whatever a read may repeat, or a provider that says it
// is busy.
func transient(err error) bool {
	return fault.Retryable(err, false) || fault.Retryable(err, true)
}
