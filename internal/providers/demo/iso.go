package demo

import (
	"context"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func isoCatalogue() []driver.ISO {
	return []driver.ISO{
		{ID: "debian-12-netinst", Name: "Debian 12 netinst"},
		{ID: "ubuntu-24.04-live-server", Name: "Ubuntu 24.04 live server"},
		{ID: "systemrescue-11", Name: "SystemRescue 11"},
		{ID: "alpine-3.20-virt", Name: "Alpine Linux 3.20 virt"},
	}
}

// ISOs implements driver.ISOMounter, marking the mounted one.
func (d *Driver) ISOs(ctx context.Context, id string) ([]driver.ISO, error) {
	var out []driver.ISO
	err := d.view(ctx, func(f *Fleet, _ time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		out = isoCatalogue()
		for i := range out {
			out[i].Mounted = out[i].ID == s.ISO
		}
		return nil
	})
	return out, err
}

// MountISO implements driver.ISOMounter. Mounting is immediate; a server
// with an ISO in its drive must have it unmounted first.
func (d *Driver) MountISO(ctx context.Context, id, iso string) (*driver.Operation, error) {
	if !knownISO(iso) {
		ids := make([]string, 0, 4)
		for _, x := range isoCatalogue() {
			ids = append(ids, x.ID)
		}
		return nil, fault.Errorf(fault.Invalid, "unknown ISO %q; available: %s", iso, strings.Join(ids, ", "))
	}
	var name string
	err := d.update(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		if s.busy() {
			return busyErr(s, now)
		}
		switch s.ISO {
		case "":
		case iso:
			return fault.Errorf(fault.Conflict, "%s is already mounted", iso)
		default:
			return fault.Errorf(fault.Conflict, "%s is mounted; unmount it first", s.ISO)
		}
		s.ISO, name = iso, s.Name
		return nil
	})
	if err != nil {
		return nil, err
	}
	return driver.Done("mount " + iso + " on " + name), nil
}

// UnmountISO implements driver.ISOMounter.
func (d *Driver) UnmountISO(ctx context.Context, id string) (*driver.Operation, error) {
	var name, iso string
	err := d.update(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		if s.busy() {
			return busyErr(s, now)
		}
		if s.ISO == "" {
			return fault.Errorf(fault.Conflict, "no ISO is mounted")
		}
		iso, name, s.ISO = s.ISO, s.Name, ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return driver.Done("unmount " + iso + " from " + name), nil
}

func knownISO(id string) bool {
	for _, x := range isoCatalogue() {
		if x.ID == id {
			return true
		}
	}
	return false
}
