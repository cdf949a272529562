package cyberpanel_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// asDriverError fails unless err is a *fault.Error.
func asDriverError(t *testing.T, err error) *fault.Error {
	t.Helper()
	var e *fault.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *fault.Error", err, err)
	}
	return e
}

// TestDocumentedErrorCodes answers GET /vps/45 with every error_code the
// reference lists, at its documented status, and checks the class.
func TestDocumentedErrorCodes(t *testing.T) {
	cases := []struct {
		status int
		code   string
		want   fault.Class
		msg    string // the message must contain it
	}{
		{401, "NO_API_KEY", fault.Unauthenticated, "no API key"},
		{401, "INVALID_API_KEY", fault.Unauthenticated, "rejected the API key"},
		{401, "EXPIRED_API_KEY", fault.Unauthenticated, "expired"},
		{401, "INACTIVE_API_KEY", fault.Unauthenticated, "deactivated"},
		{403, "IP_NOT_ALLOWED", fault.PermissionDenied, "allow-list"},
		{403, "INSUFFICIENT_SCOPE", fault.PermissionDenied, "API key lacks scope vps:read"},
		{403, "VPS_SUSPENDED", fault.Conflict, "server 45 is suspended"},
		{404, "VPS_NOT_FOUND", fault.NotFound, "server 45 not found"},
		{404, "KEY_NOT_FOUND", fault.NotFound, "API key not found"},
		{400, "VPS_DELETED", fault.NotFound, "server 45 has been deleted"},
		{400, "VPS_ALREADY_DELETED", fault.NotFound, "server 45 has been deleted"},
		{400, "PLAN_NOT_FOUND", fault.Invalid, "plan"},
		{400, "LOCATION_NOT_FOUND", fault.Invalid, "location"},
		{400, "INVALID_TEMPLATE", fault.Invalid, "template"},
		{400, "MISSING_FIELDS", fault.Invalid, "required fields"},
		{400, "INVALID_HOSTNAME", fault.Invalid, "hostname"},
		{400, "PASSWORD_TOO_SHORT", fault.Invalid, "shorter than 8"},
		{400, "PASSWORD_TOO_LONG", fault.Invalid, "longer than 72"},
		{400, "PASSWORD_WEAK", fault.Invalid, "letters and digits"},
		{400, "INSUFFICIENT_BALANCE", fault.Conflict, "balance"},
		{429, "RATE_LIMIT_EXCEEDED", fault.RateLimited, "rate limit"},
		{500, "START_FAILED", fault.Unavailable, "could not start server 45"},
		{500, "STOP_FAILED", fault.Unavailable, "could not stop server 45"},
		{500, "RESTART_FAILED", fault.Unavailable, "could not restart server 45"},
		{500, "DELETE_FAILED", fault.Unavailable, "could not delete server 45"},
		{500, "STATUS_FAILED", fault.Unavailable, "live status of server 45"},
		{500, "CONSOLE_FAILED", fault.Unavailable, "console for server 45"},
		{500, "DEPLOYMENT_FAILED", fault.Unavailable, "deployment of server 45 failed"},
		{500, "NODE_NOT_FOUND", fault.Unavailable, "Proxmox node of server 45"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			srv := newEmu(t)
			d := newDriver(t, srv)
			f := cyberpaneltest.Fault{Method: "GET", Path: "/vps/45", Status: tc.status, Code: tc.code, Times: 1}
			if tc.status == 429 {
				f.RetryAfter = 7 * time.Second
			}
			srv.Inject(f)
			_, err := d.GetServer(t.Context(), "45")
			e := asDriverError(t, err)
			if e.Class != tc.want {
				t.Fatalf("class %q (%v), want %q", e.Class, err, tc.want)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if tc.status == 429 && e.RetryAfter != 7*time.Second {
				t.Errorf("RetryAfter %s, want 7s", e.RetryAfter)
			}
			if n := srv.Requests("GET", "/vps/45"); n != 1 {
				t.Errorf("%d requests, want exactly 1 (the driver must not retry)", n)
			}
		})
	}
}

// TestFaults covers answers without a documented code: statuses, garbage
// and truncated bodies, and a response slower than the deadline.
func TestFaults(t *testing.T) {
	cases := []struct {
		name string
		f    cyberpaneltest.Fault
		want fault.Class
		busy bool
		msg  string
	}{
		{"401 without a body", cyberpaneltest.Fault{Status: 401, Body: " "}, fault.Unauthenticated, false, "HTTP 401"},
		{"403 unknown code", cyberpaneltest.Fault{Status: 403, Code: "ACCOUNT_LOCKED"}, fault.PermissionDenied, false, "ACCOUNT_LOCKED"},
		{"404 html", cyberpaneltest.Fault{Status: 404, Body: "<html>Not Found</html>"}, fault.NotFound, false, "HTTP 404"},
		{"423 locked", cyberpaneltest.Fault{Status: 423, Code: "VPS_LOCKED"}, fault.Conflict, true, "VPS_LOCKED"},
		{"429 without code", cyberpaneltest.Fault{Status: 429, Body: "slow down", RetryAfter: 3 * time.Second}, fault.RateLimited, false, "HTTP 429"},
		{"502 proxy page", cyberpaneltest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}, fault.Unavailable, false, "HTTP 502"},
		{"503 envelope", cyberpaneltest.Fault{Status: 503, Code: "MAINTENANCE", Message: "back soon"}, fault.Unavailable, false, "back soon"},
		{"garbage 200", cyberpaneltest.Fault{Status: 200, Body: "\x00\x01garbage"}, fault.Unavailable, false, "malformed response"},
		{"truncated JSON", cyberpaneltest.Fault{Status: 200, Body: `{"success": true, "data": {"id": 45, "na`}, fault.Unavailable, false, "malformed response"},
		{"success without data", cyberpaneltest.Fault{Status: 200, Body: `{"success": true, "data": null}`}, fault.Unavailable, false, "malformed response"},
		{"not an envelope", cyberpaneltest.Fault{Status: 200, Body: `[1, 2, 3]`}, fault.Unavailable, false, "malformed response"},
		{"wrong field type", cyberpaneltest.Fault{Status: 200, Body: `{"success": true, "data": {"id": "forty-five"}}`}, fault.Unavailable, false, "malformed response"},
		{"200 with success false", cyberpaneltest.Fault{Status: 200, Body: `{"success": false, "error": "nope", "error_code": "VPS_NOT_FOUND"}`}, fault.NotFound, false, "not found"},
		{"oversized body", cyberpaneltest.Fault{Status: 200, Body: `{"success": true, "data": {"name": "` + strings.Repeat("x", 5<<20) + `"}}`}, fault.Unavailable, false, "larger than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmu(t)
			d := newDriver(t, srv)
			tc.f.Method, tc.f.Path, tc.f.Times = "GET", "/vps/45", 1
			srv.Inject(tc.f)
			_, err := d.GetServer(t.Context(), "45")
			e := asDriverError(t, err)
			if e.Class != tc.want || e.Busy != tc.busy {
				t.Fatalf("class %q busy %v (%v), want %q busy %v", e.Class, e.Busy, err, tc.want, tc.busy)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if strings.ContainsAny(e.Message, "\n\x00") || len(e.Message) > 300 {
				t.Errorf("message is not one short line: %q", e.Message)
			}
			if tc.f.RetryAfter > 0 && e.RetryAfter != tc.f.RetryAfter {
				t.Errorf("RetryAfter %s, want %s", e.RetryAfter, tc.f.RetryAfter)
			}
		})
	}
}

func TestSlowResponseEndsWithTheContext(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps/45/snapshots", Delay: 10 * time.Second})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := d.Snapshots(ctx, "45")
	if e := asDriverError(t, err); e.Class != fault.Unavailable {
		t.Fatalf("class %q, want unavailable", e.Class)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not carry the deadline", err)
	}
}

// TestLiveStatusFailureShowsDetails: when only /status fails on the
// platform's side, GetServer returns the details without metrics; any
// other /status failure fails the call.
func TestLiveStatusFailureShowsDetails(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps/45/status", Status: 500, Code: "STATUS_FAILED", Times: 1})
	s, err := d.GetServer(t.Context(), "45")
	if err != nil {
		t.Fatalf("GetServer: %v", err)
	}
	if s.Status != driver.StatusRunning || s.Plan == "" || len(s.Usage) != 0 {
		t.Errorf("degraded server = %+v, want running details without usage", s)
	}
	srv.Inject(cyberpaneltest.Fault{Method: "GET", Path: "/vps/45/status", Status: 403, Code: "INSUFFICIENT_SCOPE", Times: 1})
	_, err = d.GetServer(t.Context(), "45")
	if e := asDriverError(t, err); e.Class != fault.PermissionDenied {
		t.Errorf("class %q, want permission_denied", e.Class)
	}
}

// TestEmulatorAuth drives the emulator's real checks: wrong key, expired
// and inactive keys, and missing scopes.
func TestEmulatorAuth(t *testing.T) {
	srv := newEmu(t)
	bad := newDriver(t, srv, func(c *cyberpanel.Config) { c.APIKey = "cyp_live_" + strings.Repeat("0", 64) })
	_, err := bad.ListServers(t.Context())
	if e := asDriverError(t, err); e.Class != fault.Unauthenticated || !strings.Contains(e.Message, "rejected") {
		t.Errorf("wrong key: %v", err)
	}

	d := newDriver(t, srv)
	srv.SetKeyState(cyberpaneltest.KeyExpired)
	_, err = d.ListServers(t.Context())
	if e := asDriverError(t, err); e.Class != fault.Unauthenticated || !strings.Contains(e.Message, "expired") {
		t.Errorf("expired key: %v", err)
	}
	srv.SetKeyState(cyberpaneltest.KeyInactive)
	_, err = d.ListServers(t.Context())
	if e := asDriverError(t, err); e.Class != fault.Unauthenticated || !strings.Contains(e.Message, "deactivated") {
		t.Errorf("inactive key: %v", err)
	}

	srv.SetKeyState(cyberpaneltest.KeyValid)
	srv.SetScopes("vps:read")
	if _, err := d.ListServers(t.Context()); err != nil {
		t.Fatalf("read with vps:read: %v", err)
	}
	_, err = d.Power(t.Context(), "45", driver.PowerStop)
	if e := asDriverError(t, err); e.Class != fault.PermissionDenied || !strings.Contains(e.Message, "lacks scope vps:write") {
		t.Errorf("stop without vps:write: %v", err)
	}
	_, err = d.Destroy(t.Context(), "45")
	if e := asDriverError(t, err); e.Class != fault.PermissionDenied || !strings.Contains(e.Message, "vps:delete") {
		t.Errorf("delete without vps:write: %v", err)
	}
	if srv.Status(cyberpaneltest.RunningID) != "running" || srv.Deleted(cyberpaneltest.RunningID) {
		t.Error("a refused action changed the server")
	}
}

// TestWrongState: actions the server's state refuses.
func TestWrongState(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	_, err := d.Power(t.Context(), "47", driver.PowerStart)
	if e := asDriverError(t, err); e.Class != fault.Conflict || !strings.Contains(e.Message, "suspended") {
		t.Errorf("start suspended: %v", err)
	}
	_, err = d.Power(t.Context(), "46", driver.PowerReboot)
	if e := asDriverError(t, err); e.Class != fault.Unavailable || !strings.Contains(e.Message, "could not restart") {
		t.Errorf("restart stopped: %v", err)
	}
	op, err := d.Destroy(t.Context(), "46")
	if err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	if err := op.Wait(t.Context(), func(driver.Progress) {}); err != nil {
		t.Fatalf("Destroy wait: %v", err)
	}
	_, err = d.Destroy(t.Context(), "46")
	if e := asDriverError(t, err); e.Class != fault.NotFound || !strings.Contains(e.Message, "has been deleted") {
		t.Errorf("delete twice: %v", err)
	}
	_, err = d.GetServer(t.Context(), "abc")
	if e := asDriverError(t, err); e.Class != fault.Invalid {
		t.Errorf("non-numeric id: %v", err)
	}
	if n := len(srv.Log()); n != 5 {
		t.Errorf("%d requests, want 5 (the bad id must not reach the API)", n)
	}
}
