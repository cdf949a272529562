package edis_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// TestRefusedLoginRemembered: a login refused for the credentials or the
// account is answered again for 30 s without another login; after that
// one new login is tried. A failure to reach EDIS is not remembered.
func TestRefusedLoginRemembered(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*edistest.Server)
		mod   func(*edis.Config)
		class fault.Class
	}{
		{"wrong password", nil, func(c *edis.Config) { c.Password = "Wr0ng+&=Secret" }, fault.Unauthenticated},
		{"API access disabled", func(s *edistest.Server) { s.SetAPIAccess(false) }, nil, fault.PermissionDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			e := newEnv(t, func(c *edis.Config) {
				c.Clock = clk.Now
				if tc.mod != nil {
					tc.mod(c)
				}
			}, edistest.WithClock(clk.Now))
			if tc.setup != nil {
				tc.setup(e.srv)
			}
			for i := range 5 {
				_, err := e.d.GetServer(t.Context(), edistest.RunningID)
				if c := driverErr(t, "GetServer", err).Class; c != tc.class {
					t.Fatalf("command %d: class %q (%v), want %q", i, c, err, tc.class)
				}
				if strings.Contains(err.Error(), "Wr0ng") {
					t.Fatalf("error %q holds the password", err)
				}
				clk.Advance(5 * time.Second)
			}
			if n := e.srv.Logins(); n != 1 {
				t.Errorf("5 commands within 30 s made %d logins, want 1", n)
			}
			clk.Advance(6 * time.Second) // 31 s after the refusal
			_, err := e.d.ListServers(t.Context())
			if fault.ClassOf(err) != tc.class {
				t.Errorf("after 31 s: %v, want %q", err, tc.class)
			}
			if n := e.srv.Logins(); n != 2 {
				t.Errorf("logins = %d after 31 s, want 2", n)
			}
		})
	}
	t.Run("unavailable is not remembered", func(t *testing.T) {
		clk := newFakeClock()
		e := newEnv(t, func(c *edis.Config) { c.Clock = clk.Now }, edistest.WithClock(clk.Now))
		e.srv.Inject(edistest.Fault{Path: edistest.PathAuth, Status: 503, Times: 1})
		_, err := e.d.ListServers(t.Context())
		if c := driverErr(t, "ListServers", err).Class; c != fault.Unavailable {
			t.Fatalf("class %q, want unavailable", c)
		}
		if _, err := e.d.ListServers(t.Context()); err != nil {
			t.Fatalf("second ListServers: %v", err)
		}
		if n := e.srv.Logins(); n != 2 {
			t.Errorf("logins = %d, want 2", n)
		}
	})
	t.Run("a good login clears the memory", func(t *testing.T) {
		clk := newFakeClock()
		e := newEnv(t, func(c *edis.Config) { c.Clock = clk.Now }, edistest.WithClock(clk.Now))
		e.srv.Inject(edistest.Fault{Path: edistest.PathAuth, Status: 401, Times: 1})
		if _, err := e.d.ListServers(t.Context()); fault.ClassOf(err) != fault.Unauthenticated {
			t.Fatalf("first ListServers: %v, want unauthenticated", err)
		}
		clk.Advance(31 * time.Second)
		if _, err := e.d.ListServers(t.Context()); err != nil {
			t.Fatalf("ListServers after 31 s: %v", err)
		}
		e.srv.RevokeSessions() // the next command must log in again at once
		if _, err := e.d.GetServer(t.Context(), edistest.RunningID); err != nil {
			t.Fatalf("GetServer after revocation: %v", err)
		}
		if n := e.srv.Logins(); n != 3 {
			t.Errorf("logins = %d, want 3", n)
		}
	})
}
