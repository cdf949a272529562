package vpsbg

import (
	"context"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// PowerActions implements driver.PowerController. VPSBG has no separate
// hard reset (power off, then start).
func (d *Driver) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerStop, driver.PowerReboot, driver.PowerOff}
}

// powerPlan is how one action is sent and awaited.
type powerPlan struct {
	path func(id int64) string
	verb string // for descriptions: "stop"
	goal goal
}

func planFor(a driver.PowerAction) (powerPlan, bool) {
	action := func(name string) func(int64) string {
		return func(id int64) string { return serverPath(id) + "/" + name }
	}
	switch a {
	case driver.PowerStart:
		return powerPlan{action("start"), "start", goal{running: true, phase: "starting", done: "running"}}, true
	case driver.PowerStop:
		// Graceful (ACPI) semantics of /stop are UNVERIFIED; inferred from
		// the existence of a separate power off.
		return powerPlan{action("stop"), "stop", goal{running: false, phase: "stopping", done: "stopped"}}, true
	case driver.PowerReboot:
		return powerPlan{action("restart"), "restart", goal{running: true, again: true, phase: "rebooting", done: "running"}}, true
	case driver.PowerOff:
		return powerPlan{pathPowerOff, "power off", goal{running: false, phase: "stopping", done: "stopped"}}, true
	}
	return powerPlan{}, false
}

// Power implements driver.PowerController. It reads the server first, so
// an action its state does not allow (start a running server, act on a
// locked or suspended one) is refused with a Conflict before anything is
// sent; then it posts the action and returns an Operation that polls the
// server until the action has taken effect.
func (d *Driver) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	plan, ok := planFor(a)
	if !ok {
		return nil, fault.Errorf(fault.Unsupported, "VPSBG has no %q power action", a)
	}
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	srv, run, err := d.powerState(ctx, n)
	if err != nil {
		return nil, err
	}
	if err := actionable(srv, plan.verb); err != nil {
		return nil, err
	}
	switch {
	case a == driver.PowerStart && run:
		return nil, fault.Errorf(fault.Conflict, "server %d is already running", n)
	case (a == driver.PowerStop || a == driver.PowerOff) && !run:
		return nil, fault.Errorf(fault.Conflict, "server %d is already stopped", n)
	case a == driver.PowerReboot && !run:
		return nil, fault.Errorf(fault.Conflict, "server %d is stopped; start it instead", n)
	}
	what := serverWhat(n)
	err = d.do(ctx, call{method: http.MethodPost, path: plan.path(n), action: plan.verb + " " + what, what: what}, nil)
	if err != nil {
		return nil, err
	}
	return d.track(plan.verb+" "+describe(srv), n, plan.goal), nil
}

// actionable refuses an action on a server that is not active or is
// locked by another operation (busy: retrying later may work).
func actionable(srv *apiServer, verb string) error {
	switch {
	case srv.Status == "terminated":
		return fault.Errorf(fault.NotFound, "server %d not found (terminated)", srv.ID)
	case srv.Status == "processing":
		return &fault.Error{Class: fault.Conflict, Busy: true,
			Message: "cannot " + verb + " " + serverWhat(srv.ID) + ": it is still being deployed; try again shortly"}
	case srv.Status != "active":
		return fault.Errorf(fault.Conflict, "cannot %s %s: it is %s", verb, serverWhat(srv.ID), srv.Status)
	case srv.Locked:
		return &fault.Error{Class: fault.Conflict, Busy: true,
			Message: "cannot " + verb + " " + serverWhat(srv.ID) + ": it is locked by another operation; try again shortly"}
	}
	return nil
}

// describe names a server for descriptions: "server 2864 (ubuntu-2gb)".
func describe(srv *apiServer) string {
	if srv.Hostname == "" {
		return serverWhat(srv.ID)
	}
	return serverWhat(srv.ID) + " (" + srv.Hostname + ")"
}
