package vpsbg

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// cancelBody is POST /servers/{id}/cancel's documented body.
type cancelBody struct {
	Reason string `json:"reason"`
	Now    bool   `json:"now"`
}

// Destroy implements driver.Destroyer with VPSBG's billing cancellation,
// the only way the API has to get rid of a server. With Config.CancelNow
// false (the default, as the wire reference advises) the server keeps
// running until the end of its paid period and the Operation is already
// done; with CancelNow true VPSBG suspends it at once and the Operation
// waits for the suspension. Either way VPSBG terminates it later, and the
// Description says which it was.
func (d *Driver) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	srv, err := d.details(ctx, n)
	if err != nil {
		return nil, err
	}
	if srv.Status == "terminated" {
		return nil, fault.Errorf(fault.NotFound, "server %d not found (terminated)", n)
	}
	what := serverWhat(n)
	err = d.do(ctx, call{method: http.MethodPost, path: serverPath(n) + "/cancel",
		body:   cancelBody{Reason: d.cfg.CancelReason, Now: d.cfg.CancelNow},
		action: "cancel " + what, what: what}, nil)
	if err != nil {
		return nil, err
	}
	if !d.cfg.CancelNow {
		return driver.Done(fmt.Sprintf("billing cancellation of %s, not immediate: it keeps running until its paid period ends%s, "+
			"then VPSBG suspends and later terminates it; until then it can be undone in the control panel",
			describe(srv), expiry(srv.ExpiryAt))), nil
	}
	desc := "billing cancellation of " + describe(srv) + ", immediate: VPSBG suspends it now and terminates it later"
	return driver.PollUntil(desc, d.cfg.PollInterval, func(ctx context.Context) (driver.Progress, bool, error) {
		s, err := d.details(ctx, n)
		switch {
		case err != nil && fault.ClassOf(err) == fault.NotFound:
			return driver.Progress{Percent: 100, Status: "terminated", Message: desc + ": gone"}, true, nil
		case err != nil:
			return driver.Progress{}, false, err
		case s.Status == "suspended" || s.Status == "terminated":
			return driver.Progress{Percent: 100, Status: s.Status, Message: desc + ": " + s.Status}, true, nil
		}
		return driver.Progress{Percent: -1, Status: "suspending", Message: desc + ": waiting for the suspension"}, false, nil
	}), nil
}

// expiry words the end of the paid period, " (2024-08-28)", or "".
func expiry(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return " (" + t.UTC().Format(time.DateOnly) + ")"
}
