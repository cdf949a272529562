package suble

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// maxPollFailures is how many status polls in a row may fail transiently
// (unavailable, rate limited) before an operation gives up. The action was
// already accepted, so one bad poll must not report it as failed.
const maxPollFailures = 3

// poll builds the Operation for an accepted action: check is polled every
// PollInterval, riding out a few transient failures.
func (d *Driver) poll(desc string, check func(context.Context) (driver.Progress, bool, error)) *driver.Operation {
	failures := 0
	return driver.PollUntil(desc, d.cfg.PollInterval, func(ctx context.Context) (driver.Progress, bool, error) {
		p, done, err := check(ctx)
		if err == nil {
			failures = 0
			return p, done, nil
		}
		if c := fault.ClassOf(err); (c != fault.Unavailable && c != fault.RateLimited) || ctx.Err() != nil {
			return p, false, err
		}
		if failures++; failures > maxPollFailures {
			return p, false, err
		}
		return driver.Progress{Percent: -1, Status: "checking",
			Message: fmt.Sprintf("status check failed (%d of %d), trying again", failures, maxPollFailures)}, false, nil
	})
}
