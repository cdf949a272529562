package cyberpanel

import (
	"context"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Destroy implements driver.Destroyer: permanent deletion, which stops
// the hourly billing. The API answers "deleted": true; the Operation then
// reads the server until the API says it is gone (VPS_DELETED or
// VPS_NOT_FOUND), which is one request when deletion is immediate.
func (d *Driver) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	var res struct {
		Deleted bool   `json:"deleted"`
		Name    string `json:"name"`
	}
	c := call{method: http.MethodPost, path: pathAction(id, "delete"), scope: deleteScope, what: what}
	if err := d.do(ctx, c, &res); err != nil {
		return nil, err
	}
	if !res.Deleted {
		return nil, fault.Errorf(fault.Unavailable, "CyberPanel accepted the deletion of %s but did not confirm it", what)
	}
	desc := "delete " + what
	if res.Name != "" {
		desc = "delete " + res.Name
	}
	return d.operation(desc, func(ctx context.Context) (driver.Progress, bool, error) {
		var det details
		err := d.do(ctx, call{method: http.MethodGet, path: pathVPS(id), scope: "vps:read", what: what}, &det)
		switch {
		case fault.ClassOf(err) == fault.NotFound:
			return driver.Progress{Percent: 100, Status: "deleted", Message: desc + ": done", At: d.now()}, true, nil
		case err != nil:
			return driver.Progress{}, false, err
		}
		return driver.Progress{Percent: -1, Status: "deleting", Message: desc + ": " + det.Status, At: d.now()}, false, nil
	}), nil
}
