package suble_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// TestFaultClasses injects each kind of failure on the status call and
// checks the class GetServer returns, and that it made exactly one
// request (the driver never retries on its own).
func TestFaultClasses(t *testing.T) {
	status := vpsPath(subletest.RunningID, "status")
	tests := []struct {
		name       string
		fault      subletest.Fault
		want       fault.Class
		busy       bool
		retryAfter time.Duration
		msg        string // a fragment the message must have
	}{
		{"401", subletest.Fault{Status: 401, Body: `{"error":"Unauthorized"}`}, fault.Unauthenticated, false, 0, "token"},
		{"403", subletest.Fault{Status: 403, Body: `{"error":"Insufficient permissions to access this resource"}`}, fault.PermissionDenied, false, 0, "READ_VPS"},
		{"404 product", subletest.Fault{Status: 404, Body: `{"error":"Product not found"}`}, fault.NotFound, false, 0, "server vm_abc123 not found"},
		{"404 project", subletest.Fault{Status: 404, Body: `{"error":"Project not found"}`}, fault.NotFound, false, 0, "project " + subletest.Project},
		{"409 busy", subletest.Fault{Status: 409}, fault.Conflict, true, 0, "busy"},
		{"423 locked", subletest.Fault{Status: 423, Body: `{"error":"VM is locked (backup)"}`}, fault.Conflict, true, 0, "locked"},
		{"429 retry-after", subletest.Fault{Status: 429, RetryAfter: 3 * time.Second}, fault.RateLimited, false, 3 * time.Second, "rate limit"},
		{"429 reset only", subletest.Fault{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {"7"}}}, fault.RateLimited, false, 7 * time.Second, "rate limit"},
		{"500", subletest.Fault{Status: 500}, fault.Unavailable, false, 0, "HTTP 500"},
		{"502 html", subletest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}, fault.Unavailable, false, 0, "HTTP 502"},
		{"400 unknown", subletest.Fault{Status: 400, Body: `{"error":"Something odd"}`}, fault.Invalid, false, 0, "Something odd"},
		{"garbage", subletest.Fault{Status: 200, Body: "\x00\x01 not json"}, fault.Unavailable, false, 0, "malformed"},
		{"truncated", subletest.Fault{Status: 200, Body: `{"status":"running","cpu":1`}, fault.Unavailable, false, 0, "malformed"},
		{"no status", subletest.Fault{Status: 200, Body: `{}`}, fault.Unavailable, false, 0, "no status"},
		{"418", subletest.Fault{Status: 418}, fault.Internal, false, 0, "HTTP 418"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmu(t)
			d := newDriver(t, srv)
			if _, err := d.ListServers(t.Context()); err != nil { // warm the name cache
				t.Fatal(err)
			}
			tc.fault.Path, tc.fault.Times = status, 1
			srv.Inject(tc.fault)
			_, err := d.GetServer(t.Context(), subletest.RunningID)
			e := requireClass(t, "GetServer", err, tc.want)
			if e.Busy != tc.busy {
				t.Errorf("Busy = %v, want %v", e.Busy, tc.busy)
			}
			if tc.retryAfter > 0 && (e.RetryAfter < tc.retryAfter-time.Second || e.RetryAfter > tc.retryAfter) {
				t.Errorf("RetryAfter = %s, want about %s", e.RetryAfter, tc.retryAfter)
			}
			if !strings.Contains(strings.ToLower(e.Message), strings.ToLower(tc.msg)) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
			if strings.Contains(e.Message, "\n") {
				t.Errorf("message %q spans lines", e.Message)
			}
			if n := srv.Count("GET", status); n != 1 {
				t.Errorf("status requested %d times, want 1", n)
			}
		})
	}
}

// TestHugeBody checks the response cap: an endless answer is refused, not
// read into memory.
func TestHugeBody(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	srv.Inject(subletest.Fault{Path: listPath, Status: 200, Body: `["` + strings.Repeat("x", 5<<20) + `"]`})
	_, err := d.ListServers(t.Context())
	requireClass(t, "ListServers(huge)", err, fault.Unavailable)
}

// TestConnectionRefused: an unreachable API is Unavailable.
func TestConnectionRefused(t *testing.T) {
	srv := newEmu(t)
	d := newDriver(t, srv)
	srv.Close()
	_, err := d.ListServers(t.Context())
	requireClass(t, "ListServers(closed)", err, fault.Unavailable)
}
