package suble

import (
	"context"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// poll builds the Operation for an accepted action: check is polled every
// PollInterval, riding out a few transient failures (driver.PollTolerant).
func (d *Driver) poll(desc string, check func(context.Context) (driver.Progress, bool, error)) *driver.Operation {
	return driver.PollTolerant(desc, d.cfg.PollInterval, check)
}
