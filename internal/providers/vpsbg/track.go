package vpsbg

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// settlePolls is how many polls an action whose end state equals its
// start state (restart, reinstall) may look settled before it counts as
// done without the driver having seen it start: the API acknowledges
// before it acts, and the first polls may predate the action.
const settlePolls = 3

// goal is the end state an Operation waits for.
type goal struct {
	running bool
	// again: the end state equals the start state (restart, reinstall),
	// so seeing it proves nothing until the transition was seen.
	again bool
	phase string // progress status while waiting: "stopping"
	done  string // end words: "stopped"
}

// powerState reads the server's details and power flag (from the state
// object, or /status when the details lack one).
func (d *Driver) powerState(ctx context.Context, id int64) (*apiServer, bool, error) {
	srv, err := d.details(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if run := running(srv, nil); run != nil {
		return srv, *run, nil
	}
	st, err := d.status(ctx, id)
	if err != nil {
		return nil, false, err
	}
	return srv, *st.Running, nil
}

// track returns an Operation that polls server id until it reaches g.
// VPSBG reports no percentage, so progress is -1 until done. The
// Operation keeps what it has seen between polls, so its Wait must not be
// run twice at once.
func (d *Driver) track(desc string, id int64, g goal) *driver.Operation {
	polls, seen := 0, false
	return driver.PollTolerant(desc, d.cfg.PollInterval, func(ctx context.Context) (driver.Progress, bool, error) {
		polls++
		waiting := driver.Progress{Percent: -1, Status: g.phase, At: d.cfg.Clock()}
		srv, run, err := d.powerState(ctx, id)
		if err != nil {
			return driver.Progress{}, false, err
		}
		if srv.Status == "suspended" || srv.Status == "terminated" {
			return driver.Progress{}, false, fault.Errorf(fault.Conflict, "%s: the server was %s meanwhile", desc, srv.Status)
		}
		settled := !srv.Locked && run == g.running
		if !settled {
			seen = true
		}
		if settled && (!g.again || seen || polls > settlePolls) {
			return driver.Progress{Percent: 100, Status: g.done, At: d.cfg.Clock(),
				Message: fmt.Sprintf("%s: %s", desc, g.done)}, true, nil
		}
		waiting.Message = fmt.Sprintf("%s: %s", desc, g.phase)
		if srv.Locked {
			waiting.Message += " (server locked)"
		}
		return waiting, false, nil
	})
}
