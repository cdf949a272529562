package demo

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// consoleTTL is how long a console ticket stays valid, like real panels'
// one-time VNC passwords.
const consoleTTL = 10 * time.Minute

// Console implements driver.Consoler with a fresh random VNC password per
// call. The host is under .invalid, so nothing can connect to it.
func (d *Driver) Console(ctx context.Context, id string) (*driver.Console, error) {
	var c *driver.Console
	err := d.view(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		if s.status() == driver.StatusDeleting {
			return fault.Errorf(fault.Conflict, "server is being deleted")
		}
		c = &driver.Console{
			Kind:      "vnc",
			Host:      "vnc." + d.region + ".demo.invalid",
			Port:      5900 + int(hash32(id)%100),
			Password:  rand.Text()[:16],
			ExpiresAt: now.Add(consoleTTL),
		}
		return nil
	})
	return c, err
}
