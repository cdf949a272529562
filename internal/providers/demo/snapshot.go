package demo

import (
	"context"
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Snapshots implements driver.Snapshotter, oldest first.
func (d *Driver) Snapshots(ctx context.Context, id string) ([]driver.Snapshot, error) {
	var out []driver.Snapshot
	err := d.view(ctx, func(f *Fleet, _ time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		out = slices.Clone(s.Snapshots)
		return nil
	})
	return out, err
}

// CreateSnapshot implements driver.Snapshotter. The snapshot is listed as
// "creating" at once and the server is busy until it is "available". An
// empty name gets a dated one.
func (d *Driver) CreateSnapshot(ctx context.Context, id, name string) (*driver.Operation, error) {
	if err := checkSnapshotName(name); err != nil {
		return nil, err
	}
	var t Transition
	var serverName string
	err := d.update(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		if name == "" {
			name = "snap-" + now.UTC().Format("20060102-150405")
		}
		for _, x := range s.Snapshots {
			if x.Name == name {
				return fault.Errorf(fault.Conflict, "a snapshot named %s exists", name)
			}
		}
		if s.busy() {
			return busyErr(s, now)
		}
		snapID := "snap-" + strings.ToLower(rand.Text()[:10])
		s.Snapshots = append(s.Snapshots, driver.Snapshot{ID: snapID, Name: name, Created: now.UTC(), Status: "creating"})
		st := s.status()
		tr := d.begin(s, kindSnapshot, st, st, now)
		s.Pending.Snapshot, tr.Snapshot = snapID, snapID
		t, serverName = tr, s.Name
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.track(id, "snapshot "+serverName+" as "+name, t, func(int) string { return "snapshotting" }), nil
}

func checkSnapshotName(name string) error {
	if len(name) > 64 {
		return fault.Errorf(fault.Invalid, "snapshot name is longer than 64 characters")
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fault.Errorf(fault.Invalid, "snapshot name %q has a character outside A-Z a-z 0-9 . _ -", name)
		}
	}
	return nil
}
