package glesys

import (
	"context"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// powerSpec is how one power action is done and when it has finished.
type powerSpec struct {
	function string
	args     func(id string) any
	running  bool   // the power state it ends in
	doing    string // progress status while it runs
	waitFor  string // "waiting for <host> to <waitFor>"
}

type stopArgs struct {
	ServerID string `json:"serverid"`
	Type     string `json:"type"`
}

// powerSpecs lists the supported actions. server/reset is left out: its
// semantics are unverified.
var powerSpecs = map[driver.PowerAction]powerSpec{
	driver.PowerStart: {"server/start", func(id string) any { return serverArgs{id} }, true, "starting", "start"},
	driver.PowerStop: {"server/stop", func(id string) any { return stopArgs{id, stopSoft} }, false, "stopping",
		"shut down (a graceful ACPI shutdown; use poweroff if the OS ignores it)"},
	driver.PowerOff:    {"server/stop", func(id string) any { return stopArgs{id, stopHard} }, false, "stopping", "power off"},
	driver.PowerReboot: {"server/reboot", func(id string) any { return serverArgs{id} }, true, "rebooting", "reboot"},
}

// PowerActions implements driver.PowerController.
func (d *Driver) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerStop, driver.PowerOff, driver.PowerReboot}
}

// Power implements driver.PowerController. It reads the server first, so
// a locked server answers busy and a server already in the end state
// answers Conflict without a mutating call; then it sends the action and
// returns an Operation that polls server/details until the server is
// unlocked and in the end state.
func (d *Driver) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	spec, ok := powerSpecs[a]
	if !ok {
		return nil, fault.Errorf(fault.Unsupported, "GleSYS has no %q power action", a)
	}
	s, err := d.details(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkPower(s, a, spec); err != nil {
		return nil, err
	}
	if _, err := call[envelope](ctx, d, spec.function, spec.args(id)); err != nil {
		return nil, serverErr(err, id)
	}
	desc := fmt.Sprintf("%s %s (%s)", a, s.Hostname, id)
	return d.operation(desc, func(ctx context.Context) (driver.Progress, bool, error) {
		s, err := d.details(ctx, id)
		if err != nil {
			return driver.Progress{}, false, err
		}
		if !s.IsLocked && s.IsRunning != nil && *s.IsRunning == spec.running {
			st := toServer(s).Status
			return d.progress(string(st), fmt.Sprintf("%s is %s", s.Hostname, st)), true, nil
		}
		return d.progress(spec.doing, fmt.Sprintf("waiting for %s to %s", s.Hostname, spec.waitFor)), false, nil
	}), nil
}

// checkPower refuses an action the server's current state rules out.
func checkPower(s *serverJSON, a driver.PowerAction, spec powerSpec) error {
	if s.IsLocked {
		return &fault.Error{Class: fault.Conflict, Busy: true,
			Message: fmt.Sprintf("server %s is locked by another operation; try again shortly", s.ID)}
	}
	if s.IsRunning == nil {
		return nil // no state in the answer: let the API decide
	}
	switch running := *s.IsRunning; {
	case a == driver.PowerStart && running:
		return fault.Errorf(fault.Conflict, "server %s is already running", s.ID)
	case !spec.running && !running:
		return fault.Errorf(fault.Conflict, "server %s is already stopped", s.ID)
	case a == driver.PowerReboot && !running:
		return fault.Errorf(fault.Conflict, "server %s is stopped; start it instead", s.ID)
	}
	return nil
}

// progress is a report without a percentage: GleSYS gives none.
func (d *Driver) progress(status, msg string) driver.Progress {
	return driver.Progress{Percent: -1, Status: status, Message: msg, At: d.clock()}
}
