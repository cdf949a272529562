package edis

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// mountResponse is get/mount's answer.
type mountResponse struct {
	envelope
	CurrentISO json.RawMessage `json:"current_iso"`
}

// ISOs implements driver.ISOMounter: get/isos, with the one get/mount
// reports marked Mounted.
func (d *Driver) ISOs(ctx context.Context, id string) ([]driver.ISO, error) {
	var list listResponse
	if err := d.call(ctx, id, epISOs, nil, &list); err != nil {
		return nil, err
	}
	cur, err := d.mounted(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]driver.ISO, 0, len(list.Data))
	for _, n := range list.Data {
		out = append(out, driver.ISO{ID: n, Name: n, Mounted: n == cur})
	}
	return out, nil
}

// mounted returns the current ISO, "" for none.
func (d *Driver) mounted(ctx context.Context, id string) (string, error) {
	var m mountResponse
	if err := d.call(ctx, id, epCurrentMount, nil, &m); err != nil {
		return "", err
	}
	cur, none := noISO(m.CurrentISO)
	if none {
		return "", nil
	}
	return cur, nil
}

// MountISO implements driver.ISOMounter. It mounts without force_reset:
// the VPS boots from the ISO at its next start or reset (use reset to boot
// it now). The Operation polls get/mount until it names iso.
func (d *Driver) MountISO(ctx context.Context, id, iso string) (*driver.Operation, error) {
	var list listResponse
	if err := d.call(ctx, id, epISOs, nil, &list); err != nil {
		return nil, err
	}
	if !slices.Contains(list.Data, iso) {
		return nil, fault.Errorf(fault.Invalid, "ISO %q is not offered for %s; list them with isos", iso, id)
	}
	var r statusOnly
	if err := d.call(ctx, id, epMount, url.Values{"iso": {iso}, "force_reset": {"no"}}, &r); err != nil {
		return nil, err
	}
	return d.awaitMount("mount "+iso+" on "+id+" (boots from it at the next start or reset)", id, iso), nil
}

// UnmountISO implements driver.ISOMounter; the Operation polls get/mount
// until nothing is mounted.
func (d *Driver) UnmountISO(ctx context.Context, id string) (*driver.Operation, error) {
	var r statusOnly
	if err := d.call(ctx, id, epUmount, nil, &r); err != nil {
		return nil, err
	}
	return d.awaitMount("unmount the ISO of "+id, id, ""), nil
}

// awaitMount polls get/mount until it reports want ("" = none).
func (d *Driver) awaitMount(desc, id, want string) *driver.Operation {
	return driver.PollUntil(desc, d.cfg.PollInterval, func(ctx context.Context) (driver.Progress, bool, error) {
		cur, err := d.mounted(ctx, id)
		if err != nil {
			return driver.Progress{}, false, err
		}
		if cur == want {
			msg := "no ISO mounted on " + id
			if want != "" {
				msg = want + " mounted on " + id
			}
			return driver.Progress{Percent: 100, Status: "done", Message: msg, At: d.cfg.Clock()}, true, nil
		}
		return driver.Progress{Percent: -1, Status: "pending", Message: "waiting for EDIS to report the ISO change on " + id, At: d.cfg.Clock()}, false, nil
	})
}
