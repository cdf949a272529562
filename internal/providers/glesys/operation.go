package glesys

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// maxPollFailures is how many status polls in a row may fail transiently
// (unavailable, rate limited) before an operation gives up. The action was
// already accepted, so one bad poll must not report it as failed; a
// provider that stays unreachable must not keep the caller waiting until
// its deadline either.
const maxPollFailures = 3

// operation builds the Operation for an accepted action: check is polled
// every PollInterval until it reports done or a failure. Up to
// maxPollFailures transient failures in a row are ridden out, reported
// with status waiting; the count starts afresh for every Wait.
func (d *Driver) operation(desc, waiting string, check func(context.Context) (driver.Progress, bool, error)) *driver.Operation {
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
				if !transient(err) || ctx.Err() != nil {
					return p, false, err
				}
				if failures++; failures > maxPollFailures {
					return p, false, err
				}
				return d.progress(waiting, fmt.Sprintf("GleSYS did not answer the status poll (%d of %d in a row); still waiting", failures, maxPollFailures)), false, nil
			})
			return op.Wait(ctx, report)
		},
	}
}

// transient reports whether a failed status poll may be retried at the
// next tick instead of ending the wait: the action is under way on
// GleSYS's side either way.
func transient(err error) bool {
	c := fault.ClassOf(err)
	return c == fault.Unavailable || c == fault.RateLimited
}
