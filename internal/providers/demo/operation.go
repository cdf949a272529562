package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// begin starts a transition on s at now and returns a copy of it for the
// Operation to track.
func (d *Driver) begin(s *ServerState, kind string, via, target driver.Status, now time.Time) Transition {
	t := &Transition{
		ID:      rand.Text()[:12],
		Kind:    kind,
		Via:     via,
		Target:  target,
		Started: now,
		Ends:    now.Add(d.duration(kind)),
	}
	s.Pending = t
	return *t
}

// track returns an Operation that polls the server until transition t has
// ended, reporting the percentage of its duration that has passed. phase
// words the status for a percentage (nil: the transition's Via status).
func (d *Driver) track(id, desc string, t Transition, phase func(pct int) string) *driver.Operation {
	return driver.PollUntil(desc, d.pollInterval(), func(ctx context.Context) (driver.Progress, bool, error) {
		var p driver.Progress
		var done bool
		err := d.view(ctx, func(f *Fleet, now time.Time) error {
			p.At = now
			s := f.Servers[id]
			switch {
			case s == nil && t.Kind == kindDestroy:
				p.Percent, p.Status, p.Message, done = 100, "deleted", desc+": done", true
			case s == nil:
				return fault.Errorf(fault.NotFound, "server disappeared while %s", desc)
			case s.Pending != nil && s.Pending.ID == t.ID:
				p.Percent = s.Pending.percent(now)
				p.Status = string(t.Via)
				if phase != nil {
					p.Status = phase(p.Percent)
				}
				p.Message = fmt.Sprintf("%s: %s (%d%%)", desc, p.Status, p.Percent)
			default:
				// Ours has ended; a later transition may already run.
				p.Percent, p.Status, p.Message, done = 100, string(s.Status), desc+": done", true
			}
			return nil
		})
		return p, done, err
	})
}

// busyErr is the answer to an action on a server that is mid-transition or
// held by the provider: retrying later works.
func busyErr(s *ServerState, now time.Time) error {
	what := "locked by the provider"
	if s.Pending != nil {
		what = "busy " + stateWord(s, now)
	}
	return &fault.Error{Class: fault.Conflict, Busy: true, Message: what + "; try again shortly"}
}
