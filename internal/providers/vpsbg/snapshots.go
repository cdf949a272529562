package vpsbg

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Snapshots implements driver.SnapshotLister: server id's snapshots (GET
// /snapshots?filter[server_id]=), in the API's order (newest first). The
// Driver is not a driver.Snapshotter: VPSBG's API cannot create
// snapshots (the control panel can).
func (d *Driver) Snapshots(ctx context.Context, id string) ([]driver.Snapshot, error) {
	n, err := serverID(id)
	if err != nil {
		return nil, err
	}
	if _, err := d.details(ctx, n); err != nil {
		return nil, err
	}
	q := url.Values{"filter[server_id]": {strconv.FormatInt(n, 10)}}
	items, err := listAll[apiSnapshot](ctx, d, "/snapshots", q, 0, "list the snapshots of "+serverWhat(n))
	if err != nil {
		return nil, err
	}
	out := make([]driver.Snapshot, 0, len(items))
	for _, s := range items {
		if s.ServerID != 0 && s.ServerID != n {
			continue // the filter is the API's; do not trust it blindly
		}
		snap := driver.Snapshot{ID: strconv.FormatInt(s.ID, 10), Name: s.Name, SizeGB: s.Size}
		if t, err := time.Parse(time.RFC3339Nano, s.CreatedAt); err == nil {
			snap.Created = t
		}
		out = append(out, snap)
	}
	return out, nil
}
