package cyberpanel

import (
	"context"
	"errors"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// maxPollFailures is how many status polls in a row may fail transiently
// (unavailable: a 5xx, a dropped connection; rate_limited: the API's 429
// or the client-side limiter refusing) before an operation gives up. The
// action was already accepted, so one bad poll must not report it as
// failed; an API that stays down must not keep the caller waiting until
// its deadline either.
const maxPollFailures = 3

// operation builds the Operation for an accepted action: check is polled
// every PollInterval until it reports done or a failure, riding out up to
// maxPollFailures transient failures in a row. The count starts afresh
// for every Wait.
func (d *Driver) operation(desc string, check func(context.Context) (driver.Progress, bool, error)) *driver.Operation {
	return &driver.Operation{
		Description: desc,
		Wait: func(ctx context.Context, report func(driver.Progress)) error {
			failures := 0
			op := driver.PollUntil(desc, d.poll, func(ctx context.Context) (driver.Progress, bool, error) {
				p, done, err := check(ctx)
				if err == nil {
					failures = 0
					return p, done, nil
				}
				var f finalError
				if errors.As(err, &f) {
					return p, false, f.err
				}
				if c := fault.ClassOf(err); c != fault.Unavailable && c != fault.RateLimited || ctx.Err() != nil {
					return p, false, err
				}
				if failures++; failures > maxPollFailures {
					return p, false, err
				}
				return driver.Progress{Percent: -1, Status: "checking", At: d.now(),
					Message: fmt.Sprintf("%s: status check failed (%d of %d in a row), trying again", desc, failures, maxPollFailures)}, false, nil
			})
			return op.Wait(ctx, report)
		},
	}
}

// finalError is how check reports a failure the provider stated (a
// deployment that failed), which ends the wait at once whatever its class:
// polling again would read the same answer.
type finalError struct{ err error }

func (f finalError) Error() string { return f.err.Error() }
func (f finalError) Unwrap() error { return f.err }
