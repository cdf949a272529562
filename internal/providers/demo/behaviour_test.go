package demo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// TestSeededFleets pins the starting fleets the README and the
// ambiguity demo rely on.
func TestSeededFleets(t *testing.T) {
	tests := []struct {
		instance string
		display  string
		want     map[string]string // id → "name status"
	}{
		{"demo-fra", "Demo (FRA)", map[string]string{
			"fra-101": "web-1 running", "fra-102": "web-2 running", "fra-103": "db-1 running", "fra-104": "build-1 stopped",
		}},
		{"demo-nyc", "Demo (NYC)", map[string]string{
			"nyc-201": "web-1 running", "nyc-202": "api-1 running", "nyc-203": "db-1 stopped", "nyc-204": "old-1 stopped",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.instance, func(t *testing.T) {
			d := demo.New(demo.Config{Name: tc.instance})
			if d.DisplayName() != tc.display {
				t.Errorf("DisplayName %q, want %q", d.DisplayName(), tc.display)
			}
			list, err := d.ListServers(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, s := range list {
				got[s.ID] = s.Name + " " + string(s.Status)
				if s.Locked || len(s.IPv4) != 1 || len(s.IPv6) != 1 || s.Plan == "" || s.Created.IsZero() {
					t.Errorf("server %+v: want unlocked, one address of each family, a plan and a creation time", s)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("fleet %v, want %v", got, tc.want)
			}
			for id, w := range tc.want {
				if got[id] != w {
					t.Errorf("%s: %q, want %q", id, got[id], w)
				}
			}
		})
	}
}

// TestRefusals covers the errors a real provider gives, with their class
// and the words users see.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name  string
		call  func(ctx context.Context, d *demo.Driver) error
		class fault.Class
		words string
	}{
		{"start running", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.Power(ctx, "fra-101", driver.PowerStart)
			return err
		}, fault.Conflict, "already running"},
		{"stop stopped", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.Power(ctx, "fra-104", driver.PowerStop)
			return err
		}, fault.Conflict, "already stopped"},
		{"reboot stopped", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.Power(ctx, "fra-104", driver.PowerReboot)
			return err
		}, fault.Conflict, "start it instead"},
		{"unknown action", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.Power(ctx, "fra-101", "hibernate")
			return err
		}, fault.Invalid, "unknown power action"},
		{"unknown image", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.Reinstall(ctx, "fra-101", driver.ReinstallOptions{Image: "windows-95"})
			return err
		}, fault.Invalid, "available: debian-12, debian-11, ubuntu-24.04"},
		{"bad reinstall hostname", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.Reinstall(ctx, "fra-101", driver.ReinstallOptions{Image: "debian-12", Hostname: "-x-.example"})
			return err
		}, fault.Invalid, "not a valid hostname"},
		{"unknown ISO", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.MountISO(ctx, "fra-101", "dos-6.22")
			return err
		}, fault.Invalid, "available: debian-12-netinst"},
		{"unmount nothing", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.UnmountISO(ctx, "fra-101")
			return err
		}, fault.Conflict, "no ISO is mounted"},
		{"mount twice", func(ctx context.Context, d *demo.Driver) error {
			if _, err := d.MountISO(ctx, "fra-101", "systemrescue-11"); err != nil {
				return err
			}
			_, err := d.MountISO(ctx, "fra-101", "alpine-3.20-virt")
			return err
		}, fault.Conflict, "unmount it first"},
		{"PTR of a foreign IP", func(ctx context.Context, d *demo.Driver) error {
			return d.SetPTR(ctx, "fra-101", "192.0.2.12", "mail.example.com") // fra-102's address
		}, fault.Invalid, "not an address of this server"},
		{"PTR of no IP", func(ctx context.Context, d *demo.Driver) error {
			return d.ResetPTR(ctx, "fra-101", "192.0.2")
		}, fault.Invalid, "not an IP address"},
		{"PTR bare label", func(ctx context.Context, d *demo.Driver) error {
			return d.SetPTR(ctx, "fra-101", "192.0.2.11", "localhost")
		}, fault.Invalid, "not a valid hostname"},
		{"snapshot name", func(ctx context.Context, d *demo.Driver) error {
			_, err := d.CreateSnapshot(ctx, "fra-101", "a b")
			return err
		}, fault.Invalid, "snapshot name"},
		{"duplicate snapshot", func(ctx context.Context, d *demo.Driver) error {
			if _, err := d.CreateSnapshot(ctx, "fra-101", "nightly"); err != nil {
				return err
			}
			_, err := d.CreateSnapshot(ctx, "fra-101", "nightly")
			return err
		}, fault.Conflict, "exists"},
		{"locked server", func(ctx context.Context, d *demo.Driver) error {
			if _, err := d.CreateSnapshot(ctx, "fra-102", ""); err != nil {
				return err
			}
			_, err := d.Power(ctx, "fra-102", driver.PowerReboot)
			return err
		}, fault.Conflict, "busy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock() // Speed 1 on a still clock: transitions stay pending
			d := demo.New(demo.Config{Name: "demo-fra", Speed: 1, Clock: c.Now})
			err := tc.call(t.Context(), d)
			var e *fault.Error
			if !errors.As(err, &e) || e.Class != tc.class || !strings.Contains(e.Message, tc.words) {
				t.Fatalf("got %v, want class %s with %q", err, tc.class, tc.words)
			}
		})
	}
}

// TestPTRNormalisesIPv6 sets a PTR with a differently written IPv6
// address and finds it under the server's spelling.
func TestPTRNormalisesIPv6(t *testing.T) {
	ctx := t.Context()
	d := demo.New(demo.Config{Name: "demo-fra"})
	if err := d.SetPTR(ctx, "fra-101", "2001:DB8:100:0::1", "v6.example.com."); err != nil {
		t.Fatal(err)
	}
	ptrs, err := d.PTRs(ctx, "fra-101")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ptrs {
		if p.IP == "2001:db8:100::1" && p.Hostname == "v6.example.com" {
			return
		}
	}
	t.Fatalf("PTRs %v lack 2001:db8:100::1 → v6.example.com", ptrs)
}

// TestConsolePasswordsDiffer checks that each console ticket is fresh.
func TestConsolePasswordsDiffer(t *testing.T) {
	ctx := t.Context()
	d := demo.New(demo.Config{Name: "demo-fra"})
	a, err := d.Console(ctx, "fra-101")
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Console(ctx, "fra-101")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Password) < 16 || a.Password == b.Password {
		t.Fatalf("console passwords %q and %q: want two different ones of 16+ characters", a.Password, b.Password)
	}
}
