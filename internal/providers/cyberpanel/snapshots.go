package cyberpanel

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

type snapshotItem struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	VMState     bool   `json:"vmstate"`
}

// Snapshots implements driver.Snapshotter. Proxmox names a snapshot
// uniquely per VM, so the name is its id too.
func (d *Driver) Snapshots(ctx context.Context, id string) ([]driver.Snapshot, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	items, err := d.snapshots(ctx, id, what)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Snapshot, 0, len(items))
	for _, it := range items {
		s := driver.Snapshot{ID: it.Name, Name: it.Name, Status: "available"}
		if it.VMState {
			s.Status = "available, with RAM"
		}
		if t, err := time.Parse(time.RFC3339, it.CreatedAt); err == nil {
			s.Created = t
		}
		out = append(out, s)
	}
	return out, nil
}

func (d *Driver) snapshots(ctx context.Context, id, what string) ([]snapshotItem, error) {
	var res struct {
		Snapshots []snapshotItem `json:"snapshots"`
	}
	err := d.do(ctx, call{method: http.MethodGet, path: pathSnapshots(id), scope: "vps:read", what: "snapshots of " + what}, &res)
	return res.Snapshots, err
}

// CreateSnapshot implements driver.Snapshotter: a disk-only snapshot
// (include_ram false). An empty name gets a dated one. The Operation polls
// the snapshot list until the new one is listed.
func (d *Driver) CreateSnapshot(ctx context.Context, id, name string) (*driver.Operation, error) {
	what, err := serverWhat(id)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "snap_" + d.now().UTC().Format("20060102_150405")
	}
	if err := checkSnapshotName(name); err != nil {
		return nil, err
	}
	body := map[string]any{"name": name, "description": "created by vpsops", "include_ram": false}
	c := call{method: http.MethodPost, path: pathSnapshotCreate(id), scope: "vps:write", what: what, body: body}
	if err := d.do(ctx, c, nil); err != nil {
		return nil, err
	}
	desc := fmt.Sprintf("snapshot %s of %s", name, what)
	return d.operation(desc, func(ctx context.Context) (driver.Progress, bool, error) {
		items, err := d.snapshots(ctx, id, what)
		if err != nil {
			return driver.Progress{}, false, err
		}
		if slices.ContainsFunc(items, func(s snapshotItem) bool { return s.Name == name }) {
			return driver.Progress{Percent: 100, Status: "available", Message: desc + ": done", At: d.now()}, true, nil
		}
		return driver.Progress{Percent: -1, Status: "creating", Message: desc + ": creating", At: d.now()}, false, nil
	}), nil
}

// checkSnapshotName applies Proxmox's rule (see unverified.go).
func checkSnapshotName(n string) error {
	bad := n == "" || len(n) > maxSnapshotName || !(n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z')
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			bad = true
		}
	}
	if bad {
		return fault.Errorf(fault.Invalid, "snapshot name %q must start with a letter and have at most %d letters, digits, '_' or '-'", n, maxSnapshotName)
	}
	return nil
}
