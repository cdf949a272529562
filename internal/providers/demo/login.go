package demo

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// InitialLogin implements driver.InitialLoginer the way real panels do: a
// freshly created server's login can be read once, then it is gone.
func (d *Driver) InitialLogin(ctx context.Context, id string) (*driver.Login, error) {
	var l *driver.Login
	err := d.update(ctx, func(f *Fleet, now time.Time) error {
		s, err := server(f, id)
		if err != nil {
			return err
		}
		if !s.LoginWaiting {
			return fault.Errorf(fault.Conflict, "the initial login of %s is no longer available: it is shown once after creation", s.Name)
		}
		s.LoginWaiting = false
		l = &driver.Login{Protocol: "ssh", Host: s.IPv4[0], Username: "root", Password: rand.Text()[:20], Cleared: true}
		return nil
	})
	return l, err
}
