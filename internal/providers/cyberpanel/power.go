package cyberpanel

import (
	"context"
	"fmt"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// PowerActions implements driver.PowerController. The API has start, stop
// and restart; there is no separate hard power off or reset.
func (d *Driver) PowerActions() []driver.PowerAction {
	return []driver.PowerAction{driver.PowerStart, driver.PowerStop, driver.PowerReboot}
}

// powerPlan is the endpoint of an action and the status it ends in.
func powerPlan(a driver.PowerAction) (endpoint string, want driver.Status, ok bool) {
	switch a {
	case driver.PowerStart:
		return "start", driver.StatusRunning, true
	case driver.PowerStop:
		return "stop", driver.StatusStopped, true
	case driver.PowerReboot:
		return "restart", driver.StatusRunning, true
	}
	return "", "", false
}

// Power implements driver.PowerController. The API answers with the new
// status at once, but that is its intent, not Proxmox's state, so the
// Operation polls the live status until it shows the end state. Starting
// a running server or stopping a stopped one is accepted by the API as a
// no-op (the Operation then ends at its first poll).
func (d *Driver) Power(ctx context.Context, id string, a driver.PowerAction) (*driver.Operation, error) {
	endpoint, want, ok := powerPlan(a)
	if !ok {
		return nil, fault.Errorf(fault.Unsupported, "CyberPanel has no %s action", a)
	}
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	var res struct {
		Name string `json:"name"`
	}
	c := call{method: http.MethodPost, path: pathAction(id, endpoint), scope: "vps:write", what: what}
	if err := d.do(ctx, c, &res); err != nil {
		return nil, err
	}
	name := res.Name
	if name == "" {
		name = what
	}
	return d.pollStatus(string(a)+" "+name, id, what, want), nil
}

// pollStatus is an Operation that reads the live status until it is want.
func (d *Driver) pollStatus(desc, id, what string, want driver.Status) *driver.Operation {
	return d.operation(desc, func(ctx context.Context) (driver.Progress, bool, error) {
		var st liveStatus
		if err := d.do(ctx, call{method: http.MethodGet, path: pathStatus(id), scope: "vps:read", what: what}, &st); err != nil {
			return driver.Progress{}, false, err
		}
		got, _ := mapStatus(st.Status, false)
		p := driver.Progress{Percent: -1, Status: st.Status, At: d.now(),
			Message: fmt.Sprintf("%s: %s", desc, st.Status)}
		switch {
		case got == want:
			p.Percent, p.Message = 100, desc+": done, "+st.Status
			return p, true, nil
		case got == driver.StatusSuspended:
			return p, false, fault.Errorf(fault.Conflict, "%s was suspended during %s", what, desc)
		}
		return p, false, nil
	})
}
