package suble_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

func TestWrongToken(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, func(c *suble.Config) { c.Token = "sk_wrong_token_1234" })
	_, err := d.ListServers(t.Context())
	requireClass(t, "ListServers(wrong token)", err, fault.Unauthenticated)
	if n := srv.Count("POST", "/auth/login") + srv.Count("POST", "/auth/refresh"); n != 0 {
		t.Errorf("a token driver made %d auth requests", n)
	}
	if n := srv.Count("GET", listPath); n != 1 {
		t.Errorf("list requested %d times, want 1 (a static token is not retried)", n)
	}
}

func TestWrongPassword(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin, func(c *suble.Config) { c.Password = "Not-The-Password-99" })
	_, err := d.ListServers(t.Context())
	e := requireClass(t, "ListServers(wrong password)", err, fault.Unauthenticated)
	if !strings.Contains(e.Message, "Invalid email or password") || strings.Contains(e.Error(), "Not-The-Password-99") {
		t.Errorf("message %q", e.Message)
	}
	if n := srv.Count("GET", listPath); n != 0 {
		t.Errorf("list requested %d times without a session", n)
	}
}

// TestPermissionScopedKey: a project key without VPS_CONTROL can read but
// not control, and says which permission is missing.
func TestPermissionScopedKey(t *testing.T) {
	const key = "sk_readonly_key_5678"
	srv := newEmu(t, subletest.WithToken(key, subletest.PermReadVPS))
	d := newDriver(t, srv, func(c *suble.Config) { c.Token = key })
	if _, err := d.GetServer(t.Context(), subletest.RunningID); err != nil {
		t.Fatalf("read with READ_VPS: %v", err)
	}
	_, err := d.Power(t.Context(), subletest.RunningID, driver.PowerStop)
	if e := requireClass(t, "Power(read-only key)", err, fault.PermissionDenied); !strings.Contains(e.Message, "VPS_CONTROL") {
		t.Errorf("message %q does not name VPS_CONTROL", e.Message)
	}
	_, err = d.Console(t.Context(), subletest.RunningID)
	requireClass(t, "Console(read-only key)", err, fault.PermissionDenied)
	_, err = d.Reinstall(t.Context(), subletest.StoppedID, driver.ReinstallOptions{Image: "debian-12"})
	if e := requireClass(t, "Reinstall(read-only key)", err, fault.PermissionDenied); !strings.Contains(e.Message, "VPS_DELETE") {
		t.Errorf("message %q does not name VPS_DELETE", e.Message)
	}
}

// TestLoginOnce: the first call logs in; later calls reuse the session.
func TestLoginOnce(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin)
	for range 3 {
		if _, err := d.GetServer(t.Context(), subletest.RunningID); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Count("POST", "/auth/login"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// TestRefreshSingleFlight: after the session expires, a burst of 50
// concurrent calls makes exactly one refresh (and no new login), and every
// call succeeds.
func TestRefreshSingleFlight(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin)
	if _, err := d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.ExpireSessions()
	// A slow refresh lets the whole burst hit its 401 while it runs, so
	// a renewal per caller would show; correct code makes one either way.
	srv.Inject(subletest.Fault{Path: "/auth/refresh", Delay: 200 * time.Millisecond, Times: 1})
	burst(t, d, 50)
	if n := srv.Count("POST", "/auth/refresh"); n != 1 {
		t.Errorf("%d refreshes for a burst of 50, want 1", n)
	}
	if n := srv.Count("POST", "/auth/login"); n != 1 {
		t.Errorf("%d logins, want only the first", n)
	}
}

// TestReloginWhenRefreshRejected: an expired refresh token falls back to
// one fresh login for the whole burst.
func TestReloginWhenRefreshRejected(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin)
	if _, err := d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.ExpireSessions()
	srv.ExpireRefreshTokens()
	burst(t, d, 50)
	if r, l := srv.Count("POST", "/auth/refresh"), srv.Count("POST", "/auth/login"); r != 1 || l != 2 {
		t.Errorf("%d refreshes and %d logins, want 1 and 2", r, l)
	}
}

// TestMutationAfterExpiry: a 401 proves the action did not run, so a
// power action is repeated once with the new session.
func TestMutationAfterExpiry(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(0))
	d := newDriver(t, srv, withLogin)
	if _, err := d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.ExpireSessions()
	if _, err := d.Power(t.Context(), subletest.RunningID, driver.PowerStop); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("POST", vpsPath(subletest.RunningID, "control")); n != 2 {
		t.Errorf("control sent %d times, want 2 (rejected, then repeated)", n)
	}
}

// TestPersistent401: a session rejected even after renewal is
// Unauthenticated, not an endless loop.
func TestPersistent401(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin)
	srv.Inject(subletest.Fault{Path: listPath, Status: 401})
	_, err := d.ListServers(t.Context())
	requireClass(t, "ListServers(always 401)", err, fault.Unauthenticated)
	if n := srv.Count("GET", listPath); n != 2 {
		t.Errorf("list requested %d times, want 2", n)
	}
}

// TestLoginRateLimited: a failing login keeps its class.
func TestLoginRateLimited(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin)
	srv.Inject(subletest.Fault{Path: "/auth/login", Status: 429, RetryAfter: 2e9, Times: 1})
	_, err := d.ListServers(t.Context())
	requireClass(t, "ListServers(login 429)", err, fault.RateLimited)
	if _, err := d.ListServers(t.Context()); err != nil {
		t.Fatalf("after the rate limit passed: %v", err)
	}
}

func burst(t *testing.T, d *suble.Driver, n int) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			if _, err := d.GetServer(t.Context(), subletest.RunningID); err != nil {
				t.Errorf("GetServer in the burst: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
}

// TestFailedLoginRemembered: a rejected password is sent once; calls in
// the next 30 s (by Config.Clock) answer Unauthenticated without a login.
func TestFailedLoginRemembered(t *testing.T) {
	srv := newEmu(t)
	clk := newFakeClock()
	d := newDriver(t, srv, withLogin, func(c *suble.Config) { c.Password, c.Clock = "Not-The-Password-99", clk.Now })
	calls := []func() error{
		func() error { _, err := d.ListServers(t.Context()); return err },
		func() error { _, err := d.GetServer(t.Context(), subletest.RunningID); return err },
		func() error { _, err := d.Power(t.Context(), subletest.RunningID, driver.PowerStop); return err },
	}
	for i, call := range calls {
		e := requireClass(t, "call with a wrong password", call(), fault.Unauthenticated)
		if i > 0 && !strings.Contains(e.Message, "Invalid email or password") {
			t.Errorf("remembered error %q lost the reason", e.Message)
		}
	}
	if n := srv.Count("POST", "/auth/login"); n != 1 {
		t.Fatalf("%d logins for %d calls within 30 s, want 1", n, len(calls))
	}
	clk.Advance(29 * time.Second)
	requireClass(t, "call after 29 s", calls[0](), fault.Unauthenticated)
	if n := srv.Count("POST", "/auth/login"); n != 1 {
		t.Errorf("%d logins after 29 s, want 1", n)
	}
	clk.Advance(2 * time.Second)
	requireClass(t, "call after 31 s", calls[0](), fault.Unauthenticated)
	if n := srv.Count("POST", "/auth/login"); n != 2 {
		t.Errorf("%d logins after 31 s, want 2", n)
	}
	if n := srv.Count("", vpsPath(subletest.RunningID, "control")); n != 0 {
		t.Errorf("control sent %d times without a session", n)
	}
}

// TestLoginOutageNotRemembered: a login that fails for want of the API
// (5xx, unreachable) is tried again on the next call.
func TestLoginOutageNotRemembered(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv, withLogin, func(c *suble.Config) { c.Clock = newFakeClock().Now })
	srv.Inject(subletest.Fault{Path: "/auth/login", Status: 503, Times: 1})
	_, err := d.ListServers(t.Context())
	requireClass(t, "ListServers(login 503)", err, fault.Unavailable)
	if _, err := d.ListServers(t.Context()); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
	if n := srv.Count("POST", "/auth/login"); n != 2 {
		t.Errorf("%d logins, want 2", n)
	}
}

// TestRepeated401SaysHowTheSessionWasRenewed: the error after a second
// 401 names the renewal that actually happened.
func TestRepeated401SaysHowTheSessionWasRenewed(t *testing.T) {
	tests := []struct {
		name          string
		expireRefresh bool
		want, not     string
	}{
		{"refreshed", false, "after a token refresh", "login"},
		{"logged in again", true, "after a fresh login", "refresh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmu(t)
			d := newDriver(t, srv, withLogin)
			if _, err := d.ListServers(t.Context()); err != nil {
				t.Fatal(err)
			}
			if tc.expireRefresh {
				srv.ExpireRefreshTokens()
			}
			srv.Inject(subletest.Fault{Path: listPath, Status: 401})
			_, err := d.ListServers(t.Context())
			e := requireClass(t, "ListServers(always 401)", err, fault.Unauthenticated)
			if !strings.Contains(e.Message, tc.want) || strings.Contains(e.Message, tc.not) {
				t.Errorf("message %q, want %q and no %q", e.Message, tc.want, tc.not)
			}
		})
	}
}
