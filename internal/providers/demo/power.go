package demo

import (
	"context"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// PowerActions implements driver.PowerController: every action.
func (d *Driver) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerStop, driver.PowerReboot, driver.PowerOff, driver.PowerHardReset}
}

// Power implements driver.PowerController. An action the server's state
// does not allow (start a running server) is a Conflict, as on most real
// panels; a server mid-transition answers busy.
func (d *Driver) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	var t Transition
	var name string
	err := d.update(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		if s.busy() {
			return busyErr(s, now)
		}
		via, target, err := powerMove(s.Status, a)
		if err != nil {
			return err
		}
		name = s.Name
		t = d.begin(s, string(a), via, target, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.track(id, string(a)+" "+name, t, nil), nil
}

// powerMove says what action a does from status: the status while it runs
// and the one it ends in, or why it cannot run.
func powerMove(status driver.Status, a driver.PowerAction) (via, target driver.Status, err error) {
	if status == driver.StatusSuspended {
		return "", "", fault.Errorf(fault.Conflict, "server is suspended")
	}
	switch a {
	case driver.PowerStart:
		if status == driver.StatusRunning {
			return "", "", fault.Errorf(fault.Conflict, "already running")
		}
		return driver.StatusStarting, driver.StatusRunning, nil
	case driver.PowerStop, driver.PowerOff:
		if status == driver.StatusStopped {
			return "", "", fault.Errorf(fault.Conflict, "already stopped")
		}
		return driver.StatusStopping, driver.StatusStopped, nil
	case driver.PowerReboot, driver.PowerHardReset:
		if status == driver.StatusStopped {
			return "", "", fault.Errorf(fault.Conflict, "server is stopped; start it instead")
		}
		return driver.StatusRebooting, driver.StatusRunning, nil
	}
	return "", "", fault.Errorf(fault.Invalid, "unknown power action %q", a)
}
