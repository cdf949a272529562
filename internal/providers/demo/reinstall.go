package demo

import (
	"context"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// images is the demo's catalogue.
func images() []driver.Image {
	return []driver.Image{
		{ID: "debian-12", Name: "Debian 12 (bookworm)", Kind: "os"},
		{ID: "debian-11", Name: "Debian 11 (bullseye)", Kind: "os"},
		{ID: "ubuntu-24.04", Name: "Ubuntu 24.04 LTS", Kind: "os"},
		{ID: "ubuntu-22.04", Name: "Ubuntu 22.04 LTS", Kind: "os"},
		{ID: "rocky-9", Name: "Rocky Linux 9", Kind: "os"},
		{ID: "alma-9", Name: "AlmaLinux 9", Kind: "os"},
		{ID: "alpine-3.20", Name: "Alpine Linux 3.20", Kind: "os"},
		{ID: "docker-debian-12", Name: "Docker CE on Debian 12", Kind: "app"},
	}
}

// Images implements driver.Reinstaller.
func (d *Driver) Images(ctx context.Context, id string) ([]driver.Image, error) {
	err := d.view(ctx, func(f *Fleet, _ time.Time) error {
		_, err := server(f, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return images(), nil
}

// Reinstall implements driver.Reinstaller. The password is accepted and
// forgotten: the demo has no operating system to set it in, and it must
// not end up in the store.
func (d *Driver) Reinstall(ctx context.Context, id string, o driver.ReinstallOptions) (*driver.Operation, error) {
	if !knownImage(o.Image) {
		ids := make([]string, 0, len(images()))
		for _, im := range images() {
			ids = append(ids, im.ID)
		}
		return nil, fault.Errorf(fault.Invalid, "unknown image %q; available: %s", o.Image, strings.Join(ids, ", "))
	}
	if o.Hostname != "" {
		if err := checkHostname(o.Hostname); err != nil {
			return nil, err
		}
	}
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
		if s.Status == driver.StatusSuspended {
			return fault.Errorf(fault.Conflict, "server is suspended")
		}
		name = s.Name
		tr := d.begin(s, kindReinstall, driver.StatusReinstalling, driver.StatusRunning, now)
		s.Pending.Image, s.Pending.Hostname = o.Image, o.Hostname
		tr.Image, tr.Hostname = o.Image, o.Hostname
		t = tr
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.track(id, "reinstall "+name+" with "+o.Image, t, installPhase), nil
}

// installPhase words reinstall progress the way installers report it.
func installPhase(pct int) string {
	switch {
	case pct < 15:
		return "partitioning"
	case pct < 75:
		return "installing"
	case pct < 95:
		return "configuring"
	}
	return "booting"
}

func knownImage(id string) bool {
	for _, im := range images() {
		if im.ID == id {
			return true
		}
	}
	return false
}

// Destroy implements driver.Destroyer: the server shows "deleting", then
// is gone.
func (d *Driver) Destroy(ctx context.Context, id string) (*driver.Operation, error) {
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
		name = s.Name
		t = d.begin(s, kindDestroy, driver.StatusDeleting, "", now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.track(id, "destroy "+name, t, nil), nil
}
