package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// ListServers implements driver.Driver.
func (d *Driver) ListServers(ctx context.Context) ([]driver.Server, error) {
	var out []driver.Server
	err := d.view(ctx, func(f *Fleet, now time.Time) error {
		for _, s := range f.Servers {
			out = append(out, d.toServer(s, now))
		}
		return nil
	})
	slices.SortFunc(out, func(a, b driver.Server) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// GetServer implements driver.Driver.
func (d *Driver) GetServer(ctx context.Context, id string) (*driver.Server, error) {
	var out driver.Server
	err := d.view(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		out = d.toServer(s, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// toServer is the portable view of s at now.
func (d *Driver) toServer(s *ServerState, now time.Time) driver.Server {
	v := driver.Server{
		ID:       s.ID,
		Name:     s.Name,
		Status:   s.status(),
		State:    stateWord(s, now),
		Locked:   s.busy(),
		IPv4:     slices.Clone(s.IPv4),
		IPv6:     slices.Clone(s.IPv6),
		Region:   d.region,
		Plan:     s.Plan,
		Image:    s.Image,
		CPUs:     s.CPUs,
		MemoryMB: s.MemoryMB,
		DiskGB:   s.DiskGB,
		Created:  s.Created,
	}
	if v.Status == driver.StatusRunning {
		v.Usage = []driver.Metric{{Name: "cpu", Value: cpuLoad(s.ID, now), Unit: "%"}}
	}
	return v
}

// stateWord is the provider's own word for the state, as a real panel
// would show it.
func stateWord(s *ServerState, now time.Time) string {
	if t := s.Pending; t != nil {
		switch t.Kind {
		case kindReinstall:
			return fmt.Sprintf("installing %s (%d%%)", t.Image, t.percent(now))
		case kindDestroy:
			return "deleting"
		case kindSnapshot:
			return "snapshotting"
		case string(driver.PowerStart):
			return "booting"
		case string(driver.PowerStop):
			return "shutting down"
		case string(driver.PowerOff):
			return "powering off"
		}
		return "rebooting"
	}
	switch s.Status {
	case driver.StatusRunning:
		return "online"
	case driver.StatusStopped:
		return "offline"
	}
	return string(s.Status)
}

// cpuLoad is a plausible CPU figure that changes once a minute and is the
// same in every process.
func cpuLoad(id string, now time.Time) float64 {
	h := hash32(fmt.Sprintf("%s/%d", id, now.Unix()/60))
	return float64(h%4000) / 100 // 0.00-39.99 %
}
