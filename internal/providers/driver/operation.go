package driver

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// Operation is an action the provider has accepted but may not have
// finished. Every provider acknowledges power actions, reinstalls and
// deletes before they complete, so callers wait on Wait, which reports
// progress until the end state, a failure or ctx's deadline.
type Operation struct {
	// Description says what is happening, e.g. "reinstalling debian-12".
	Description string
	// Wait blocks until the operation ends. It calls report (never nil)
	// with progress as it goes. A nil Wait means the action was
	// synchronous and is already done.
	Wait func(ctx context.Context, report func(Progress)) error
}

// Progress is one step of a long operation.
type Progress struct {
	Percent int    // 0-100, or -1 when the provider gives no figure
	Status  string // short state, e.g. "stopping", "installing"
	Message string // one line for humans
	At      time.Time
}

// Done returns an Operation that has already completed.
func Done(description string) *Operation { return &Operation{Description: description} }

// PollUntil builds an Operation that calls check every interval until it
// reports done, fails, or ctx ends. check returns the progress to report.
// It is how drivers turn "poll get/power until stopped" into an Operation.
func PollUntil(description string, interval time.Duration, check func(ctx context.Context) (p Progress, done bool, err error)) *Operation {
	return &Operation{
		Description: description,
		Wait: func(ctx context.Context, report func(Progress)) error {
			t := time.NewTicker(interval)
			defer t.Stop()
			last := Progress{Percent: -2}
			for {
				p, done, err := check(ctx)
				if err != nil {
					return err
				}
				if p.At.IsZero() {
					p.At = time.Now()
				}
				if p.Percent != last.Percent || p.Status != last.Status || p.Message != last.Message {
					report(p)
					last = p
				}
				if done {
					return nil
				}
				select {
				case <-ctx.Done():
					return &fault.Error{Class: fault.Unavailable, Message: "timed out waiting for " + description, Err: ctx.Err()}
				case <-t.C:
				}
			}
		},
	}
}
