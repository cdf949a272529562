package edis

import (
	"context"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// PowerActions implements driver.PowerController. EDIS has no graceful
// shutdown and no soft reboot: stop and reboot are absent on purpose
// (Describer.Instead says what to do instead).
func (d *Driver) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerOff, driver.PowerHardReset}
}

// Power implements driver.PowerController. The returned Operation polls
// get/power until the VPS reports the end state. Power off and reset kill
// the hypervisor process, like pulling the plug.
func (d *Driver) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	var (
		ep   endpoint
		want driver.Status
		desc string
		verb string
	)
	switch a {
	case driver.PowerStart:
		ep, want, desc, verb = epPowerOn, driver.StatusRunning, "power on "+id, "starting"
	case driver.PowerOff:
		ep, want, desc, verb = epPowerOff, driver.StatusStopped, "hard power off "+id+" (like pulling the plug)", "stopping"
	case driver.PowerHardReset:
		ep, want, desc, verb = epReset, driver.StatusRunning, "hard reset "+id+" (restarts the hypervisor process)", "rebooting"
	default:
		return nil, fault.Errorf(fault.Unsupported, "EDIS cannot %s a server; it supports start, poweroff, reset", a)
	}
	var r statusOnly
	if err := d.call(ctx, id, ep, nil, &r); err != nil {
		return nil, err
	}
	// A reset may never show the VPS down between two polls; the others
	// start from the opposite state, so they end when they reach want.
	return d.await(desc, id, verb, want, a == driver.PowerHardReset), nil
}

// settlePolls is how many polls an operation that expects a visible dip
// (reset, reinstall) accepts "running" without having seen the VPS leave
// it before it ends anyway: EDIS reports no task state, so a reset that
// finished between two polls is indistinguishable from one that has not
// begun.
const settlePolls = 3

// await returns an Operation polling get/power until id reports want.
// With dip, the end state only counts once the VPS was seen in another
// state, or after settlePolls polls. EDIS gives no percentage. The
// Operation's Wait keeps its count across calls, so it must not be called
// concurrently (nobody waits twice on one operation).
func (d *Driver) await(desc, id, verb string, want driver.Status, dip bool) *driver.Operation {
	polls, left := 0, !dip
	return driver.PollUntil(desc, d.cfg.PollInterval, func(ctx context.Context) (driver.Progress, bool, error) {
		polls++
		st, err := d.status(ctx, id)
		if err != nil {
			return driver.Progress{}, false, err
		}
		left = left || st != want
		if st == want && (left || polls >= settlePolls) {
			return driver.Progress{Percent: 100, Status: string(st), Message: id + " is " + string(st), At: d.cfg.Clock()}, true, nil
		}
		return driver.Progress{Percent: -1, Status: verb, Message: "waiting for EDIS to report " + id + " " + string(want) + " (now " + string(st) + ")", At: d.cfg.Clock()}, false, nil
	})
}
