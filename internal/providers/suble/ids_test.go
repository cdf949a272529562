package suble_test

import (
	"context"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// TestBadServerIDs: an id that could leave its path segment is Invalid in
// every per-server method, before any request is sent.
func TestBadServerIDs(t *testing.T) {
	calls := map[string]func(context.Context, *suble.Driver, string) error{
		"GetServer": func(ctx context.Context, d *suble.Driver, id string) error {
			_, err := d.GetServer(ctx, id)
			return err
		},
		"Power": func(ctx context.Context, d *suble.Driver, id string) error {
			_, err := d.Power(ctx, id, driver.PowerStop)
			return err
		},
		"Reinstall": func(ctx context.Context, d *suble.Driver, id string) error {
			_, err := d.Reinstall(ctx, id, driver.ReinstallOptions{Image: "debian-12"})
			return err
		},
		"Images":  func(ctx context.Context, d *suble.Driver, id string) error { _, err := d.Images(ctx, id); return err },
		"Console": func(ctx context.Context, d *suble.Driver, id string) error { _, err := d.Console(ctx, id); return err },
		"InitialLogin": func(ctx context.Context, d *suble.Driver, id string) error {
			_, err := d.InitialLogin(ctx, id)
			return err
		},
	}
	for _, id := range []string{"..", ".", "a/b", "%2e%2e", "", "vm_abc123/../x"} {
		for name, call := range calls {
			t.Run(name+"("+id+")", func(t *testing.T) {
				srv := newEmu(t)
				d := newDriver(t, srv)
				requireClass(t, name, call(t.Context(), d, id), fault.Invalid)
				if n := srv.Requests(); n != 0 {
					t.Errorf("%d requests sent for id %q", n, id)
				}
			})
		}
	}
	// With a Products restriction the id is still Invalid, not NotFound.
	srv := newEmu(t)
	d := newDriver(t, srv, func(c *suble.Config) { c.Products = []string{subletest.RunningID} })
	_, err := d.GetServer(t.Context(), "..")
	requireClass(t, "GetServer(..) with Products", err, fault.Invalid)
}
