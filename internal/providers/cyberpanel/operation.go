package cyberpanel

import (
	"context"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// operation builds the Operation for an accepted action: check is polled
// every PollInterval until it reports done or a failure, riding out a few
// transient failures (a 5xx, a dropped connection, the API's 429 or the
// client-side limiter refusing: driver.PollTolerant).
func (d *Driver) operation(desc string, check func(context.Context) (driver.Progress, bool, error)) *driver.Operation {
	return driver.PollTolerant(desc, d.poll, check)
}
