package edis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// TestFaults maps each fault on get/power to the class GetServer returns,
// and checks how often the request was made: once, or twice where the
// answer means "log in again" (one renewal, never more).
func TestFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    edistest.Fault
		class    fault.Class
		busy     bool
		retry    time.Duration
		requests int
		msg      string // substring of the message
	}{
		{"401", edistest.Fault{Status: 401}, fault.Unauthenticated, false, 0, 2, ""},
		{"expired signature", edistest.Fault{Status: 200, Body: `{"status":"error","msg":"signature expired"}`}, fault.Unauthenticated, false, 0, 2, "expired"},
		{"403", edistest.Fault{Status: 403, Body: `{"status":"error","msg":"access denied"}`}, fault.PermissionDenied, false, 0, 2, "access denied"},
		{"404", edistest.Fault{Status: 404}, fault.NotFound, false, 0, 2, "not found"},
		{"423 locked", edistest.Fault{Status: 423, Body: `{"status":"error","msg":"VPS is locked"}`}, fault.Conflict, true, 0, 1, "locked"},
		{"429", edistest.Fault{Status: 429, RetryAfter: 3 * time.Second}, fault.RateLimited, false, 3 * time.Second, 1, ""},
		{"500", edistest.Fault{Status: 500}, fault.Unavailable, false, 0, 1, "500"},
		{"503 html", edistest.Fault{Status: 503, Body: "<html>maintenance</html>"}, fault.Unavailable, false, 0, 1, "503"},
		{"garbage 200", edistest.Fault{Status: 200, Body: "<html>hello</html>"}, fault.Unavailable, false, 0, 1, "malformed"},
		{"truncated JSON", edistest.Fault{Status: 200, Body: `{"status":"success","data":"server pow`}, fault.Unavailable, false, 0, 1, "malformed"},
		{"unknown refusal", edistest.Fault{Status: 200, Body: `{"status":"error","msg":"the moon is wrong"}`}, fault.Internal, false, 0, 1, "the moon is wrong"},
		{"huge body", edistest.Fault{Status: 200, Body: `{"status":"success","data":"` + strings.Repeat("x", 5<<20) + `"}`}, fault.Unavailable, false, 0, 1, "exceeds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			if _, err := e.d.ListServers(t.Context()); err != nil { // warm the session
				t.Fatal(err)
			}
			tc.fault.Path = pathPower
			e.srv.Inject(tc.fault)
			before := e.srv.Count(pathPower)
			srv, err := e.d.GetServer(t.Context(), edistest.RunningID)
			if srv != nil {
				t.Errorf("GetServer returned a server with its error")
			}
			de := driverErr(t, "GetServer", err)
			if de.Class != tc.class || de.Busy != tc.busy || de.RetryAfter != tc.retry {
				t.Errorf("got class %q busy %v retry %v (%v); want %q %v %v", de.Class, de.Busy, de.RetryAfter, err, tc.class, tc.busy, tc.retry)
			}
			if !strings.Contains(de.Message, tc.msg) || strings.Contains(de.Message, "\n") {
				t.Errorf("message %q lacks %q or has a line break", de.Message, tc.msg)
			}
			if n := e.srv.Count(pathPower) - before; n != tc.requests {
				t.Errorf("get/power requests = %d, want %d", n, tc.requests)
			}
		})
	}
}

// TestSlowResponse: a response slower than the HTTP client's timeout is
// Unavailable, made once.
func TestSlowResponse(t *testing.T) {
	e := newEnv(t, func(c *edis.Config) {
		c.HTTPClient = nil // the default client, with Timeout
		c.Timeout = 100 * time.Millisecond
	})
	if _, err := e.d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.srv.Inject(edistest.Fault{Path: pathPower, Delay: 5 * time.Second})
	_, err := e.d.GetServer(t.Context(), edistest.RunningID)
	if c := driverErr(t, "GetServer", err).Class; c != fault.Unavailable {
		t.Errorf("class %q, want unavailable", c)
	}
	if n := e.srv.Count(pathPower); n != 4 { // three from the warm-up list, one here
		t.Errorf("get/power requests = %d, want 4", n)
	}
}

// TestCanceledContext: a context that ends mid-request surfaces as a
// context error the portable wrapper recognises.
func TestCanceledContext(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.d.ListServers(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.srv.Inject(edistest.Fault{Path: pathPower, Delay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := e.d.GetServer(ctx, edistest.RunningID)
	driverErr(t, "GetServer", err)
	if fault.ClassOf(err) != fault.Unavailable || !errorsIsDeadline(err) {
		t.Errorf("err %v: want unavailable wrapping context.DeadlineExceeded", err)
	}
}

// TestWrongState: actions the VPS's state does not allow are conflicts;
// an action while another runs is a busy conflict.
func TestWrongState(t *testing.T) {
	e := newEnv(t, nil, edistest.WithSteps(5))
	cases := []struct {
		id   string
		a    driver.PowerAction
		busy bool
	}{
		{edistest.RunningID, driver.PowerStart, false},
		{edistest.StoppedID, driver.PowerOff, false},
		{edistest.StoppedID, driver.PowerHardReset, false},
	}
	for _, c := range cases {
		_, err := e.d.Power(t.Context(), c.id, c.a)
		if de := driverErr(t, string(c.a), err); de.Class != fault.Conflict || de.Busy {
			t.Errorf("%s on %s: %v, want a (not busy) conflict", c.a, c.id, err)
		}
	}
	if _, err := e.d.Power(t.Context(), edistest.RunningID, driver.PowerHardReset); err != nil {
		t.Fatal(err)
	}
	_, err := e.d.Power(t.Context(), edistest.RunningID, driver.PowerOff)
	if de := driverErr(t, "poweroff during reset", err); de.Class != fault.Conflict || !de.Busy {
		t.Errorf("poweroff during a reset: %v, want a busy conflict", err)
	}
}

// TestUnverifiedPath404: a 404 on an unverified path (the reset guess)
// is reported as unsupported, after one renewal.
func TestUnverifiedPath404(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Inject(edistest.Fault{Path: "/kvm/v2/set/reset", Status: 404, Body: `{"status":"error","msg":"unknown endpoint"}`})
	_, err := e.d.Power(t.Context(), edistest.RunningID, driver.PowerHardReset)
	de := driverErr(t, "reset", err)
	if de.Class != fault.Unsupported || !strings.Contains(de.Message, "unverified") {
		t.Errorf("got %v (%s), want unsupported naming the unverified path", err, de.Class)
	}
	if n := e.srv.Count("/kvm/v2/set/reset"); n != 2 {
		t.Errorf("set/reset requests = %d, want 2", n)
	}
}
