package suble

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// controlActions maps the portable actions onto POST P/control's
// "action". There is no hard reset (kill, then start).
var controlActions = map[driver.PowerAction]string{
	driver.PowerStart:  "start",
	driver.PowerStop:   "stop",
	driver.PowerReboot: "reboot",
	driver.PowerOff:    "kill",
}

// PowerActions implements driver.PowerController.
func (d *Driver) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerStop, driver.PowerReboot, driver.PowerOff}
}

// controlReply is the answer of POST P/control.
type controlReply struct {
	Success bool `json:"success"`
	Action  struct {
		UID     string `json:"uid"`
		Command string `json:"command"`
	} `json:"action"`
}

// Power implements driver.PowerController. Suble acknowledges the action
// before it completes; the Operation polls P/status until the end state.
// Starting a running server (and the like) is a Conflict from the API.
func (d *Driver) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	action, ok := controlActions[a]
	if !ok {
		return nil, fault.Errorf(fault.Unsupported, "Suble has no %s power action", a)
	}
	if err := d.checkServer(id); err != nil {
		return nil, err
	}
	sent := d.cfg.Clock()
	var reply controlReply
	if err := d.do(ctx, d.vpsCall(http.MethodPost, id, "control", permVPSControl, map[string]string{"action": action}), &reply); err != nil {
		return nil, err
	}
	if !reply.Success {
		return nil, fault.Errorf(fault.Unavailable, "Suble did not confirm %s of server %s", action, id)
	}
	desc := fmt.Sprintf("%s server %s", action, id)
	return d.poll(desc, d.powerCheck(id, a, sent)), nil
}

// powerCheck is one poll of a power Operation: done when P/status shows
// the action's end state. A reboot never shows "stopped" for long enough
// to see, so it is done when the server runs with an uptime no longer than
// the time since the action was sent, i.e. it booted since.
func (d *Driver) powerCheck(id string, a driver.PowerAction, sent time.Time) func(context.Context) (driver.Progress, bool, error) {
	want, word := driver.StatusStopped, "stopping"
	switch a {
	case driver.PowerStart:
		want, word = driver.StatusRunning, "starting"
	case driver.PowerReboot:
		want, word = driver.StatusRunning, "rebooting"
	}
	return func(ctx context.Context) (driver.Progress, bool, error) {
		st, err := d.status(ctx, id)
		if err != nil {
			return driver.Progress{}, false, err
		}
		done := vmState(st.Status) == want
		if a == driver.PowerReboot && done {
			done = st.uptime() <= d.cfg.Clock().Sub(sent)
		}
		p := driver.Progress{Percent: -1, Status: word,
			Message: fmt.Sprintf("waiting for server %s (Suble reports %s)", id, st.Status)}
		if done {
			p = driver.Progress{Percent: 100, Status: st.Status, Message: fmt.Sprintf("server %s is %s", id, st.Status)}
		}
		return p, done, nil
	}
}
